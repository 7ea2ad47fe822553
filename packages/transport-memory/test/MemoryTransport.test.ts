import { Setup } from "@atmodem/modem-sim"
import { Client } from "@atmodem/transport"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { MemoryTransport } from "../src/index.ts"

const modem = Setup.layerMemory({ seed: "memory-transport-test" })
const encode = (text: string) => new TextEncoder().encode(text)
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe("MemoryTransport.pair", () => {
  it.effect("carries bytes both ways, in order, and ends the peer's stream on close", () =>
    Effect.gen(function* () {
      const [a, b] = yield* MemoryTransport.pair()
      yield* a.write(encode("one "))
      yield* a.write(encode("two"))
      yield* b.write(encode("back"))
      yield* a.close
      const received = yield* Stream.runCollect(b.incoming)
      assert.strictEqual(received.map(decode).join(""), "one two")
      const back = yield* Stream.runCollect(a.incoming)
      assert.deepStrictEqual(back.map(decode), [])
      const refused = yield* Effect.flip(b.write(encode("late")))
      assert.strictEqual(refused._tag, "TransportError")
    })
  )

  it.effect("copies written bytes, so a reused buffer does not change what was sent", () =>
    Effect.gen(function* () {
      const [a, b] = yield* MemoryTransport.pair()
      const buffer = encode("AT\r\n")
      yield* a.write(buffer)
      buffer.fill(0)
      yield* a.close
      const received = yield* Stream.runCollect(b.incoming)
      assert.strictEqual(received.map(decode).join(""), "AT\r\n")
    })
  )
})

describe("MemoryTransport.connect", () => {
  it.effect("serves AT commands from the modem", () =>
    Effect.gen(function* () {
      const channel = yield* MemoryTransport.connect()
      const client = yield* Client.make(channel)
      const imei = yield* client.command("AT+CGSN")
      assert.match(imei[0]!, /^\d{15}$/)
      const response = yield* client.send("AT+NOPE")
      assert.deepStrictEqual(response.final, { _tag: "Error" })
      const again = yield* client.command("AT+CGMI")
      assert.deepStrictEqual(again, ["Nordic Semiconductor ASA"])
    }).pipe(Effect.scoped, Effect.provide(modem))
  )
})
