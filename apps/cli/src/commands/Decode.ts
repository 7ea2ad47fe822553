/** `atmodem decode <jwt>`: shows a token's header and claims, offline and without checking anything. */

import { Argument, Command } from "effect/cli"
import * as Effect from "effect/Effect"
import { report, tokenArgument } from "./Common.ts"
import * as Tokens from "./Tokens.ts"

export const tokenArgumentSpec = Argument.String("jwt").pipe(
  Argument.withDescription('The token, %JWT: "<token>" as the modem prints it, or - to read it from stdin')
)

export const command = Command.make("decode", { token: tokenArgumentSpec }, ({ token }) =>
  report(
    Effect.gen(function* () {
      const text = yield* tokenArgument(token)
      const decoded = yield* Tokens.decode(text)
      return {
        text: `${Tokens.formatDecoded(decoded)} (not verified)`,
        json: { token: text, ...Tokens.decodedJson(decoded), verified: false }
      }
    })
  )
).pipe(Command.withDescription("Show a JWT's header and claims (offline; nothing is verified)."))
