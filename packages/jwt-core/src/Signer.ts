/**
 * Pluggable ES256 signers: ECDSA P-256 over SHA-256 of a message, returning the raw 64-byte `r || s`.
 *
 * - `noble`: `@noble/curves`, pure JavaScript, works in every runtime and in a browser; deterministic
 *   (RFC 6979, without low-S normalisation, exactly the RFC's test vectors), so the same key and message always
 *   give the same signature. Its base-point table is warmed once
 *   with a wider window than noble's default, which makes signing markedly faster.
 * - `native`: the runtime's own crypto — `node:crypto` where present (Node, Bun, Deno), WebCrypto otherwise.
 *   Signatures are randomised on Node and Bun (Deno's `node:crypto` happens to be deterministic). Key material
 *   is imported once per `PrivateKey` and cached.
 *
 * @since 0.1.0
 */
import type * as NodeCrypto from "node:crypto"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as Base64Url from "./Base64Url.ts"
import { signatureFromDer } from "./Der.ts"
import { signingCurve } from "./internal/curve.ts"
import { ReasonError } from "./internal/error.ts"
import { scalarOf } from "./internal/secret.ts"
import type { PrivateKey } from "./Key.ts"

/**
 * Signing failed (the runtime's crypto refused the key or is missing). The reason never contains key material.
 *
 * @since 0.1.0
 * @category errors
 */
export class SignError extends ReasonError("SignError") {}

/**
 * The signer service: `sign` returns the 64-byte raw `r || s` ECDSA P-256 signature over SHA-256(message).
 *
 * @since 0.1.0
 * @category services
 */
export class Signer extends Context.Service<
  Signer,
  {
    readonly name: "noble" | "native"
    readonly sign: (key: PrivateKey, message: Uint8Array) => Effect.Effect<Uint8Array, SignError>
    /**
     * The same signature computed now, present when the signer is synchronous (noble, `node:crypto`): hot paths
     * that sign on every request call it to skip an Effect per signature. The message may be a reused buffer:
     * it is valid only until the call returns, so a signer must not keep it.
     */
    readonly signSync?: ((key: PrivateKey, message: Uint8Array) => Result.Result<Uint8Array, SignError>) | undefined
  }
>()("@atmodem/jwt-core/Signer") {}

/**
 * A signer for code that does not use Effect. `sign` returns a `Result` synchronously and must not keep `message`
 * after it returns (callers may reuse the buffer).
 *
 * @since 0.1.0
 * @category models
 */
export interface SyncSigner {
  readonly name: "noble" | "native"
  readonly sign: (key: PrivateKey, message: Uint8Array) => Result.Result<Uint8Array, SignError>
}

/**
 * A signer backed by WebCrypto, whose operations are asynchronous.
 *
 * @since 0.1.0
 * @category models
 */
export interface AsyncSigner {
  readonly name: "native"
  readonly sign: (key: PrivateKey, message: Uint8Array) => Promise<Result.Result<Uint8Array, SignError>>
}

const notAKey = () => new SignError({ reason: "the key was not made by Key (parse, generate or fromScalar it first)" })

// ---------------------------------------------------------------------------------------------------------------
// noble
// ---------------------------------------------------------------------------------------------------------------

/**
 * Options of the noble signer.
 *
 * @since 0.1.0
 * @category models
 */
export interface NobleOptions {
  /**
   * Window of the base-point precompute table, in bits. noble's own default is 6; each extra bit roughly doubles
   * the table (10 → about 3 MB, built once in about half a second) and shortens every signature. Default 10.
   */
  readonly precomputeWindow?: number | undefined
}

/**
 * The noble signer with its table warm-up exposed.
 *
 * @since 0.1.0
 * @category models
 */
export interface NobleSigner extends SyncSigner {
  readonly name: "noble"
  /** Builds the precompute table now instead of on the first signature. Idempotent. */
  readonly warm: () => void
}

/**
 * The default precompute window of {@link makeNoble}.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_PRECOMPUTE_WINDOW = 10

/**
 * A noble signer. Instances with the same window share one curve instance and table; the table is separate from
 * the one of `@noble/curves`' exported `p256`, which is left untouched.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeNoble = (options?: NobleOptions): NobleSigner => {
  const window = options?.precomputeWindow ?? DEFAULT_PRECOMPUTE_WINDOW
  const { curve, warm } = signingCurve(window)
  return {
    name: "noble",
    warm,
    sign: (key, message) => {
      const secret = scalarOf(key)
      if (secret === undefined) return Result.fail(notAKey())
      try {
        // Plain RFC 6979 (no low-S normalisation), like the modem: about half the signatures are high-S, so
        // verifiers that would reject a real device's token reject ours too.
        return Result.succeed(curve.sign(message, secret, { prehash: true, lowS: false }))
      } catch (error) {
        return Result.fail(new SignError({ reason: `noble signing failed: ${errorName(error)}` }))
      }
    }
  }
}

/**
 * The default noble signer (window {@link DEFAULT_PRECOMPUTE_WINDOW}; the table is built on first use).
 *
 * @since 0.1.0
 * @category signers
 */
export const noble: NobleSigner = makeNoble()

// ---------------------------------------------------------------------------------------------------------------
// native
// ---------------------------------------------------------------------------------------------------------------

type NodeCryptoModule = typeof NodeCrypto

// `process.getBuiltinModule` (Node ≥ 22.3, Bun, Deno) loads node:crypto synchronously without a static import,
// so a browser bundle of this module does not pull in or fail on node:crypto.
const loadNodeCrypto = (): NodeCryptoModule | undefined => {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  if (typeof process?.getBuiltinModule !== "function") return undefined
  try {
    return process.getBuiltinModule("node:crypto") as NodeCryptoModule | undefined
  } catch {
    return undefined
  }
}

