/**
 * Golden transcripts: each file in `transcripts/` is a conversation with a fresh modem, bytes in and exact
 * bytes out. Format, one item per line:
 *
 *   # comment
 *   @ {"profile":"nrf9151"}      setup options for Setup.layerMemory (first, optional)
 *   > "AT+CMEE=1\r\n"            bytes sent (a JSON string, so CR/LF and quotes are exact)
 *   < "OK\r\n"                   bytes expected back (consecutive lines are concatenated)
 *   ! power-off-warning on|off   simulation controls: also `fault key-generation on|off`, `restart`,
 *   ! advance 60                 `advance <seconds>` (moves the test clock)
 *
 * Setting ATMODEM_UPDATE_TRANSCRIPTS=1 rewrites the `<` lines from what the modem answers (then review the
 * diff: these files are the contract).
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import * as Modem from "../src/Modem.ts"
import * as Session from "../src/Session.ts"
import { testModem } from "./support.ts"

const directory = join(fileURLToPath(new URL(".", import.meta.url)), "transcripts")
const update = process.env.ATMODEM_UPDATE_TRANSCRIPTS === "1"
// Rewriting skips every assertion: never in CI.
if (update && process.env.CI) throw new Error("ATMODEM_UPDATE_TRANSCRIPTS is for local use; CI must compare")
const encoder = new TextEncoder()
const decoder = new TextDecoder()

type Step =
  | { readonly _tag: "Send"; readonly bytes: string; readonly expected: string; readonly line: number }
  | { readonly _tag: "Control"; readonly words: ReadonlyArray<string>; readonly line: number }

const parse = (text: string) => {
  let setup = {}
  const steps: Array<Step> = []
  text.split("\n").forEach((raw, index) => {
    const line = raw.trimEnd()
    const body = line.slice(2)
    switch (line[0]) {
      case "@":
        setup = JSON.parse(body)
        break
      case ">":
        steps.push({ _tag: "Send", bytes: JSON.parse(body), expected: "", line: index })
        break
      case "<": {
        const last = steps.at(-1)
        if (last?._tag !== "Send") throw new Error(`line ${index + 1}: "<" without a preceding ">"`)
        steps[steps.length - 1] = { ...last, expected: last.expected + JSON.parse(body) }
        break
      }
      case "!":
        steps.push({ _tag: "Control", words: body.split(/\s+/), line: index })
        break
      default:
        if (line !== "" && line[0] !== "#") throw new Error(`line ${index + 1}: cannot read ${JSON.stringify(line)}`)
    }
  })
  return { setup, steps }
}

/** Rewrites a transcript with the actual responses in place of the expected ones. */
const rewrite = (text: string, actual: ReadonlyArray<string>) => {
  const out: Array<string> = []
  let next = 0
  for (const line of text.split("\n")) {
    if (line.startsWith("<")) continue
    out.push(line)
    if (line.startsWith(">")) {
      const response = actual[next++] ?? ""
      for (const part of response.match(/[^\n]*\n|[^\n]+$/g) ?? []) out.push(`< ${JSON.stringify(part)}`)
    }
  }
  return out.join("\n")
}

const control = (modem: Modem.Modem, words: ReadonlyArray<string>) => {
  const [verb, a, b] = words
  switch (verb) {
    case "power-off-warning":
      return modem.setPowerOffWarning(a === "on")
    case "fault":
      if (a !== "key-generation") break
      return modem.setFaults({ keyGeneration: b === "on" })
    case "restart":
      return modem.restart
    case "advance":
      return TestClock.adjust(`${Number(a)} seconds`)
  }
  return Effect.die(new Error(`unknown control: ${words.join(" ")}`))
}

/**
 * Every token in a transcript has the modem's shape (spec section 3): three unpadded base64url segments, the
 * exact header key order with a 64-hex kid, payload keys in order iss, jti[, iat, exp][, sub][, aud], JSON padded
 * with spaces to a multiple of 3 bytes, and an 86-character signature.
 */
const assertModemToken = (token: string, where: string) => {
  const [header, payload, signature] = token.split(".")
  const json = (segment: string) => Buffer.from(segment, "base64url").toString("utf8")
  assert.match(json(header!), /^\{"typ":"JWT","alg":"ES256","kid":"[0-9a-f]{64}"\} *$/, where)
  for (const part of [json(header!), json(payload!)]) {
    assert.strictEqual(Buffer.byteLength(part) % 3, 0, where)
    // only the padding follows the JSON, and never more than it takes
    assert.isTrue(part.trimEnd().endsWith("}") && part.length - part.trimEnd().length < 3, where)
  }
  const keys = Object.keys(JSON.parse(json(payload!)))
  const order = ["iss", "jti", "iat", "exp", "sub", "aud"]
  assert.deepStrictEqual(
    keys,
    order.filter((k) => keys.includes(k)),
    where
  )
  assert.includeMembers(keys, ["iss", "jti"], where)
  assert.match(signature!, /^[A-Za-z0-9_-]{86}$/, where)
}

const files = readdirSync(directory)
  .filter((f) => f.endsWith(".txt"))
  .sort()

describe("golden transcripts", () => {
  it("exist", () => {
    assert.isAbove(files.length, 5)
  })
  for (const file of files) {
    const path = join(directory, file)
    const text = readFileSync(path, "utf8")
    const { setup, steps } = parse(text)
    it.effect(file, () =>
      Effect.gen(function* () {
        const modem = yield* Modem.ModemService
        const session = Session.make(modem)
        const actual: Array<string> = []
        for (const step of steps) {
          if (step._tag === "Control") {
            yield* control(modem, step.words)
            continue
          }
          const response = decoder.decode(yield* session.feedAll(encoder.encode(step.bytes)))
          actual.push(response)
          for (const match of response.matchAll(/%JWT: "([^"]*)"/g))
            assertModemToken(match[1]!, `${file}:${step.line + 1}`)
          if (!update)
            assert.strictEqual(response, step.expected, `${file}:${step.line + 1} ${JSON.stringify(step.bytes)}`)
        }
        if (update) writeFileSync(path, rewrite(text, actual))
      }).pipe(Effect.provide(testModem(setup)))
    )
  }
})
