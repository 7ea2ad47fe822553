/** PEM armour for DER bytes. */
import { Base64Url } from "@atmodem/jwt-core"

/** `-----BEGIN <label>-----`, base64 in 64-character lines, `-----END <label>-----`, LF line ends. */
export const write = (label: string, der: Uint8Array): string => {
  const body = Base64Url.encodeBase64(der).replace(/.{1,64}/g, "$&\n")
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`
}

/** The first PEM block with `label`, decoded; `undefined` when there is none or its body is not base64. */
export const read = (text: string, label: string): Uint8Array | undefined => {
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(text)
  if (match === null) return undefined
  const decoded = Base64Url.decodeBase64(match[1]!.replace(/\s+/g, ""))
  return decoded._tag === "Success" ? decoded.success : undefined
}
