import { assert, describe, it } from "@effect/vitest"
import { classify, MAX_HEAD } from "../src/internal/httpRequest.ts"

const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0))

describe("httpRequest.classify", () => {
  it("an HTTP method and a space is HTTP; a strict prefix waits; anything else is not", () => {
    for (const line of ["GET / HTTP/1.1", "POST /x", "OPTIONS * HTTP/1.1", "PATCH ", "HEAD /"])
      assert.strictEqual(classify(bytes(line)), "http", line)
    for (const head of ["", "P", "PO", "POS", "POST", "OPTIONS", "G"])
      assert.strictEqual(classify(bytes(head)), "undecided", head)
    for (const line of ["AT+CGMI\r\n", "\r\n", "at", "POSTX", "get / HTTP/1.1", "GET\t/", "P\r\n", "PUTS"])
      assert.strictEqual(classify(bytes(line)), "other", JSON.stringify(line))
    assert.strictEqual(MAX_HEAD, 8)
  })
})
