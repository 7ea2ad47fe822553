/**
 * `atmodem identity`: who the modem is — manufacturer, model, firmware, IMEI, firmware and device UUIDs,
 * hardware version. A modem without `%DEVICEUUID` (nRF9160) gives its device UUID in the attestation token.
 * For a `sim:` target the device identity public key is shown too (it verifies default-key tokens).
 */
import { Key } from "@atmodem/jwt-core"
import { Command } from "effect/cli"
import * as Effect from "effect/Effect"
import type * as Connection from "../Connection.ts"
import { UnexpectedResponse } from "../Failure.ts"
import { decodeToken, requestLine } from "./Attest.ts"
import { quotedValue, report, withModem } from "./Common.ts"
import { table } from "./Tokens.ts"

/** The value of an answer: its last non-empty line, without a `+NAME: ` / `%NAME: ` prefix or quotes. */
export const answerValue = (lines: ReadonlyArray<string>): string | undefined => {
  const last = [...lines].reverse().find((line) => line.trim() !== "")
  if (last === undefined) return undefined
  return last
    .replace(/^[+%#][A-Z0-9]+: ?/i, "")
    .trim()
    .replace(/^"(.*)"$/, "$1")
}

/** The fields and the command that gives each. */
const queries = [
  ["manufacturer", "AT+CGMI"],
  ["model", "AT+CGMM"],
  ["revision", "AT+CGMR"],
  ["imei", "AT+CGSN"],
  ["firmwareUuid", "AT%XMODEMUUID"],
  ["deviceUuid", "AT%DEVICEUUID"],
  ["hardwareVersion", "AT%HWVERSION"],
  ["shortSoftwareVersion", "AT%SHORTSWVER"]
] as const

type Field = (typeof queries)[number][0]

const labels: Record<Field, string> = {
  manufacturer: "manufacturer",
  model: "model",
  revision: "firmware",
  imei: "IMEI",
  firmwareUuid: "firmware UUID",
  deviceUuid: "device UUID",
  hardwareVersion: "hardware",
  shortSoftwareVersion: "short version"
}

const ask = (connection: Connection.Connection) =>
  Effect.gen(function* () {
    const values: Partial<Record<Field, string>> = {}
    // A command the modem does not have answers ERROR: that field is left out, the others still count.
    for (const [field, line] of queries) {
      const response = yield* connection.send(line)
      const value = response.final._tag === "Ok" ? answerValue(response.lines) : undefined
      if (value !== undefined) values[field] = value
    }
    let deviceUuidSource: string | undefined = values.deviceUuid === undefined ? undefined : "AT%DEVICEUUID"
    if (values.deviceUuid === undefined) {
      const response = yield* connection.send(requestLine(undefined))
      const token = response.final._tag === "Ok" ? quotedValue(response.lines, "%ATTESTTOKEN:") : undefined
      if (token !== undefined) {
        const decoded = yield* Effect.result(decodeToken(token))
        if (decoded._tag === "Success") {
          values.deviceUuid = decoded.success.payload.deviceUuid
          deviceUuidSource = "AT%ATTESTTOKEN"
        }
      }
    }
    return { values, deviceUuidSource, identityKey: connection.identityPublicKey }
  })

const run = withModem("reading the modem's identity", ask).pipe(
  Effect.flatMap(({ values, deviceUuidSource, identityKey }) =>
    Object.keys(values).length === 0
      ? Effect.fail(new UnexpectedResponse({ reason: "the modem answered none of the identity commands" }))
      : Effect.succeed({
          text: [
            table(
              queries
                .filter(([field]) => values[field] !== undefined)
                .map(
                  ([field]) =>
                    [
                      labels[field],
                      field === "deviceUuid" && deviceUuidSource === "AT%ATTESTTOKEN"
                        ? `${values[field]} (from the attestation token)`
                        : values[field]!
                    ] as const
                )
            ),
            ...(identityKey === undefined
              ? []
              : [`identity key kid ${Key.kid(identityKey)} (simulator)`, Key.spkiPem(identityKey).trimEnd()])
          ].join("\n"),
          json: {
            ...Object.fromEntries(queries.map(([field]) => [field, values[field] ?? null])),
            deviceUuidSource: deviceUuidSource ?? null,
            ...(identityKey === undefined
              ? {}
              : {
                  identityKey: {
                    kid: Key.kid(identityKey),
                    pem: Key.spkiPem(identityKey),
                    jwk: Key.publicJwk(identityKey)
                  }
                })
          }
        })
  )
)

export const command = Command.make("identity", {}, () => report(run)).pipe(
  Command.withDescription("Show the modem's identity: manufacturer, model, firmware, IMEI, UUIDs, hardware.")
)
