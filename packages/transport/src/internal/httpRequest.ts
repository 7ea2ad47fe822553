/**
 * Telling an HTTP request from AT traffic by its first bytes. A web page can make the browser send a request to
 * any loopback port (a `no-cors` POST, a form); without this check each of its lines would run as an AT command.
 * No AT host starts a connection with an HTTP method and a space, so such a connection is a browser (or another
 * protocol) and none of its bytes may reach the modem.
 *
 * @internal
 */

const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"].map((method) =>
  Uint8Array.from(`${method} `, (c) => c.charCodeAt(0))
)

/** The most bytes {@link classify} may need to decide: the longest method and its space. */
export const MAX_HEAD = Math.max(...METHODS.map((method) => method.length))

/**
 * `"http"` when `head` starts with an HTTP method and a space, `"other"` when it cannot, `"undecided"` when it is
 * a strict prefix of one (wait for more bytes).
 */
export const classify = (head: Uint8Array): "http" | "other" | "undecided" => {
  let undecided = false
  for (const method of METHODS) {
    const n = Math.min(head.length, method.length)
    let same = true
    for (let i = 0; i < n && same; i++) same = head[i] === method[i]
    if (!same) continue
    if (head.length >= method.length) return "http"
    undecided = true
  }
  return undecided ? "undecided" : "other"
}
