/**
 * `atmodem jwt`: asks the modem for a token with `AT%JWT` and prints it; `--decode` shows its header and
 * claims, `--verify KEYFILE` checks its signature and claims (exit 5 when it does not pass).
 */
import { Command as AtCommand, CommandFormatter } from "@atmodem/at-protocol"
import { Command, Flag } from "effect/cli"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as ExitCode from "../ExitCode.ts"
import { UnexpectedResponse, UsageError } from "../Failure.ts"
import { atString, optional, quotedValue, report, withModem } from "./Common.ts"
import * as Tokens from "./Tokens.ts"

/** What to ask for. */
export interface Request {
  readonly subject?: string | undefined
  readonly audience?: string | undefined
  readonly expiresIn?: number | undefined
  readonly secTag?: number | undefined
  readonly keyType?: number | undefined
}

/**
 * The `AT%JWT` line for a request: `AT%JWT` when nothing is asked, else
 * `AT%JWT=0,<exp>,"<sub>","<aud>"[,<sec_tag>,<key_type>]` without trailing empty parameters.
 */
export const requestLine = (request: Request): string => {
  const params: Array<AtCommand.Parameter> = [
    AtCommand.integer(0),
    request.expiresIn === undefined ? AtCommand.empty : AtCommand.integer(request.expiresIn),
    request.subject === undefined ? AtCommand.empty : AtCommand.string(request.subject),
    request.audience === undefined ? AtCommand.empty : AtCommand.string(request.audience)
  ]
  if (request.secTag !== undefined)
    params.push(AtCommand.integer(request.secTag), AtCommand.integer(request.keyType ?? 2))
  while (params.length > 1 && params[params.length - 1]!._tag === "Empty") params.pop()
  const command = params.length === 1 ? AtCommand.make("%JWT", "execute") : AtCommand.make("%JWT", "set", params)
  return CommandFormatter.formatLine([command], "")
}

const validate = (request: Request) =>
  Effect.gen(function* () {
    if (request.subject !== undefined) yield* atString(request.subject, "--sub")
    if (request.audience !== undefined) yield* atString(request.audience, "--aud")
    if (request.expiresIn !== undefined && request.expiresIn < 0)
      return yield* new UsageError({ reason: "--exp is a number of seconds, 0 or more" })
    if (request.secTag === undefined && request.keyType !== undefined)
      return yield* new UsageError({ reason: "--key-type needs --sec-tag" })
    if (request.secTag !== undefined && (request.secTag < 0 || request.secTag > 4294967295))
      return yield* new UsageError({ reason: "--sec-tag is an integer from 0 to 4294967295" })
  })

const run = (
  request: Request,
  options: { readonly decode: boolean; readonly verify: string | undefined; readonly clockTolerance: number }
) =>
  Effect.gen(function* () {
    yield* validate(request)
    yield* Tokens.checkClockTolerance(options.clockTolerance)
    // Read the key first: a bad key file should not cost a round trip to the modem.
    const key = options.verify === undefined ? undefined : yield* Tokens.readKey(options.verify)
    const line = requestLine(request)
    const lines = yield* withModem(`requesting a token (${line})`, (connection) =>
      connection.command(line, { doing: "requesting a token" })
    )
    const token = quotedValue(lines, "%JWT:")
    if (token === undefined)
      return yield* new UnexpectedResponse({ reason: `${line} answered OK without a %JWT: "<token>" line` })
    const decoded = yield* Effect.mapError(
      Tokens.decode(token),
      (error) => new UnexpectedResponse({ reason: `the modem's token does not decode: ${error.reason}` })
    )
    const verification =
      key === undefined
        ? undefined
        : yield* Tokens.verify(token, key, {
            subject: request.subject,
            audience: request.audience,
            clockTolerance: options.clockTolerance
          })
    const text = [
      token,
      ...(options.decode ? [Tokens.formatDecoded(decoded)] : []),
      ...(verification === undefined ? [] : [Tokens.formatVerification(verification)])
    ].join("\n")
    return {
      text,
      json: {
        token,
        ...Tokens.decodedJson(decoded),
        ...(verification === undefined ? {} : { verification: Tokens.verificationJson(verification) })
      },
      exitCode: verification === undefined || verification.valid ? ExitCode.OK : ExitCode.CHECK_FAILED
    }
  })

export const command = Command.make(
  "jwt",
  {
    subject: Flag.String("sub").pipe(Flag.withDescription("The sub claim"), Flag.optional),
    audience: Flag.String("aud").pipe(Flag.withDescription("The aud claim"), Flag.optional),
    expiresIn: Flag.Int("exp").pipe(
      Flag.withMetavar("SECONDS"),
      Flag.withDescription("Lifetime: adds iat and exp (when the modem knows the time)"),
      Flag.optional
    ),
    secTag: Flag.Int("sec-tag").pipe(
      Flag.withMetavar("N"),
      Flag.withDescription("Sign with the key at this sec_tag instead of the device identity key"),
      Flag.optional
    ),
    keyType: Flag.Literals("key-type", ["2", "8"]).pipe(
      Flag.withDescription("2: client private key (default with --sec-tag), 8: endorsement key"),
      Flag.optional
    ),
    decode: Flag.Boolean("decode").pipe(
      Flag.withDescription("Also show the header and claims"),
      Flag.withDefault(false)
    ),
    verify: Flag.String("verify").pipe(
      Flag.withMetavar("KEYFILE"),
      Flag.withDescription("Check the token with this key (public key, certificate, CSR or the private key PEM)"),
      Flag.optional
    ),
    clockTolerance: Tokens.clockToleranceFlag
  },
  (flags) =>
    report(
      run(
        {
          subject: optional(flags.subject),
          audience: optional(flags.audience),
          expiresIn: optional(flags.expiresIn),
          secTag: optional(flags.secTag),
          keyType: Option.getOrUndefined(Option.map(flags.keyType, Number))
        },
        { decode: flags.decode, verify: optional(flags.verify), clockTolerance: flags.clockTolerance }
      )
    )
).pipe(
  Command.withDescription("Ask the modem for a JSON Web Token (AT%JWT) and print it."),
  Command.withExamples([
    { command: "atmodem jwt --sub device-1 --exp 3600 --decode", description: "Signed by the device identity key" },
    {
      command: "atmodem jwt --sec-tag 42 --verify key.pem",
      description: "Signed by the client key at sec_tag 42, then verified"
    }
  ])
)
