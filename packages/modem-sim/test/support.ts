import { NodeServices } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import * as Modem from "../src/Modem.ts"
import * as Session from "../src/Session.ts"
import * as Setup from "../src/Setup.ts"

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** An in-memory modem with a fixed seed and the deterministic noble signer: every output is reproducible. */
export const testModem = (options: Setup.Options = {}) =>
  Setup.layerMemory({ seed: "atmodem-test", signer: "noble", ...options })

/** Platform services (file system, path) for persistent modems in tests. */
export const platform = NodeServices.layer

/** Sends raw bytes through a fresh session of the modem in context and returns the response text. */
export const exchange = (input: string) =>
  Effect.gen(function* () {
    const modem = yield* Modem.ModemService
    const session = Session.make(modem)
    return decoder.decode(yield* session.feedAll(encoder.encode(input)))
  })

/** Sends one command line (CRLF appended) and returns the response text. */
export const send = (line: string) => exchange(`${line}\r\n`)

/** The information line of a response that starts with `prefix`, without the prefix. */
export const infoValue = (response: string, prefix: string): string => {
  const line = response.split("\r\n").find((l) => l.startsWith(prefix))
  if (line === undefined) throw new Error(`no ${prefix} line in ${JSON.stringify(response)}`)
  return line.slice(prefix.length)
}

/** The quoted value of an information line such as `%JWT: "..."`. */
export const quoted = (response: string, prefix: string): string => {
  const value = infoValue(response, prefix)
  return value.slice(1, value.indexOf('"', 1))
}

export { Layer }
