import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { ResponseWriter } from "../src/index.ts"
import fixtures from "./fixtures/writer.json" with { type: "json" }

type FixtureLine =
  | { readonly text: string }
  | { readonly name: string; readonly values: ReadonlyArray<ResponseWriter.Value> }

const toLine = (line: FixtureLine): string =>
  "text" in line ? line.text : ResponseWriter.informationLine(line.name, line.values)

const hex = (data: Uint8Array) => Array.from(data, (b) => b.toString(16).padStart(2, "0")).join("")

describe("ResponseWriter fixtures", () => {
  for (const c of fixtures.cases) {
    it(c.name, () => {
      const lines = (c.lines as ReadonlyArray<FixtureLine>).map(toLine)
      const out = ResponseWriter.formatResponse(lines, c.final as ResponseWriter.FinalResult, c.cmee as 0 | 1)
      assert.strictEqual(out, c.text)
      const encoded = ResponseWriter.encode(out)
      if ("hex" in c) assert.strictEqual(hex(encoded), c.hex)
      assert.strictEqual(new TextDecoder().decode(encoded), c.text)
    })
  }
})

describe("ResponseWriter", () => {
  it("encode gives exactly TextEncoder's bytes (lone surrogates as U+FFFD), for short and long responses", () => {
    const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit))
    const text = fc.oneof(
      fc.string({ unit: codeUnit }),
      fc.string({ unit: codeUnit, minLength: 4000, maxLength: 9000 })
    )
    fc.assert(
      fc.property(text, (text) => {
        assert.deepStrictEqual(Array.from(ResponseWriter.encode(text)), Array.from(new TextEncoder().encode(text)))
      }),
      { numRuns: 300 }
    )
  })

  it("information lines have one space after the colon and none after commas", () => {
    assert.strictEqual(ResponseWriter.informationLine("%CMNG", [42, 0, "AB"]), '%CMNG: 42,0,"AB"')
    assert.strictEqual(ResponseWriter.informationLine("+CMEE", [1]), "+CMEE: 1")
    assert.strictEqual(ResponseWriter.informationLine("%X", []), "%X:")
  })

  it("final results, with and without +CMEE", () => {
    assert.strictEqual(ResponseWriter.formatFinal(ResponseWriter.ok, 0), "OK\r\n")
    assert.strictEqual(ResponseWriter.formatFinal(ResponseWriter.ok, 1), "OK\r\n")
    assert.strictEqual(ResponseWriter.formatFinal(ResponseWriter.error, 0), "ERROR\r\n")
    assert.strictEqual(ResponseWriter.formatFinal(ResponseWriter.cmeError(50), 1), "+CME ERROR: 50\r\n")
    assert.strictEqual(ResponseWriter.formatFinal(ResponseWriter.cmeError(50), 0), "ERROR\r\n")
    assert.strictEqual(ResponseWriter.formatFinal(ResponseWriter.cmsError(304), 1), "+CMS ERROR: 304\r\n")
    assert.strictEqual(ResponseWriter.formatFinal(ResponseWriter.cmsError(304), 0), "ERROR\r\n")
  })

  it("a response has no leading blank line", () => {
    assert.strictEqual(
      ResponseWriter.formatResponse(["352656106108148"], ResponseWriter.ok, 0),
      "352656106108148\r\nOK\r\n"
    )
    assert.strictEqual(ResponseWriter.formatResponse([], ResponseWriter.ok, 0), "OK\r\n")
  })

  it("unsolicited lines end with CRLF", () => {
    assert.strictEqual(ResponseWriter.formatUnsolicited("+CEREG: 1"), "+CEREG: 1\r\n")
  })
})
