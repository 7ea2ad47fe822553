/**
 * `atmodem verify <jwt> --key FILE`: checks a token's ES256 signature and its claims (`exp`, `iat`, `nbf`
 * against this machine's clock; `--aud`, `--sub` when given), offline. Exit 5 when it does not pass.
 */

import { Command, Flag } from "effect/cli"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as ExitCode from "../ExitCode.ts"
import { report, tokenArgument } from "./Common.ts"
import { tokenArgumentSpec } from "./Decode.ts"
import * as Tokens from "./Tokens.ts"

export const command = Command.make(
  "verify",
  {
    token: tokenArgumentSpec,
    key: Flag.String("key").pipe(
      Flag.withMetavar("FILE"),
      Flag.withDescription("Public key (PEM, DER, JWK), certificate, CSR, or the private key PEM")
    ),
    audience: Flag.String("aud").pipe(Flag.withDescription("Require this audience"), Flag.optional),
    subject: Flag.String("sub").pipe(Flag.withDescription("Require this subject"), Flag.optional),
    clockTolerance: Tokens.clockToleranceFlag
  },
  (flags) =>
    report(
      Effect.gen(function* () {
        const clockTolerance = yield* Tokens.checkClockTolerance(flags.clockTolerance)
        const token = yield* tokenArgument(flags.token)
        const decoded = yield* Tokens.decode(token)
        const key = yield* Tokens.readKey(flags.key)
        const verification = yield* Tokens.verify(token, key, {
          audience: Option.getOrUndefined(flags.audience),
          subject: Option.getOrUndefined(flags.subject),
          clockTolerance
        })
        return {
          text: `${Tokens.formatVerification(verification)}\n${Tokens.formatDecoded(decoded)}`,
          json: { token, ...Tokens.decodedJson(decoded), verification: Tokens.verificationJson(verification) },
          exitCode: verification.valid ? ExitCode.OK : ExitCode.CHECK_FAILED
        }
      })
    )
).pipe(Command.withDescription("Verify a JWT's signature and claims with a key (offline); exit 5 if it fails."))
