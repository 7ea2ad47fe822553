/**
 * Modem side output: information lines and the final result, honouring `+CMEE`.
 *
 * Every line ends `\r\n` and there is no leading blank line. Information lines are `NAME: v1,v2` with one space
 * after the colon and no spaces after commas.
 *
 * @since 0.1.0
 */

/**
 * The final result of a command line.
 *
 * @since 0.1.0
 * @category models
 */
export type FinalResult =
  | { readonly _tag: "Ok" }
  | { readonly _tag: "Error" }
  | { readonly _tag: "CmeError"; readonly code: number }
  | { readonly _tag: "CmsError"; readonly code: number }

/**
 * @since 0.1.0
 * @category constructors
 */
export const ok: FinalResult = { _tag: "Ok" }

/**
 * @since 0.1.0
 * @category constructors
 */
export const error: FinalResult = { _tag: "Error" }

/**
 * @since 0.1.0
 * @category constructors
 */
export const cmeError = (code: number): FinalResult => ({ _tag: "CmeError", code })

/**
 * @since 0.1.0
 * @category constructors
 */
export const cmsError = (code: number): FinalResult => ({ _tag: "CmsError", code })

/**
 * A value of an information line: a number is written as its digits, a string is written in double quotes as is
 * (strings have no escapes), `{ raw }` is written verbatim (`%XMODEMUUID: <uuid>` is unquoted).
 *
 * @since 0.1.0
 * @category models
 */
export type Value = number | string | { readonly raw: string }

const formatValue = (value: Value): string =>
  typeof value === "number" ? String(value) : typeof value === "string" ? `"${value}"` : value.raw

/**
 * An information line without its terminator: `informationLine("%CMNG", [42, 0, "AB"])` is `%CMNG: 42,0,"AB"`.
 * With no values it is just `NAME:`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const informationLine = (name: string, values: ReadonlyArray<Value>): string =>
  values.length === 0 ? `${name}:` : `${name}: ${values.map(formatValue).join(",")}`

/**
 * The final result line with its terminator. With `cmee` 0 a `CmeError` or `CmsError` is a bare `ERROR`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatFinal = (result: FinalResult, cmee: 0 | 1): string => {
  switch (result._tag) {
    case "Ok":
      return "OK\r\n"
    case "Error":
      return "ERROR\r\n"
    case "CmeError":
      return cmee === 1 ? `+CME ERROR: ${result.code}\r\n` : "ERROR\r\n"
    case "CmsError":
      return cmee === 1 ? `+CMS ERROR: ${result.code}\r\n` : "ERROR\r\n"
  }
}

/**
 * A whole response: each line followed by `\r\n`, then the final result.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatResponse = (lines: ReadonlyArray<string>, final: FinalResult, cmee: 0 | 1): string => {
  let out = ""
  for (const line of lines) out += `${line}\r\n`
  return out + formatFinal(final, cmee)
}

/**
 * An unsolicited result line with its terminator (`+CEREG: 1` → `+CEREG: 1\r\n`).
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatUnsolicited = (line: string): string => `${line}\r\n`

type BufferFrom = (text: string, encoding: "utf8") => Uint8Array

// Node's `Buffer.from` (also in Bun and Deno) cuts a short string's bytes out of a shared pool, where
// `TextEncoder` makes an off-heap allocation per response; a `Buffer` is a `Uint8Array`, so callers see no
// difference. A session encodes every response, so this is on the hot path.
const encodeUtf8: (text: string) => Uint8Array = (() => {
  const nodeBuffer = (globalThis as { Buffer?: { from?: BufferFrom } }).Buffer
  if (typeof nodeBuffer?.from === "function") return (text) => nodeBuffer.from!(text, "utf8")
  const encoder = new TextEncoder()
  return (text) => encoder.encode(text)
})()

/**
 * The UTF-8 bytes of a response. The bytes may be a view into a larger, shared buffer (Node's `Buffer` pool):
 * read them through the view, not through `.buffer`.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encode = (text: string): Uint8Array => encodeUtf8(text)
