/**
 * `atmodem identity`: who the modem is — manufacturer, model, firmware, IMEI, firmware and device UUIDs,
 * hardware version. A modem without `%DEVICEUUID` (nRF9160) gives its device UUID in the attestation token.
 * For a `sim:` target the device identity public key is shown too (it verifies default-key tokens). Each
 * answer is checked for its shape (IMEI 15 digits, UUIDs, the `%` commands' prefixes): an `OK` that is not
 * identity data is an {@link UnexpectedResponse} (exit 6).
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** One line of printable text. */
const TEXT = /^[\x20-\x7e]{1,128}$/

/**
 * What each answer must look like (the nRF91 AT reference): the `%` commands answer with their own prefix;
 * the IMEI is 15 digits, the UUIDs are UUIDs, a firmware name holds an x.y.z version.
 */
const shapes: Record<Field, { readonly prefix?: string; readonly pattern: RegExp; readonly what: string }> = {
  manufacturer: { pattern: TEXT, what: "a manufacturer name" },
  model: { pattern: TEXT, what: "a model name" },
  revision: { pattern: /^[\x20-\x7e]*\d+\.\d+\.\d+[\x20-\x7e]*$/, what: "a firmware name with an x.y.z version" },
  imei: { pattern: /^\d{15}$/, what: "an IMEI (15 digits)" },
  firmwareUuid: { prefix: "%XMODEMUUID:", pattern: UUID, what: "%XMODEMUUID: <firmware UUID>" },
  deviceUuid: { prefix: "%DEVICEUUID:", pattern: UUID, what: "%DEVICEUUID: <device UUID>" },
  hardwareVersion: { prefix: "%HWVERSION:", pattern: TEXT, what: "%HWVERSION: <hardware version>" },
  shortSoftwareVersion: { prefix: "%SHORTSWVER:", pattern: TEXT, what: "%SHORTSWVER: <version>" }
}

/**
 * The value of a field from the information lines of an `OK` answer: `undefined` when there are none, a
 * problem (for the message) when the answer is not what the command returns.
 */
export const fieldValue = (
  field: Field,
  lines: ReadonlyArray<string>
): { readonly value: string } | { readonly problem: string } | undefined => {
  const last = [...lines].reverse().find((line) => line.trim() !== "")
  if (last === undefined) return undefined
  const shape = shapes[field]
  const value = answerValue([last])!
  const command = queries.find(([f]) => f === field)![1]
  const problem = { problem: `${command} answered ${JSON.stringify(last.trim())}, not ${shape.what}` }
  if (shape.prefix !== undefined && !last.trim().toUpperCase().startsWith(shape.prefix)) return problem
  return shape.pattern.test(value) ? { value } : problem
}

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
    const problems: Array<string> = []
    // A command the modem does not have answers ERROR: that field is left out, the others still count. An OK
    // with an answer of the wrong shape is not the modem's identity: it fails the command (exit 6).
    for (const [field, line] of queries) {
      const response = yield* connection.send(line)
      const found = response.final._tag === "Ok" ? fieldValue(field, response.lines) : undefined
      if (found === undefined) continue
      if ("problem" in found) problems.push(found.problem)
      else values[field] = found.value
    }
    if (problems.length > 0)
      return yield* new UnexpectedResponse({
        reason: `the modem's answers are not identity data: ${problems.join("; ")}`
      })
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
  Command.withDescription(
    "Show the modem's identity: manufacturer, model, firmware, IMEI, UUIDs, hardware (exit 6 if the answers are not identity data)."
  )
)