const errorName = (error: unknown): string => {
  if (typeof error === "object" && error !== null) {
    const code = (error as { code?: unknown }).code
    if (typeof code === "string") return code
    const name = (error as { name?: unknown }).name
    if (typeof name === "string") return name
  }
  return "unknown error"
}

// JWK is the one import format every native API accepts; built from the stored scalar, never logged.
const jwkOf = (key: PrivateKey, secret: Uint8Array) => ({
  kty: "EC",
  crv: "P-256",
  x: Base64Url.encode(key.publicKey.point.subarray(1, 33)),
  y: Base64Url.encode(key.publicKey.point.subarray(33, 65)),
  d: Base64Url.encode(secret)
})

const makeNodeSigner = (crypto: NodeCryptoModule): SyncSigner => {
  const keyObjects = new WeakMap<PrivateKey, NodeCrypto.KeyObject>()
  return {
    name: "native",
    sign: (key, message) => {
      try {
        let keyObject = keyObjects.get(key)
        if (keyObject === undefined) {
          const secret = scalarOf(key)
          if (secret === undefined) return Result.fail(notAKey())
          keyObject = crypto.createPrivateKey({ key: jwkOf(key, secret), format: "jwk" })
          keyObjects.set(key, keyObject)
        }
        // The KeyObject itself, not `{ key, dsaEncoding: "ieee-p1363" }`: Node tells an options object from a key
        // by catching two internal exceptions per call, which costs more than the signature (about 2.5× slower
        // on Node 24). The DER result is converted to r || s here instead.
        const der = crypto.sign("sha256", message, keyObject)
        return Result.mapError(
          signatureFromDer(der),
          () => new SignError({ reason: "node:crypto returned a malformed signature" })
        )
      } catch (error) {
        return Result.fail(new SignError({ reason: `node:crypto signing failed: ${errorName(error)}` }))
      }
    }
  }
}

const unavailable: SyncSigner = {
  name: "native",
  sign: () =>
    Result.fail(new SignError({ reason: "node:crypto is not available in this runtime; use layerNative (WebCrypto)" }))
}

/**
 * The native signer on `node:crypto` (Node, Bun, Deno). Where `node:crypto` is missing (a browser), every
 * signature fails with a `SignError`; use {@link webCrypto} or {@link layerNative} there.
 *
 * @since 0.1.0
 * @category signers
 */
export const native: SyncSigner = (() => {
  const crypto = loadNodeCrypto()
  return crypto === undefined ? unavailable : makeNodeSigner(crypto)
})()

/**
 * A native signer on WebCrypto (`crypto.subtle`), available in browsers and every server runtime.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWebCrypto = (): AsyncSigner => {
  const cryptoKeys = new WeakMap<PrivateKey, Promise<CryptoKey>>()
  const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" }
  return {
    name: "native",
    sign: async (key, message) => {
      const subtle = globalThis.crypto?.subtle
      if (subtle === undefined)
        return Result.fail(new SignError({ reason: "WebCrypto is not available in this runtime" }))
      try {
        let cryptoKey = cryptoKeys.get(key)
        if (cryptoKey === undefined) {
          const secret = scalarOf(key)
          if (secret === undefined) return Result.fail(notAKey())
          cryptoKey = subtle.importKey("jwk", jwkOf(key, secret), algorithm, false, ["sign"])
          cryptoKeys.set(key, cryptoKey)
        }
        const signature = await subtle.sign(algorithm, await cryptoKey, message as Uint8Array<ArrayBuffer>)
        return Result.succeed(new Uint8Array(signature))
      } catch (error) {
        cryptoKeys.delete(key)
        return Result.fail(new SignError({ reason: `WebCrypto signing failed: ${errorName(error)}` }))
      }
    }
  }
}

/**
 * The default WebCrypto signer.
 *
 * @since 0.1.0
 * @category signers
 */
export const webCrypto: AsyncSigner = makeWebCrypto()

// ---------------------------------------------------------------------------------------------------------------
// Layers
// ---------------------------------------------------------------------------------------------------------------

/**
 * The service of a synchronous signer.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromSync = (signer: SyncSigner): Signer["Service"] => ({
  name: signer.name,
  sign: (key, message) => Effect.suspend(() => Effect.fromResult(signer.sign(key, message))),
  signSync: signer.sign
})

/**
 * The service of an asynchronous (WebCrypto) signer.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromAsync = (signer: AsyncSigner): Signer["Service"] => ({
  name: signer.name,
  sign: (key, message) =>
    Effect.flatMap(
      Effect.promise(() => signer.sign(key, message)),
      Effect.fromResult
    )
})

/**
 * The noble signer with the given options; the precompute table is built when the layer is built.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNobleWith = (options?: NobleOptions): Layer.Layer<Signer> =>
  Layer.sync(Signer, () => {
    const signer = makeNoble(options)
    signer.warm()
    return fromSync(signer)
  })

/**
 * The noble signer, the default: pure JavaScript, deterministic (RFC 6979), table warmed at layer build.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNoble: Layer.Layer<Signer> = layerNobleWith()

/**
 * The native signer: `node:crypto` where present (Node, Bun, Deno), WebCrypto otherwise.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNative: Layer.Layer<Signer> = Layer.sync(Signer, () =>
  native === unavailable ? fromAsync(webCrypto) : fromSync(native)
)

/**
 * The WebCrypto signer, whatever else the runtime offers (mainly for tests of the browser path).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWebCrypto: Layer.Layer<Signer> = Layer.sync(Signer, () => fromAsync(makeWebCrypto()))
