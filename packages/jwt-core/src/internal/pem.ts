/**
 * PEM armour (RFC 7468): find the blocks in a text, and write one block.
 */
import { encodeBase64 } from "../Base64Url.ts"

/** One `-----BEGIN <label>-----` … `-----END <label>-----` block. */
export interface PemBlock {
  readonly label: string
  /** RFC 1421 headers such as `Proc-Type` (legacy OpenSSL encryption), keyed by lowercase name. */
  readonly headers: ReadonlyMap<string, string>
  /** The base64 body with headers removed; whitespace kept for the decoder to skip. */
  readonly body: string
}

/** Whether a text looks like PEM at all (has a BEGIN line). */
export const looksLikePem = (text: string): boolean => text.includes("-----BEGIN ")

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g

/** Every well-formed block, in order. CRLF or LF line ends; text around the blocks is ignored. */
export const blocks = (text: string): ReadonlyArray<PemBlock> => {
  const out: Array<PemBlock> = []
  for (const match of text.matchAll(BLOCK)) {
    const label = match[1]!
    if (match[3] !== label) continue
    const headers = new Map<string, string>()
    const bodyLines: Array<string> = []
    for (const line of match[2]!.split(/\r?\n/)) {
      const header = /^([A-Za-z-]+):\s*(.*)$/.exec(line.trim())
      if (header) headers.set(header[1]!.toLowerCase(), header[2]!)
      else bodyLines.push(line)
    }
    out.push({ label, headers, body: bodyLines.join("\n") })
  }
  return out
}

/** Writes one block with 64-character lines and LF line ends, ending in a newline. */
export const write = (label: string, der: Uint8Array): string => {
  const base64 = encodeBase64(der)
  let body = ""
  for (let i = 0; i < base64.length; i += 64) body += `${base64.slice(i, i + 64)}\n`
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`
}
