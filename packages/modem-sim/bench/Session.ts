/**
 * `AT%JWT=0,3600,"sub","aud"` through an in-process session (bytes in, bytes out), in tokens/s, against the
 * bare signer signing the same-sized input with the same key in the same run — for the native and the noble
 * signer. The ratio is the share of time left to signing: the AT layer's cost is 1 - ratio.
 */
import { Signer } from "@atmodem/jwt-core"
import { Effect, Result } from "effect"
import { runTable } from "../../../tooling/bench.ts"
import * as Modem from "../src/Modem.ts"
import * as Session from "../src/Session.ts"
import * as Setup from "../src/Setup.ts"

const encoder = new TextEncoder()
const command = encoder.encode('AT%JWT=0,3600,"sub","aud"\r\n')

const benchSigner = async (name: "native" | "noble") => {
  const { session, modem } = await Effect.runPromise(
    Effect.gen(function* () {
      const modem = yield* Modem.ModemService
      return { modem, session: Session.make(modem) }
    }).pipe(Effect.provide(Setup.layerMemory({ seed: "bench", signer: name })))
  )
  // a valid time, so tokens carry iat and exp as in real use
  Effect.runSync(session.feedAll(encoder.encode('AT+CCLK="26/12/04,12:00:00+00"\r\n')))
  const sample = new TextDecoder().decode(Effect.runSync(session.feedAll(command)))
  const token = /%JWT: "([^"]+)"/.exec(sample)?.[1]
  if (token === undefined) throw new Error(`unexpected response: ${sample}`)
  const signingInput = encoder.encode(token.slice(0, token.lastIndexOf(".")))
  const signer = name === "native" ? Signer.native : Signer.noble
  // 20 commands per run inside one Effect, as a transport's long-lived fiber runs them (a runSync per command
  // would measure fiber start-up instead)
  const batch = 20
  const twenty = Effect.gen(function* () {
    for (let i = 0; i < batch; i++) yield* session.feedAll(command)
  })
  if (name === "noble") Signer.noble.warm()
  const key = modem.identity.key
  await runTable(`%JWT through a session vs the bare ${name} signer`, {
    unit: "tokens/s",
    reference: {
      name: `bare ${name} signer`,
      opsPerCall: batch,
      run: () => {
        for (let i = 0; i < batch; i++)
          if (Result.isFailure(signer.sign(key, signingInput))) throw new Error("signing failed")
      }
    },
    cases: [{ name: `AT%JWT via session (${name})`, opsPerCall: batch, run: () => Effect.runSync(twenty) }]
  })
}

await benchSigner("native")
await benchSigner("noble")
