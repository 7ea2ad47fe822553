import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import * as fc from "fast-check"
import { CommandParser, Framer } from "../src/index.ts"
import fixtures from "./fixtures/parser.json" with { type: "json" }
import { bytes, type FixtureCommand, toCommand } from "./helpers.ts"

const parseOk = (line: Uint8Array | string) => {
  const result = CommandParser.parseLine(line)
  if (Result.isFailure(result)) assert.fail(`expected success, got ${result.failure.message}`)
  return result.success
}

const parseErr = (line: Uint8Array | string) => {
  const result = CommandParser.parseLine(line)
  if (Result.isSuccess(result)) assert.fail(`expected a ParseError, got ${JSON.stringify(result.success)}`)
  assert.instanceOf(result.failure, CommandParser.ParseError)
  assert.strictEqual(result.failure._tag, "ParseError")
  return result.failure
}

describe("CommandParser fixtures", () => {
  for (const c of fixtures.accepted) {
    const expected = (c.commands as ReadonlyArray<FixtureCommand>).map(toCommand)
    it(`accepts ${JSON.stringify(c.line)} (spec §${c.spec})`, () => {
      assert.deepStrictEqual(parseOk(c.line), expected)
      assert.deepStrictEqual(parseOk(bytes(c.line)), expected)
    })
  }
  for (const c of fixtures.rejected) {
    it(`rejects ${JSON.stringify(c.line)} at ${c.position} (spec §${c.spec})`, () => {
      assert.strictEqual(parseErr(c.line).position, c.position)
      assert.strictEqual(parseErr(bytes(c.line)).position, c.position)
    })
  }
})

describe("CommandParser details", () => {
  it("one line's commands and parameters never leak into the next, whether it parsed or failed", () => {
    const first = parseOk('AT+A=1,"x",,3;+B=7;%C?')
    parseErr('AT+D=1,2,"unterminated')
    parseErr("AT+E=1,2;+F=3;+")
    parseErr("AT+H=5;+I=,x")
    assert.deepStrictEqual(parseOk("AT+J=2"), [{ name: "+J", form: "set", params: [{ _tag: "Integer", value: 2 }] }])
    assert.deepStrictEqual(parseOk("AT%K"), [{ name: "%K", form: "execute", params: [] }])
    // results handed out earlier stay as they were
    assert.deepStrictEqual(first, parseOk('AT+A=1,"x",,3;+B=7;%C?'))
    assert.strictEqual(first.length, 3)
    assert.strictEqual(first[0]!.params.length, 4)
  })

  it("integers of any length are integers: exact up to the safe range, ±Infinity beyond (never a rounded value)", () => {
    const values = (line: string) =>
      parseOk(line)[0]!.params.map((param) => (param._tag === "Integer" ? param.value : param._tag))
    assert.deepStrictEqual(values("AT+X=9007199254740991,-9007199254740991"), [
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER
    ])
    assert.deepStrictEqual(values('AT+X=9007199254740992,-123456789012345678901234567890,"s"'), [
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      "String"
    ])
    assert.deepStrictEqual(values(`AT+X=1${"0".repeat(400)},4`), [Number.POSITIVE_INFINITY, 4])
    assert.deepStrictEqual(parseOk("ATE99999999999999999999")[0]!.params, [
      { _tag: "Integer", value: Number.POSITIVE_INFINITY }
    ])
  })

  it("AT alone is zero commands", () => {
    assert.deepStrictEqual(parseOk("AT"), [])
    assert.deepStrictEqual(parseOk(" at "), [])
  })

  it("an empty line is an error", () => {
    assert.strictEqual(parseErr("").position, 0)
    assert.strictEqual(parseErr(new Uint8Array(0)).reason, "expected AT")
  })

  it("invalid UTF-8 inside a string is an error at the bad byte", () => {
    const line = Uint8Array.from([...bytes('AT+X="ab'), 0xc3, 0x28, ...bytes('"')])
    const error = parseErr(line)
    assert.strictEqual(error.position, 8)
    assert.match(error.reason, /UTF-8/)
  })

  it("rejects overlong encodings, surrogates and code points above U+10FFFF", () => {
    for (const bad of [
      [0xc0, 0xaf],
      [0xe0, 0x80, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf8],
      [0xe2, 0x82]
    ]) {
      const line = Uint8Array.from([...bytes('AT+X="'), ...bad, ...bytes('"')])
      assert.strictEqual(parseErr(line).position, 6, JSON.stringify(bad))
    }
  })

  it("a lone surrogate in a string input is an error at its UTF-8 offset", () => {
    const error = parseErr('AT+X="é\uD800"')
    assert.strictEqual(error.position, 8)
  })

  it("the error message names the reason and the position", () => {
    assert.strictEqual(parseErr("AT+X=01").message, "leading zero in integer at position 5")
  })

  it("positions are byte offsets", () => {
    assert.strictEqual(parseErr('AT+X="é",x').position, 10)
  })
})

describe("CommandParser properties", () => {
  it("never throws on arbitrary bytes and always returns a Result", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (data) => {
        const result = CommandParser.parseLine(data)
        assert.isTrue(Result.isResult(result))
        if (Result.isFailure(result)) {
          assert.instanceOf(result.failure, CommandParser.ParseError)
          assert.isAtLeast(result.failure.position, 0)
          assert.isAtMost(result.failure.position, data.length)
        }
      }),
      { numRuns: 2000 }
    )
  })

  it("never throws on AT-like strings and always returns a Result", () => {
    const piece = fc.oneof(
      fc.constantFrom("AT", "at", "+", "%", "#", "&", "=", "?", ",", ";", '"', " ", "0", "1", "-", "E", "CFUN", "\r\n"),
      fc.string({ unit: "binary", maxLength: 4 })
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const line = pieces.join("")
        const result = CommandParser.parseLine(line)
        assert.isTrue(Result.isResult(result))
        if (Result.isFailure(result)) assert.instanceOf(result.failure, CommandParser.ParseError)
      }),
      { numRuns: 2000 }
    )
  })

  it("every complete framed line is classified: parsed or a ParseError", () => {
    const byte = fc.oneof(fc.constantFrom(...bytes('AT+%#=?,;" \r\n0123E')), fc.integer({ min: 0, max: 255 }))
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 300 }), (data) => {
        const framer = Framer.make({ maxLineLength: 64 })
        for (const frame of framer.push(Uint8Array.from(data))) {
          if (frame._tag !== "Line") continue
          const result = CommandParser.parseLine(frame.line)
          if (Result.isSuccess(result)) assert.isArray(result.success)
          else assert.instanceOf(result.failure, CommandParser.ParseError)
        }
      }),
      { numRuns: 1000 }
    )
  })
})
