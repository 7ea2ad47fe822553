import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Modem from "../src/Modem.ts"
import * as Session from "../src/Session.ts"
import { testModem } from "./support.ts"

const encoder = new TextEncoder()
const decoder = new TextDecoder()

describe("Session", () => {
  it.effect("keeps each connection's partial line to itself", () =>
    Effect.gen(function* () {
      const modem = yield* Modem.ModemService
      const a = Session.make(modem)
      const b = Session.make(modem)
      const feed = (s: Session.Session, text: string) =>
        Effect.map(s.feedAll(encoder.encode(text)), (r) => decoder.decode(r))
      assert.strictEqual(yield* feed(a, "AT+CG"), "")
      assert.strictEqual(yield* feed(b, "AT+CGMM\r\n"), "nRF9160-SICA\r\nOK\r\n")
      assert.strictEqual(yield* feed(a, "MI\r\n"), "Nordic Semiconductor ASA\r\nOK\r\n")
    }).pipe(Effect.provide(testModem()))
  )

  it.effect("answers each line as soon as it is complete, in order, and survives failures", () =>
    Effect.gen(function* () {
      const modem = yield* Modem.ModemService
      const session = Session.make(modem)
      const responses: Array<string> = []
      yield* session.feed(encoder.encode("AT+BOGUS\r\nAT%CMNG=9\r\n\u0000\u00ff\r\nAT\r\n"), (bytes) =>
        Effect.sync(() => void responses.push(decoder.decode(bytes)))
      )
      assert.deepStrictEqual(responses, ["ERROR\r\n", "ERROR\r\n", "ERROR\r\n", "OK\r\n"])
    }).pipe(Effect.provide(testModem()))
  )

  it.effect("runs concurrent sessions on one state without interleaving their answers", () =>
    Effect.gen(function* () {
      const modem = yield* Modem.ModemService
      const client = (id: number) =>
        Effect.gen(function* () {
          const session = Session.make(modem)
          for (let i = 0; i < 10; i++) {
            const tag = id * 100 + i
            const write = decoder.decode(yield* session.feedAll(encoder.encode(`AT%CMNG=0,${tag},4,"id-${tag}"\r\n`)))
            assert.strictEqual(write, "OK\r\n")
            const read = decoder.decode(yield* session.feedAll(encoder.encode(`AT%CMNG=2,${tag},4;+CGMM\r\n`)))
            assert.match(
              read,
              new RegExp(`^%CMNG: ${tag},4,"[0-9A-F]{64}","id-${tag}"\\r\\nnRF9160-SICA\\r\\nOK\\r\\n$`)
            )
          }
        })
      yield* Effect.forEach([1, 2, 3, 4, 5, 6, 7, 8], client, { concurrency: "unbounded" })
      const listing = decoder.decode(yield* Session.make(modem).feedAll(encoder.encode("AT%CMNG=1\r\n")))
      assert.strictEqual(listing.split("\r\n").filter((l) => l.startsWith("%CMNG: ") && l.includes(",4,")).length, 80)
    }).pipe(Effect.provide(testModem({ profileOverrides: { capacity: { maxEntries: 100, maxBytes: 100_000 } } })))
  )
})
