import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { ResponseReader, ResponseWriter } from "../src/index.ts"
import fixtures from "./fixtures/reader.json" with { type: "json" }
import { bytes, concat, splitAt } from "./helpers.ts"

type Step = { readonly expect: string | null } | { readonly push: string }

const runSteps = (steps: ReadonlyArray<Step>, byteByByte: boolean): Array<ResponseReader.ReaderEvent> => {
  const reader = ResponseReader.make()
  const events: Array<ResponseReader.ReaderEvent> = []
  for (const step of steps) {
    if ("expect" in step) {
      reader.expect(step.expect ?? undefined)
    } else if (byteByByte) {
      for (const b of bytes(step.push)) events.push(...reader.push(Uint8Array.of(b)))
    } else {
      events.push(...reader.push(step.push))
    }
  }
  return events
}

describe("ResponseReader fixtures", () => {
  for (const c of fixtures.cases) {
    const steps = c.steps as ReadonlyArray<Step>
    const expected = c.events as ReadonlyArray<ResponseReader.ReaderEvent>
    it(c.name, () => {
      assert.deepStrictEqual(runSteps(steps, false), expected)
    })
    it(`${c.name} (byte by byte)`, () => {
      assert.deepStrictEqual(runSteps(steps, true), expected)
    })
  }
})

describe("ResponseReader", () => {
  it("string chunks may split a surrogate pair", () => {
    const reader = ResponseReader.make()
    reader.expect("AT#XT")
    const events = [...reader.push('#XT: "\uD83D'), ...reader.push('\uDE00"\r\nOK\r\n')]
    assert.deepStrictEqual(events, [{ _tag: "Response", lines: ['#XT: "\uD83D\uDE00"'], final: ResponseWriter.ok }])
  })

  it("byte chunks may split a multi-byte character", () => {
    const reader = ResponseReader.make()
    reader.expect("AT#XT")
    const data = bytes('#XT: "é€😀"\r\nOK\r\n')
    const events = Array.from(data).flatMap((b) => reader.push(Uint8Array.of(b)))
    assert.deepStrictEqual(events, [{ _tag: "Response", lines: ['#XT: "é€😀"'], final: ResponseWriter.ok }])
  })

  it("counts pending command lines", () => {
    const reader = ResponseReader.make()
    assert.strictEqual(reader.pending, 0)
    reader.expect("AT")
    reader.expect("AT+CGSN")
    assert.strictEqual(reader.pending, 2)
    reader.push("OK\r\n")
    assert.strictEqual(reader.pending, 1)
  })

  it("the unsolicited set is configurable", () => {
    const reader = ResponseReader.make({ unsolicited: ["%mine"] })
    reader.expect("AT%CMNG=1")
    const events = reader.push("%MINE: 1\r\n+CEREG: 1\r\nOK\r\n")
    assert.deepStrictEqual(events, [
      { _tag: "Unsolicited", line: "%MINE: 1" },
      { _tag: "Response", lines: ["+CEREG: 1"], final: ResponseWriter.ok }
    ])
  })

  it("reports an overlong line as Overflow and carries on", () => {
    const reader = ResponseReader.make({ maxLineLength: 16 })
    reader.expect("AT%CMNG=2,1,0")
    const events = reader.push(`%CMNG: 1,0,"${"A".repeat(40)}"\r\nOK\r\n`)
    assert.deepStrictEqual(events, [
      { _tag: "Overflow", discarded: 53 },
      { _tag: "Response", lines: [], final: ResponseWriter.ok }
    ])
  })

  it("recognises final results only alone on a line", () => {
    assert.deepStrictEqual(ResponseReader.parseFinal("OK"), ResponseWriter.ok)
    assert.deepStrictEqual(ResponseReader.parseFinal("ERROR"), ResponseWriter.error)
    assert.deepStrictEqual(ResponseReader.parseFinal("+CME ERROR: 513"), ResponseWriter.cmeError(513))
    assert.deepStrictEqual(ResponseReader.parseFinal("+CMS ERROR: 500"), ResponseWriter.cmsError(500))
    assert.isUndefined(ResponseReader.parseFinal("OK OK"))
    assert.isUndefined(ResponseReader.parseFinal(" OK"))
    assert.isUndefined(ResponseReader.parseFinal("+CME ERROR: x"))
    assert.isUndefined(ResponseReader.parseFinal("%CMNG: 1"))
  })
})

// ---- Generated transcripts --------------------------------------------------------------------------------------

/** Text for inside quotes: any characters but `"`, with CR/LF and final-looking lines mixed in. */
const quotedText = fc
  .array(
    fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 12 }).map((s) => s.replaceAll('"', "")),
      fc.constantFrom(
        "\r\n",
        "\n",
        "\r",
        "\r\nOK\r\n",
        "\nERROR\n",
        "\r\n+CME ERROR: 513\r\n",
        "\r\n+CEREG: 1\r\n",
        "-----BEGIN CERTIFICATE-----"
      )
    ),
    { maxLength: 6 }
  )
  .map((parts) => parts.join(""))

const value = fc.oneof(
  fc.nat().map(String),
  quotedText.map((s) => `"${s}"`)
)

