import { Key } from "@atmodem/jwt-core"
import type * as Result from "effect/Result"
/**
 * Parsed client keys by content, so a `%JWT` with a stored key parses its PEM once, not per token. Bounded:
 * cleared when full (keys change rarely; a provisioning run uses a handful).
 */
export interface KeyCache {
  readonly get: (content: string, password: string | undefined) => Result.Result<Key.PrivateKey, Key.KeyError>
}

export const make = (capacity = 64): KeyCache => {
  const cache = new Map<string, Result.Result<Key.PrivateKey, Key.KeyError>>()
  return {
    get: (content, password) => {
      const id = password === undefined ? content : `${content}\u0000${password}`
      let parsed = cache.get(id)
      if (parsed === undefined) {
        if (cache.size >= capacity) cache.clear()
        parsed = Key.parsePrivateKey(content, password === undefined ? undefined : { password })
        cache.set(id, parsed)
      }
      return parsed
    }
  }
}
