/**
 * `atmodem keygen`: has the modem generate a P-256 key at a sec_tag (`AT%KEYGEN`), writes the CSR (or the
 * public key) as PEM, and prints what the COSE_Sign1 attestation says: message type, device UUID, sec_tag,
 * nonce, and whether its digest matches the DER. The CSR's own signature is checked; the COSE signature is
 * checked when the device identity key is known (`--identity-key`, or a `sim:` target).
 */
import { Command as AtCommand, CommandFormatter } from "@atmodem/at-protocol"
import { Base64Url, Key } from "@atmodem/jwt-core"
import { Command, Flag } from "effect/cli"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Cose from "../Cose.ts"
import * as Csr from "../Csr.ts"
import * as ExitCode from "../ExitCode.ts"
import { UnexpectedResponse, UsageError } from "../Failure.ts"
import { equal, sha256, toHex } from "../internal/Bytes.ts"
import { OutputService } from "../Output.ts"
import { atString, checkWritable, ensureOffline, quotedValue, report, withModem, writeTextFile } from "./Common.ts"
import { readKey, table } from "./Tokens.ts"

/** The `AT%KEYGEN` line. */
export const requestLine = (request: {
  readonly secTag: number
  readonly keyType: number
  readonly publicKeyOnly: boolean
  readonly attributes?: string | undefined
}): string => {
  const params = [
    AtCommand.integer(request.secTag),
    AtCommand.integer(request.keyType),
    AtCommand.integer(request.publicKeyOnly ? 1 : 0)
  ]
  if (request.attributes !== undefined) params.push(AtCommand.string(request.attributes))
  return CommandFormatter.formatLine([AtCommand.make("%KEYGEN", "set", params)], "")
}

const unexpected = (reason: string) => new UnexpectedResponse({ reason })

/** Splits and decodes `<base64url DER>.<base64url COSE>`. */
export const decodeResponse = (value: string) =>
  Effect.gen(function* () {
    const parts = value.split(".")
    if (parts.length !== 2) return yield* unexpected("the %KEYGEN answer is not <DER>.<COSE>")
    const der = Base64Url.decode(parts[0]!)
    const cose = Base64Url.decode(parts[1]!)
    if (Result.isFailure(der) || Result.isFailure(cose)) return yield* unexpected("the %KEYGEN answer is not base64url")
    const sign1 = yield* Effect.mapError(Effect.fromResult(Cose.decodeSign1(cose.success)), (e) => unexpected(e.reason))
    if (sign1.payload === null) return yield* unexpected("the %KEYGEN COSE_Sign1 has no payload")
    const payload = yield* Effect.mapError(Effect.fromResult(Cose.decodeKeygenPayload(sign1.payload)), (e) =>
      unexpected(e.reason)
    )
    return { der: der.success, sign1, payload }
  })