/** Information lines: never blank, never a final result, never a known URC, never the echo (which starts with AT). */
const infoLine = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("%CMNG", "+CGSN", "%JWT", "#XFOO", "%KEYGEN"),
      fc.array(value, { minLength: 1, maxLength: 4 })
    )
    .map(([name, values]) => `${name}: ${values.join(",")}`),
  fc.constantFrom("352656106108148", "Nordic Semiconductor ASA", "mfw_nrf9160_1.3.5", "OKAY", "ERRORS")
)

const urcLine = fc
  .tuple(fc.constantFrom("+CEREG", "%CESQ", "%XMODEMSLEEP", "+CSCON"), fc.array(value, { minLength: 1, maxLength: 3 }))
  .map(([name, values]) => `${name}: ${values.join(",")}`)

const idleLine = fc.oneof(urcLine, infoLine, fc.constantFrom("OK", "ERROR", "+CME ERROR: 3", "READY"))

const final: fc.Arbitrary<ResponseWriter.FinalResult> = fc.oneof(
  fc.constant(ResponseWriter.ok),
  fc.constant(ResponseWriter.error),
  fc.nat({ max: 999 }).map(ResponseWriter.cmeError),
  fc.nat({ max: 999 }).map(ResponseWriter.cmsError)
)

const sentLine = fc.oneof(
  fc.constantFrom("AT+CGSN", "AT%CMNG=1", "AT+CFUN?", 'AT%JWT=0,3600,"sub","aud"', "AT"),
  quotedText.map((s) => `AT%CMNG=0,1,0,"${s}"`)
)

interface CommandExchange {
  readonly _tag: "Command"
  readonly sent: string
  readonly echo: boolean
  readonly items: ReadonlyArray<{ readonly info: string } | { readonly urc: string }>
  readonly final: ResponseWriter.FinalResult
}
interface IdleExchange {
  readonly _tag: "Idle"
  readonly lines: ReadonlyArray<string>
}
type Exchange = CommandExchange | IdleExchange

const commandExchange: fc.Arbitrary<CommandExchange> = fc.record({
  _tag: fc.constant("Command" as const),
  sent: sentLine,
  echo: fc.boolean(),
  items: fc.array(
    fc.oneof(
      infoLine.map((info) => ({ info })),
      urcLine.map((urc) => ({ urc }))
    ),
    { maxLength: 5 }
  ),
  final
})

const idleExchange: fc.Arbitrary<IdleExchange> = fc.record({
  _tag: fc.constant("Idle" as const),
  lines: fc.array(idleLine, { minLength: 1, maxLength: 3 })
})

const wire = (exchange: Exchange): string => {
  if (exchange._tag === "Idle") return exchange.lines.map(ResponseWriter.formatUnsolicited).join("")
  const lines = exchange.items.map((item) => ("info" in item ? item.info : item.urc))
  const echo = exchange.echo ? `${exchange.sent}\r\n` : ""
  // A blank line now and then: the reader must skip it.
  return echo + ResponseWriter.formatResponse(lines, exchange.final, 1).replace(/^/, lines.length % 2 ? "\r\n" : "")
}

const expectedEvents = (exchange: Exchange): Array<ResponseReader.ReaderEvent> => {
  if (exchange._tag === "Idle") return exchange.lines.map((line) => ({ _tag: "Unsolicited", line }))
  const events: Array<ResponseReader.ReaderEvent> = []
  const lines: Array<string> = []
  for (const item of exchange.items) {
    if ("urc" in item) events.push({ _tag: "Unsolicited", line: item.urc })
    else lines.push(item.info)
  }
  events.push({ _tag: "Response", lines, final: exchange.final })
  return events
}

const cuts = fc.array(fc.nat(), { maxLength: 12 })

describe("ResponseReader properties", () => {
  it("yields exactly the generated events, URCs between and inside responses, any chunking", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(commandExchange, idleExchange), cuts), { maxLength: 8 }), (script) => {
        const reader = ResponseReader.make()
        const events: Array<ResponseReader.ReaderEvent> = []
        for (const [exchange, points] of script) {
          if (exchange._tag === "Command") reader.expect(`${exchange.sent}\r\n`)
          for (const chunk of splitAt(bytes(wire(exchange)), points)) events.push(...reader.push(chunk))
        }
        assert.deepStrictEqual(
          events,
          script.flatMap(([exchange]) => expectedEvents(exchange))
        )
        assert.strictEqual(reader.pending, 0)
      }),
      { numRuns: 500 }
    )
  })

  it("pipelined command lines, one stream split anywhere, give the same events", () => {
    fc.assert(
      fc.property(fc.array(commandExchange, { maxLength: 8 }), cuts, (exchanges, points) => {
        const reader = ResponseReader.make()
        for (const exchange of exchanges) reader.expect(exchange.sent)
        const stream = concat(exchanges.map((exchange) => bytes(wire(exchange))))
        const events = splitAt(stream, points).flatMap((chunk) => reader.push(chunk))
        assert.deepStrictEqual(events, exchanges.flatMap(expectedEvents))
      }),
      { numRuns: 500 }
    )
  })
})
