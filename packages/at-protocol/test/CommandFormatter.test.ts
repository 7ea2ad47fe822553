import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import * as fc from "fast-check"
import { Command, CommandFormatter, CommandParser } from "../src/index.ts"

describe("CommandFormatter", () => {
  it("formats each form", () => {
    assert.strictEqual(CommandFormatter.formatCommand(Command.make("+CFUN", "set", [Command.integer(4)])), "+CFUN=4")
    assert.strictEqual(CommandFormatter.formatCommand(Command.make("+CFUN", "read")), "+CFUN?")
    assert.strictEqual(CommandFormatter.formatCommand(Command.make("+CFUN", "test")), "+CFUN=?")
    assert.strictEqual(CommandFormatter.formatCommand(Command.make("%JWT", "execute")), "%JWT")
    assert.strictEqual(
      CommandFormatter.formatCommand(
        Command.make("%JWT", "set", [
          Command.integer(0),
          Command.integer(3600),
          Command.string("sub"),
          Command.empty,
          Command.integer(4243),
          Command.integer(2)
        ])
      ),
      '%JWT=0,3600,"sub",,4243,2'
    )
    assert.strictEqual(CommandFormatter.formatCommand(Command.make("+CMEE", "set")), "+CMEE=")
  })

  it("formats basic commands without =", () => {
    assert.strictEqual(CommandFormatter.formatCommand(Command.make("E", "set", [Command.integer(0)])), "E0")
    assert.strictEqual(CommandFormatter.formatCommand(Command.make("&F", "execute")), "&F")
  })

  it("formats a line with AT, ; and a terminator", () => {
    const commands = [
      Command.make("+CFUN", "set", [Command.integer(4)]),
      Command.make("%CMNG", "set", [Command.integer(1)])
    ]
    assert.strictEqual(CommandFormatter.formatLine(commands), "AT+CFUN=4;%CMNG=1\r\n")
    assert.strictEqual(CommandFormatter.formatLine(commands, "\r"), "AT+CFUN=4;%CMNG=1\r")
    assert.strictEqual(CommandFormatter.formatLine([]), "AT\r\n")
  })

  it("keeps CR/LF inside string parameters", () => {
    const pem = "-----BEGIN CERTIFICATE-----\r\nMII...\r\n-----END CERTIFICATE-----"
    const cmd = Command.make("%CMNG", "set", [
      Command.integer(0),
      Command.integer(16842753),
      Command.integer(0),
      Command.string(pem)
    ])
    assert.strictEqual(CommandFormatter.formatLine([cmd]), `AT%CMNG=0,16842753,0,"${pem}"\r\n`)
  })
})

const letter = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
const nameChar = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

const parameter: fc.Arbitrary<Command.Parameter> = fc.oneof(
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }).map((n) => Command.integer(n + 0)),
  fc.constantFrom(0, 1, 4294967295, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER).map(Command.integer),
  fc.string({ unit: "grapheme", maxLength: 20 }).map((s) => Command.string(s.replaceAll('"', "'"))),
  fc.constantFrom("", "a;b,c", "x\r\ny", "\n", " padded ").map(Command.string),
  fc.constant(Command.empty)
)

const extended: fc.Arbitrary<Command.Command> = fc
  .tuple(
    fc.constantFrom("+", "%", "#"),
    fc.array(nameChar, { minLength: 1, maxLength: 10 }),
    fc.constantFrom<Command.Form>("execute", "set", "read", "test"),
    fc.array(parameter, { minLength: 1, maxLength: 6 })
  )
  .map(([prefix, chars, form, params]) => Command.make(prefix + chars.join(""), form, params))

const basic: fc.Arbitrary<Command.Command> = fc
  .tuple(fc.boolean(), letter, fc.option(fc.nat(), { nil: undefined }))
  .map(([amp, l, n]) =>
    Command.make((amp ? "&" : "") + l, n === undefined ? "execute" : "set", n === undefined ? [] : [Command.integer(n)])
  )

describe("CommandFormatter properties", () => {
  it("parseLine(formatLine(commands)) gives back the commands", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(extended, basic), { maxLength: 5 }), (commands) => {
        const line = CommandFormatter.formatLine(commands, "")
        const parsed = CommandParser.parseLine(line)
        if (Result.isFailure(parsed)) assert.fail(`${JSON.stringify(line)}: ${parsed.failure.message}`)
        assert.deepStrictEqual(parsed.success, commands)
      }),
      { numRuns: 2000 }
    )
  })
})
