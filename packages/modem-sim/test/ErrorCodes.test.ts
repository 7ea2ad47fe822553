/**
 * Every CME code of spec section 2 is reachable through AT, and `+CMEE=0` turns each into a bare `ERROR`.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as CmeError from "../src/CmeError.ts"
import * as Modem from "../src/Modem.ts"
import type * as Setup from "../src/Setup.ts"
import { send, testModem } from "./support.ts"

interface Case {
  readonly code: number
  /** Commands run first (their answers are not checked) and simulation controls. */
  readonly prepare?: (modem: Modem.Modem) => Effect.Effect<unknown, never, Modem.ModemService>
  readonly command: string
  readonly setup?: Setup.Options
}

const cases: ReadonlyArray<Case> = [
  { code: 50, command: "AT%JWT=1" },
  { code: 51, command: "AT%JWT", setup: { profileOverrides: { disabledCommands: ["%JWT"] } } },
  { code: 513, command: "AT%CMNG=2,42,0" },
  { code: 514, command: "AT%CMNG=2,4294967294,6" },
  {
    code: 515,
    setup: { profileOverrides: { capacity: { maxEntries: 1, maxBytes: 100 } } },
    prepare: () => send('AT%CMNG=0,1,0,"a"'),
    command: 'AT%CMNG=0,2,0,"b"'
  },
  { code: 518, prepare: () => send("AT+CFUN=1"), command: 'AT%CMNG=0,1,0,"a"' },
  {
    code: 519,
    setup: { profileOverrides: { keygenOverwrites: false } },
    prepare: () => send("AT%KEYGEN=1,2,1"),
    command: "AT%KEYGEN=1,2,1"
  },
  { code: 523, prepare: (modem) => modem.setFaults({ keyGeneration: true }), command: "AT%KEYGEN=1,2" },
  { code: 525, command: `AT%JWT=0,0,"${"x".repeat(300)}"` },
  { code: 527, setup: { profile: "nrf9151" }, command: 'AT%CMNG=0,1,0,"not a certificate"' },
  { code: 528, prepare: (modem) => modem.setPowerOffWarning(true), command: 'AT%CMNG=0,1,0,"a"' }
]

describe("CME error codes through AT", () => {
  it("cover every code of the table", () => {
    assert.deepStrictEqual(
      cases.map((c) => c.code),
      Object.values(CmeError.codes).sort((a, b) => a - b)
    )
  })

  for (const c of cases) {
    for (const cmee of [1, 0] as const) {
      it.effect(`${c.code} with +CMEE=${cmee}`, () =>
        Effect.gen(function* () {
          const modem = yield* Modem.ModemService
          if (c.prepare !== undefined) yield* c.prepare(modem)
          assert.strictEqual(yield* send(`AT+CMEE=${cmee}`), "OK\r\n")
          assert.strictEqual(yield* send(c.command), cmee === 1 ? `+CME ERROR: ${c.code}\r\n` : "ERROR\r\n")
        }).pipe(Effect.provide(testModem(c.setup)))
      )
    }
  }
})
