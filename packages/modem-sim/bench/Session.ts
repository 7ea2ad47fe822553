/**
 * `AT%JWT=0,3600,"sub","aud"` through an in-process session (bytes in, bytes out), in tokens/s, against the same
 * token made by jwt-core directly — same key, same signer, a fresh nonce and the current time each time, no AT —
 * in the same run, for the native and the noble signer. The ratio is what the AT layer leaves: its cost is
 * 1 - ratio (target: under 10%). A third row signs one fixed message with the bare signer, for scale.
 */
import { Jwt, Signer } from "@atmodem/jwt-core"
import { bytesToHex } from "@noble/hashes/utils.js"
import { Effect, Result } from "effect"
import { runTable } from "../../../tooling/bench.ts"
import * as Entropy from "../src/Entropy.ts"
import * as Modem from "../src/Modem.ts"
import * as Session from "../src/Session.ts"
import * as Setup from "../src/Setup.ts"

const encoder = new TextEncoder()
const command = encoder.encode('AT%JWT=0,3600,"sub","aud"\r\n')
/** Commands per measured call, run inside one Effect as a transport's long-lived fiber runs them. */
const BATCH = 20

const benchSigner = async (name: "native" | "noble") => {
  const { session, modem } = await Effect.runPromise(
    Effect.gen(function* () {
      const modem = yield* Modem.ModemService
      return { modem, session: Session.make(modem) }
    }).pipe(Effect.provide(Setup.layerMemory({ signer: name })))
  )
  // a valid time, so tokens carry iat and exp as in real use
  Effect.runSync(session.feedAll(encoder.encode('AT+CCLK="26/12/04,12:00:00+00"\r\n')))
  const sample = new TextDecoder().decode(Effect.runSync(session.feedAll(command)))
  const token = /%JWT: "([^"]+)"/.exec(sample)?.[1]
  if (token === undefined) throw new Error(`unexpected response: ${sample}`)

  const signer = name === "native" ? Signer.native : Signer.noble
  if (name === "noble") Signer.noble.warm()
  const service = Signer.fromSync(signer)
  const key = modem.identity.key
  const direct = Effect.gen(function* () {
    for (let i = 0; i < BATCH; i++) {
      const claims = Jwt.modemClaims({
        chip: modem.profile.chip,
        deviceUuid: modem.identity.deviceUuid,
        firmwareUuid: modem.profile.firmwareUuid,
        nonce: bytesToHex(Entropy.secure.bytesSync(16)),
        now: Math.floor(Date.now() / 1000),
        expDelta: 3600,
        subject: "sub",
        audience: "aud"
      })
      yield* Jwt.sign(claims, key).pipe(Effect.provideService(Signer.Signer, service))
    }
  })
  const throughSession = Effect.gen(function* () {
    for (let i = 0; i < BATCH; i++) yield* session.feedAll(command)
  })
  const fixedMessage = encoder.encode(token.slice(0, token.lastIndexOf(".")))
  await runTable(`%JWT through a session vs the same token from jwt-core (${name} signer)`, {
    unit: "tokens/s",
    reference: { name: `jwt-core token, no AT (${name})`, opsPerCall: BATCH, run: () => Effect.runSync(direct) },
    cases: [
      { name: `AT%JWT via session (${name})`, opsPerCall: BATCH, run: () => Effect.runSync(throughSession) },
      {
        name: `bare ${name} signer, one fixed message`,
        opsPerCall: BATCH,
        run: () => {
          for (let i = 0; i < BATCH; i++)
            if (Result.isFailure(signer.sign(key, fixedMessage))) throw new Error("signing failed")
        }
      }
    ]
  })
}

await benchSigner("native")
await benchSigner("noble")
