/**
 * What `+CME ERROR` codes mean, for people: `+CME ERROR: 513 — not found`. The nRF91 codes of the atmodem
 * spec, plus the common 3GPP TS 27.007 ones a real modem may also send.
 *
 * @since 0.1.0
 */
import type { ResponseWriter } from "@atmodem/at-protocol"

/**
 * Meanings by code.
 *
 * @since 0.1.0
 * @category constants
 */
export const meanings: Readonly<Record<number, string>> = {
  0: "phone failure",
  3: "operation not allowed",
  4: "operation not supported",
  10: "SIM not inserted",
  50: "incorrect parameters",
  51: "command disabled in this software build",
  100: "unknown error",
  513: "not found",
  514: "no access",
  515: "memory full",
  518: "not allowed in active state",
  519: "already exists",
  523: "key generation failed",
  525: "error in JWT creation",
  527: "invalid content",
  528: "not allowed in power-off-warning state"
}

/**
 * The meaning of a code, or `undefined` for a code not in the table.
 *
 * @since 0.1.0
 * @category formatting
 */
export const meaning = (code: number): string | undefined => meanings[code]

/**
 * A final result as the modem sent it, with the meaning of a CME code: `OK`, `ERROR`,
 * `+CME ERROR: 513 — not found`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const describeFinal = (final: ResponseWriter.FinalResult): string => {
  switch (final._tag) {
    case "Ok":
      return "OK"
    case "Error":
      return "ERROR"
    case "CmeError": {
      const text = meaning(final.code)
      return `+CME ERROR: ${final.code}${text === undefined ? "" : ` — ${text}`}`
    }
    case "CmsError":
      return `+CMS ERROR: ${final.code}`
  }
}

/**
 * A final result as a JSON value: `{ "result": "CME ERROR", "code": 513, "meaning": "not found" }`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const finalJson = (
  final: ResponseWriter.FinalResult
): { readonly result: string; readonly code?: number; readonly meaning?: string } => {
  switch (final._tag) {
    case "Ok":
      return { result: "OK" }
    case "Error":
      return { result: "ERROR" }
    case "CmeError": {
      const text = meaning(final.code)
      return text === undefined
        ? { result: "CME ERROR", code: final.code }
        : { result: "CME ERROR", code: final.code, meaning: text }
    }
    case "CmsError":
      return { result: "CMS ERROR", code: final.code }
  }
}
