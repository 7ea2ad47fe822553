/**
 * Identity and version commands: `+CGMI`, `+CGMM`, `+CGMR`, `+CGSN` (all forms), `%XMODEMUUID`,
 * `%DEVICEUUID` (nRF91x1 only), `%HWVERSION`, `%SHORTSWVER`. Only the forms listed here exist; read forms
 * answer `ERROR`.
 */
import * as Effect from "effect/Effect"
import { IncorrectParameters } from "../CmeError.ts"
import type { CommandSpec } from "../internal/CommandSpec.ts"
import type { Env } from "../internal/Env.ts"

const line = (text: (env: Env) => string) => (_: unknown, env: Env) => Effect.succeed([text(env)])

/** IMEISV: the first 14 IMEI digits followed by the 2-digit software version number. */
const imeisv = (env: Env) => `${env.identity.imei.slice(0, 14)}${env.profile.imeiSvn}`

export const commands: ReadonlyArray<CommandSpec> = [
  { name: "+CGMI", execute: line(() => "Nordic Semiconductor ASA") },
  { name: "+CGMM", execute: line((env) => env.profile.model) },
  { name: "+CGMR", execute: line((env) => env.profile.firmware) },
  {
    name: "+CGSN",
    execute: line((env) => env.identity.imei),
    set: (params, env) => {
      const [param] = params
      const snt = param?._tag === "Empty" ? 0 : param?._tag === "Integer" ? param.value : undefined
      if (params.length !== 1 || snt === undefined || snt < 0 || snt > 3)
        return Effect.fail(new IncorrectParameters({ reason: "+CGSN takes 0..3" }))
      switch (snt) {
        case 0:
          return Effect.succeed([env.identity.imei])
        case 1:
          return Effect.succeed([`+CGSN: "${env.identity.imei}"`])
        case 2:
          return Effect.succeed([`+CGSN: "${imeisv(env)}"`])
        default:
          return Effect.succeed([`+CGSN: "${env.profile.imeiSvn}"`])
      }
    },
    test: () => Effect.succeed(["+CGSN: (0-3)"])
  },
  { name: "%XMODEMUUID", execute: line((env) => `%XMODEMUUID: ${env.profile.firmwareUuid}`) },
  {
    name: "%DEVICEUUID",
    execute: line((env) => `%DEVICEUUID: ${env.identity.deviceUuid}`),
    available: (profile) => profile.deviceUuidCommand
  },
  { name: "%HWVERSION", execute: line((env) => `%HWVERSION: ${env.profile.hardwareVersion}`) },
  { name: "%SHORTSWVER", execute: line((env) => `%SHORTSWVER: ${env.profile.shortSoftwareVersion}`) }
]
