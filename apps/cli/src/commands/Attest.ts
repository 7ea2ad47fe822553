/**
 * `atmodem attest`: asks the modem for its device identity attestation token (`AT%ATTESTTOKEN`) and shows
 * what it says — device UUID, device type, firmware UUID, nonce — and the COSE_Sign1 around it, checked
 * when the device identity key is known (`--identity-key`, or a `sim:` target).
 */
import { Command as AtCommand, CommandFormatter } from "@atmodem/at-protocol"
import { Base64Url } from "@atmodem/jwt-core"
import { Command, Flag } from "effect/cli"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Cose from "../Cose.ts"
import * as ExitCode from "../ExitCode.ts"
import { UnexpectedResponse, UsageError } from "../Failure.ts"
import { toHex } from "../internal/Bytes.ts"
import { quotedValue, report, withModem } from "./Common.ts"
import { readKey, table } from "./Tokens.ts"

const unexpected = (reason: string) => new UnexpectedResponse({ reason })

/** The `AT%ATTESTTOKEN` line, with the challenge when given. */
export const requestLine = (challenge: string | undefined): string =>
  CommandFormatter.formatLine(
    [
      challenge === undefined
        ? AtCommand.make("%ATTESTTOKEN", "execute")
        : AtCommand.make("%ATTESTTOKEN", "set", [AtCommand.string(challenge)])
    ],
    ""
  )

/** Splits and decodes `<base64url CBOR>.<base64url COSE>`. */
export const decodeToken = (token: string) =>
  Effect.gen(function* () {
    const parts = token.split(".")
    if (parts.length !== 2) return yield* unexpected("the attestation token is not <payload>.<COSE>")
    const body = Base64Url.decode(parts[0]!)
    const cose = Base64Url.decode(parts[1]!)
    if (Result.isFailure(body) || Result.isFailure(cose))
      return yield* unexpected("the attestation token is not base64url")
    const payload = yield* Effect.mapError(Effect.fromResult(Cose.decodeAttestationPayload(body.success)), (e) =>
      unexpected(e.reason)
    )
    const sign1 = yield* Effect.mapError(Effect.fromResult(Cose.decodeSign1(cose.success)), (e) => unexpected(e.reason))
    return { body: body.success, payload, sign1 }
  })

const run = (challenge: string | undefined, identityKeyFile: string | undefined) =>
  Effect.gen(function* () {
    if (challenge !== undefined && !/^[0-9a-fA-F]{32}$/.test(challenge))
      return yield* new UsageError({ reason: "--challenge is 32 hexadecimal characters (16 bytes)" })
    const givenKey = identityKeyFile === undefined ? undefined : yield* readKey(identityKeyFile)
    const line = requestLine(challenge)
    const { lines, simKey } = yield* withModem("requesting an attestation token", (connection) =>
      Effect.map(connection.command(line, { doing: "requesting an attestation token" }), (lines) => ({
        lines,
        simKey: connection.identityPublicKey
      }))
    )
    const token = quotedValue(lines, "%ATTESTTOKEN:")
    if (token === undefined) return yield* unexpected(`${line} answered OK without a %ATTESTTOKEN: "…" line`)
    const { body, payload, sign1 } = yield* decodeToken(token)
    const identityKey = givenKey ?? simKey
    const valid = identityKey === undefined ? undefined : Cose.verifySign1(sign1, sign1.payload ?? body, identityKey)
    const nonceMatches = challenge === undefined || toHex(payload.nonce) === challenge.toLowerCase()
    const problems = [
      ...(valid === false ? ["the COSE signature does not verify with the device identity key"] : []),
      ...(nonceMatches ? [] : ["the nonce is not the challenge"])
    ]
    return {
      text: [
        token,
        table([
          ["message type", String(payload.messageType)],
          ["device UUID", payload.deviceUuid],
          ["device type", `${payload.deviceType} (${Cose.deviceTypeName(payload.deviceType)})`],
          ["firmware UUID", payload.firmwareUuid],
          ["nonce", toHex(payload.nonce)],
          ["COSE alg", Cose.algorithmName(sign1.alg)],
          ["COSE kid", sign1.kid === undefined ? "none" : toHex(sign1.kid)],
          [
            "COSE signature",
            valid === undefined
              ? "not checked (give --identity-key)"
              : valid
                ? "valid (device identity key)"
                : "INVALID"
          ]
        ]),
        ...problems.map((p) => `problem: ${p}`)
      ].join("\n"),
      json: {
        token,
        messageType: payload.messageType,
        deviceUuid: payload.deviceUuid,
        deviceType: payload.deviceType,
        deviceTypeName: Cose.deviceTypeName(payload.deviceType),
        firmwareUuid: payload.firmwareUuid,
        nonce: toHex(payload.nonce),
        cose: {
          alg: sign1.alg ?? null,
          algName: Cose.algorithmName(sign1.alg),
          kid: sign1.kid === undefined ? null : toHex(sign1.kid),
          signatureValid: valid ?? null
        },
        problems
      },
      exitCode: problems.length === 0 ? ExitCode.OK : ExitCode.CHECK_FAILED
    }
  })

export const command = Command.make(
  "attest",
  {
    challenge: Flag.String("challenge").pipe(
      Flag.withMetavar("HEX"),
      Flag.withDescription("32 hex characters the modem puts in the token as its nonce"),
      Flag.optional
    ),
    identityKey: Flag.String("identity-key").pipe(
      Flag.withMetavar("FILE"),
      Flag.withDescription("The device identity public key, to check the COSE signature"),
      Flag.optional
    )
  },
  (flags) => report(run(Option.getOrUndefined(flags.challenge), Option.getOrUndefined(flags.identityKey)))
).pipe(Command.withDescription("Get the device identity attestation token (AT%ATTESTTOKEN) and show its fields."))