const run = (flags: {
  readonly tag: number
  readonly keyType: number
  readonly attributes: string | undefined
  readonly publicKey: boolean
  readonly out: string | undefined
  readonly identityKey: string | undefined
}) =>
  Effect.gen(function* () {
    if (flags.tag < 0 || flags.tag > 2147483647)
      return yield* new UsageError({ reason: "--tag is a user sec_tag from 0 to 2147483647" })
    if (flags.attributes !== undefined) yield* atString(flags.attributes, "--attributes")
    const givenKey = flags.identityKey === undefined ? undefined : yield* readKey(flags.identityKey)
    // The key is made once and the CSR cannot be asked for again: make sure it can be kept first.
    if (flags.out !== undefined) yield* checkWritable(flags.out)
    const line = requestLine({
      secTag: flags.tag,
      keyType: flags.keyType,
      publicKeyOnly: flags.publicKey,
      attributes: flags.attributes
    })
    const { lines, simKey } = yield* withModem(`generating a key at sec_tag ${flags.tag}`, (connection) =>
      Effect.gen(function* () {
        yield* ensureOffline(connection, "generating a key")
        const lines = yield* connection.command(line, { doing: "generating a key" })
        return { lines, simKey: connection.identityPublicKey }
      })
    )
    const value = quotedValue(lines, "%KEYGEN:")
    if (value === undefined) return yield* unexpected(`${line} answered OK without a %KEYGEN: "<DER>.<COSE>" line`)
    const { der, sign1, payload } = yield* decodeResponse(value)

    const isCsr = payload.messageType === 9
    const csr = isCsr
      ? yield* Effect.mapError(Effect.fromResult(Csr.decode(der)), (e) => unexpected(e.reason))
      : undefined
    const publicKey =
      csr?.publicKey ??
      (yield* Effect.mapError(Effect.fromResult(Key.parsePublicKey(der)), (e) =>
        unexpected(`the %KEYGEN public key does not parse: ${e.reason}`)
      ))
    const pem = csr === undefined ? Key.spkiPem(publicKey) : Csr.toPem(der)
    const what = isCsr ? "the CSR" : "the public key"
    // Should writing fail after all, the key exists on the modem now: print what it returned instead.
    const written =
      flags.out === undefined
        ? undefined
        : yield* writeTextFile(flags.out, pem).pipe(
            Effect.as(true),
            Effect.catchTag("UsageError", (error) =>
              Effect.as(
                Effect.flatMap(OutputService, (output) =>
                  output.note(
                    `${error.reason}; the key was generated at sec_tag ${flags.tag}: ${what} is printed on stdout instead`
                  )
                ),
                false
              )
            )
          )

    const digestMatches = equal(payload.digest, sha256(der))
    const identityKey = givenKey ?? simKey
    const coseValid = identityKey === undefined ? undefined : Cose.verifySign1(sign1, sign1.payload!, identityKey)
    const problems = [
      ...(digestMatches ? [] : ["the COSE digest does not match the DER"]),
      ...(csr !== undefined && !csr.signatureValid ? ["the CSR signature does not verify"] : []),
      ...(coseValid === false ? ["the COSE signature does not verify with the device identity key"] : []),
      ...(payload.secTag === flags.tag ? [] : [`the COSE sec_tag ${payload.secTag} is not ${flags.tag}`])
    ]

    const rows: Array<readonly [string, string]> = [
      ["sec_tag", `${flags.tag} (key type ${flags.keyType})`],
      ["public key kid", Key.kid(publicKey)],
      ...(csr === undefined
        ? []
        : ([
            ["CSR subject", Csr.subjectText(csr)],
            ["CSR signature", csr.signatureValid ? "valid" : "INVALID"]
          ] as const)),
      ["COSE alg", Cose.algorithmName(sign1.alg)],
      ["COSE kid", sign1.kid === undefined ? "none" : toHex(sign1.kid)],
      ["message type", `${payload.messageType} (${Cose.keygenMessageName(payload.messageType)})`],
      ["device UUID", payload.deviceUuid],
      ["COSE sec_tag", String(payload.secTag)],
      ["digest", `${toHex(payload.digest)} (${digestMatches ? "matches the DER" : "DOES NOT MATCH the DER"})`],
      ["nonce", toHex(payload.nonce)],
      [
        "COSE signature",
        coseValid === undefined
          ? "not checked (give --identity-key)"
          : coseValid
            ? "valid (device identity key)"
            : "INVALID"
      ]
    ]
    return {
      text: [
        ...(written === true ? [`wrote ${what} to ${flags.out}`] : [pem.trimEnd()]),
        table(rows),
        ...problems.map((p) => `problem: ${p}`)
      ].join("\n"),
      json: {
        secTag: flags.tag,
        keyType: flags.keyType,
        ...(isCsr ? { csrPem: pem } : { publicKeyPem: pem }),
        ...(flags.out === undefined ? {} : { out: flags.out, written }),
        publicKeyKid: Key.kid(publicKey),
        ...(csr === undefined
          ? {}
          : { csr: { subject: csr.subject, subjectText: Csr.subjectText(csr), signatureValid: csr.signatureValid } }),
        cose: {
          alg: sign1.alg ?? null,
          algName: Cose.algorithmName(sign1.alg),
          kid: sign1.kid === undefined ? null : toHex(sign1.kid),
          messageType: payload.messageType,
          deviceUuid: payload.deviceUuid,
          secTag: payload.secTag,
          digest: toHex(payload.digest),
          digestMatches,
          nonce: toHex(payload.nonce),
          signatureValid: coseValid ?? null
        },
        problems
      },
      exitCode: problems.length > 0 ? ExitCode.CHECK_FAILED : written === false ? ExitCode.USAGE : ExitCode.OK
    }
  })

export const command = Command.make(
  "keygen",
  {
    tag: Flag.Int("tag").pipe(Flag.withMetavar("SEC_TAG"), Flag.withDescription("Where the new key is stored")),
    keyType: Flag.Literals("key-type", ["2", "8"]).pipe(
      Flag.withDescription("2: client private key (default), 8: endorsement key (nRF9160)"),
      Flag.withDefault("2")
    ),
    attributes: Flag.String("attributes").pipe(
      Flag.withDescription('CSR subject, e.g. "CN=nrf-352656100367872" or "O=Acme,C=NO" (default CN=<device UUID>)'),
      Flag.optional
    ),
    publicKey: Flag.Boolean("public-key").pipe(
      Flag.withDescription("Return the public key instead of a CSR"),
      Flag.withDefault(false)
    ),
    out: Flag.String("out").pipe(
      Flag.withMetavar("FILE"),
      Flag.withDescription(
        "Write the CSR (or public key) PEM here instead of printing it (checked before the key is made; if writing fails anyway, it is printed and the exit status is 2)"
      ),
      Flag.optional
    ),
    identityKey: Flag.String("identity-key").pipe(
      Flag.withMetavar("FILE"),
      Flag.withDescription("The device identity public key, to check the COSE signature"),
      Flag.optional
    )
  },
  (flags) =>
    report(
      run({
        tag: flags.tag,
        keyType: Number(flags.keyType),
        attributes: Option.getOrUndefined(flags.attributes),
        publicKey: flags.publicKey,
        out: Option.getOrUndefined(flags.out),
        identityKey: Option.getOrUndefined(flags.identityKey)
      })
    )
).pipe(
  Command.withDescription("Generate a key on the modem (AT%KEYGEN): write its CSR as PEM and show the COSE fields."),
  Command.withExamples([
    { command: "atmodem keygen --tag 42 --out csr.pem", description: "CSR with CN=<device UUID>" },
    { command: 'atmodem keygen --tag 42 --attributes "CN=nrf-352656100367872"', description: "A chosen subject" }
  ])
)
