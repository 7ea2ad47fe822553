import { assert, describe, it } from "@effect/vitest"
import { Command } from "../src/index.ts"

describe("Command", () => {
  it("make upper-cases the name and keeps set parameters", () => {
    assert.deepStrictEqual(Command.make("%jwt", "set", [Command.integer(0), Command.empty, Command.string("Sub")]), {
      name: "%JWT",
      form: "set",
      params: [{ _tag: "Integer", value: 0 }, { _tag: "Empty" }, { _tag: "String", value: "Sub" }]
    })
  })

  it("make drops parameters of forms other than set", () => {
    assert.deepStrictEqual(Command.make("+cfun", "read", [Command.integer(1)]), {
      name: "+CFUN",
      form: "read",
      params: []
    })
    assert.deepStrictEqual(Command.make("E", "execute"), { name: "E", form: "execute", params: [] })
  })

  it("a set command without parameters has one Empty parameter, like AT+CMEE=", () => {
    assert.deepStrictEqual(Command.make("+CMEE", "set"), { name: "+CMEE", form: "set", params: [Command.empty] })
    assert.deepStrictEqual(Command.make("+CMEE", "set", []).params, [Command.empty])
  })

  it("tells extended names from basic ones", () => {
    assert.isTrue(Command.isExtendedName("+CFUN"))
    assert.isTrue(Command.isExtendedName("%JWT"))
    assert.isTrue(Command.isExtendedName("#XFOO"))
    assert.isFalse(Command.isExtendedName("E"))
    assert.isFalse(Command.isExtendedName("&F"))
  })
})
