import { CredStore } from "@atmodem/credstore"
import { Signer } from "@atmodem/jwt-core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Result } from "effect"
import * as Entropy from "../src/Entropy.ts"
import * as Identity from "../src/Identity.ts"
import * as Modem from "../src/Modem.ts"
import * as Profile from "../src/Profile.ts"
import { send } from "./support.ts"

/** A modem over a credential store whose every operation dies (a bug, not a domain error). */
const brokenStoreModem = Effect.gen(function* () {
  const profile = Result.getOrThrow(Profile.make("nrf9160"))
  const identity = Identity.generate(profile, Entropy.seeded("broken").bytesSync)
  const boom = Effect.die(new Error("boom"))
  const store: CredStore.CredStore["Service"] = {
    write: () => boom,
    list: () => boom,
    read: () => boom,
    delete: () => boom,
    secret: () => boom
  }
  return Layer.effect(Modem.ModemService)(Modem.make({ profile, identity })).pipe(
    Layer.provide(Layer.succeed(CredStore.CredStore)(store)),
    Layer.provide(Signer.layerNoble),
    Layer.provide(Entropy.layerSecure)
  )
}).pipe(Layer.unwrap)

describe("Modem", () => {
  it.effect("answers ERROR when a command fails unexpectedly, and goes on", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* send("AT+CMEE=1"), "OK\r\n")
      assert.strictEqual(yield* send("AT%CMNG=1"), "ERROR\r\n")
      assert.strictEqual(yield* send("AT+CGMI;%CMNG=1;+CGMM"), "Nordic Semiconductor ASA\r\nERROR\r\n")
      assert.strictEqual(yield* send("AT+CGMM"), "nRF9160-SICA\r\nOK\r\n")
    }).pipe(Effect.provide(brokenStoreModem))
  )

  it.effect("restarts to power-on state", () =>
    Effect.gen(function* () {
      const modem = yield* Modem.ModemService
      yield* send("AT+CMEE=1;+CFUN=1;E1")
      yield* modem.restart
      const state = yield* modem.state
      assert.deepInclude(state, { cmee: 0, powered: false, lte: false, echo: false, powerOffWarning: false })
      assert.strictEqual(state.clock._tag, "Unset")
    }).pipe(Effect.provide(brokenStoreModem))
  )
})
