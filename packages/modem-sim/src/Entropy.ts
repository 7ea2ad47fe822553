/**
 * Where the modem's randomness comes from: token nonces, new keys, identities. A service, so tests and
 * reproducible runs (`--seed`) use a deterministic source while a normal run uses the platform's CSPRNG.
 *
 * @since 0.1.0
 */
import { sha256 } from "@noble/hashes/sha2.js"
import { concatBytes, utf8ToBytes } from "@noble/hashes/utils.js"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
export class Entropy extends Context.Service<
  Entropy,
  {
    /** `length` random bytes. */
    readonly bytes: (length: number) => Effect.Effect<Uint8Array>
    /** The same, outside Effect (for pure constructors such as key generation). */
    readonly bytesSync: (length: number) => Uint8Array
  }
>()("@atmodem/modem-sim/Entropy") {}

/** The service of a synchronous byte source. */
const fromSync = (bytesSync: (length: number) => Uint8Array): Entropy["Service"] => ({
  bytes: (length) => Effect.sync(() => bytesSync(length)),
  bytesSync
})

/**
 * The platform's cryptographically secure generator (`crypto.getRandomValues`), drawn 4 KiB at a time: one
 * call per token nonce would cost more than building the rest of the token.
 */
export const secure: Entropy["Service"] = (() => {
  const POOL = 4096
  let pool = new Uint8Array(0)
  let offset = 0
  const bytesSync = (length: number) => {
    if (length > POOL) return globalThis.crypto.getRandomValues(new Uint8Array(length))
    if (offset + length > pool.length) {
      // getRandomValues fills at most 65536 bytes per call; a fresh buffer each time, so handed-out bytes stay put
      pool = globalThis.crypto.getRandomValues(new Uint8Array(POOL))
      offset = 0
    }
    const out = pool.slice(offset, offset + length)
    offset += length
    return out
  }
  return fromSync(bytesSync)
})()

/**
 * A deterministic stream derived from a seed: SHA-256(seed ‖ counter) blocks. Same seed, same bytes, on
 * every runtime. Not for production secrets: anyone who knows the seed knows the keys.
 */
export const seeded = (seed: string): Entropy["Service"] => {
  const seedBytes = utf8ToBytes(`atmodem-entropy:${seed}`)
  let counter = 0
  let pool = new Uint8Array(0)
  const bytesSync = (length: number) => {
    while (pool.length < length) {
      const block = sha256(concatBytes(seedBytes, utf8ToBytes(`:${counter++}`)))
      pool = concatBytes(pool, block)
    }
    const out = pool.slice(0, length)
    pool = pool.slice(length)
    return out
  }
  return fromSync(bytesSync)
}

export const layerSecure: Layer.Layer<Entropy> = Layer.succeed(Entropy)(secure)
export const layerSeeded = (seed: string): Layer.Layer<Entropy> => Layer.sync(Entropy)(() => seeded(seed))
