/**
 * `%JWT`: a JSON Web Token signed by the device identity key, or by a client key stored at
 * (`sec_tag`, `key_type`). Token bytes follow spec section 3 (jwt-core builds them); this module decides the
 * parameters, the key and the clock.
 */
import { Jwt, Signer } from "@atmodem/jwt-core"
import { bytesToHex } from "@noble/hashes/utils.js"
import { Effect, Result } from "effect"
import { fromCredStore, IncorrectParameters, JwtCreationFailed, NoAccess } from "../CmeError.ts"
import type { CommandSpec, Handler } from "../internal/CommandSpec.ts"
import type { Env } from "../internal/Env.ts"
import * as Params from "../internal/Params.ts"
import * as Time from "../internal/Time.ts"

/** The signing key at (sec_tag, key_type): 513 when absent, 514 when it is not a usable P-256 private key. */
const storedKey = (env: Env, secTag: number, keyType: number) =>
  Effect.gen(function* () {
    const secret = yield* Effect.mapError(env.credentials.secret(secTag, keyType), fromCredStore)
    const parsed = env.keys.get(secret.content, secret.password)
    if (Result.isFailure(parsed))
      return yield* new NoAccess({ reason: `the credential at ${secTag},${keyType} is not a usable P-256 key` })
    return parsed.success
  })

const MAX_EXP_DELTA = 2 ** 31 - 1

/** UTF-8 byte length without encoding the string. */
const utf8Length = (text: string): number => {
  let bytes = text.length
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    // a surrogate pair is 2 units and 4 bytes: +1 for each unit; other units above 0x7ff are 3 bytes
    if (c >= 0x800 && (c < 0xd800 || c > 0xdfff)) bytes += 2
    else if (c >= 0x80) bytes += 1
  }
  return bytes
}

const createToken: Handler = (params, env) =>
  Effect.gen(function* () {
    yield* Params.atMost(params, 6, "%JWT")
    yield* Params.optionalInteger(params, 0, "alg (only 0, ES256)", 0, 0)
    const expDelta = yield* Params.optionalInteger(params, 1, "exp_delta", 0, MAX_EXP_DELTA)
    const subject = yield* Params.optionalString(params, 2, "subject")
    const audience = yield* Params.optionalString(params, 3, "audience")
    const secTag = yield* Params.optionalInteger(params, 4, "sec_tag", 0, 4294967295)
    const keyType = yield* Params.optionalInteger(params, 5, "key_type", 0, 255)
    if ((secTag === undefined) !== (keyType === undefined))
      return yield* new IncorrectParameters({ reason: "sec_tag and key_type go together" })
    // sec_tag 0 means "not given": the SDK sends `AT%JWT=0,0,"","",0,0` by default, key_type unused then.
    const clientKey = secTag !== undefined && secTag !== 0
    if (clientKey && keyType !== 2 && !(keyType === 8 && env.profile.endorsementKey))
      return yield* new IncorrectParameters({ reason: `key_type ${keyType} cannot sign a JWT on this modem` })
    for (const claim of [subject, audience])
      if (claim !== undefined && utf8Length(claim) > env.profile.jwtMaxClaimBytes)
        return yield* new JwtCreationFailed({ reason: `claims are limited to ${env.profile.jwtMaxClaimBytes} bytes` })

    const key = clientKey ? yield* storedKey(env, secTag, keyType!) : env.identity.key
    const nowMs = yield* Time.now(env.state.clock)
    const nonce = bytesToHex(yield* env.entropy.bytes(16))
    const claims = Jwt.modemClaims({
      chip: env.profile.chip,
      deviceUuid: env.identity.deviceUuid,
      firmwareUuid: env.profile.firmwareUuid,
      nonce,
      now: nowMs === undefined ? undefined : Math.floor(nowMs / 1000),
      expDelta,
      subject,
      audience
    })
    const token = yield* Jwt.sign(claims, key).pipe(
      Effect.provideService(Signer.Signer, env.signer),
      Effect.mapError((error) => new JwtCreationFailed({ reason: error.reason }))
    )
    return [`%JWT: "${token}"`]
  })

export const commands: ReadonlyArray<CommandSpec> = [
  { name: "%JWT", execute: (_, env) => createToken([], env), set: createToken }
]
