/**
 * Property tests: for random claims and random keys, each signer's tokens verify with the other signer's
 * verifier (noble-signed with node:crypto/WebCrypto and jose; native-signed with our noble-based verifier), and
 * decode back to the claims.
 */
import * as NodeCrypto from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import * as fc from "fast-check"
import * as jose from "jose"
import { Base64Url, Jwt, Key, Signer, Verify } from "../src/index.ts"
import { ok, utf8 } from "./helpers.ts"

const keyArbitrary = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes) => Key.fromScalar(bytes))
  .filter(Result.isSuccess)
  .map((result) => result.success)

const text = fc.oneof(fc.string(), fc.string({ unit: "binary", maxLength: 40 }), fc.string({ unit: "grapheme" }))

const claimsArbitrary: fc.Arbitrary<Jwt.Claims> = fc
  .record(
    {
      iss: text,
      jti: text,
      iat: fc.integer({ min: 0, max: 2 ** 31 }),
      lifetime: fc.integer({ min: 1, max: 10 ** 6 }),
      sub: text,
      aud: text
    },
    { requiredKeys: ["iss", "jti"] }
  )
  .map(({ lifetime, ...claims }) =>
    claims.iat === undefined || lifetime === undefined ? claims : { ...claims, exp: claims.iat + lifetime }
  )

const nobleService = Signer.fromSync(Signer.noble)
const nativeService = Signer.fromSync(Signer.native)

const signSync = (service: Signer.Signer["Service"], claims: Jwt.Claims, key: Key.PrivateKey) =>
  Effect.runSync(Jwt.sign(claims, key).pipe(Effect.provideService(Signer.Signer, service)))

const nodeVerifies = (token: string, key: Key.PrivateKey): boolean => {
  const [h, p, s] = token.split(".") as [string, string, string]
  return NodeCrypto.verify(
    "sha256",
    utf8(`${h}.${p}`),
    { key: Key.spkiPem(key.publicKey), dsaEncoding: "ieee-p1363" },
    ok(Base64Url.decode(s))
  )
}

const webCryptoVerifies = async (token: string, key: Key.PrivateKey): Promise<boolean> => {
  const [h, p, s] = token.split(".") as [string, string, string]
  const cryptoKey = await crypto.subtle.importKey(
    "jwk",
    Key.publicJwk(key.publicKey),
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["verify"]
  )
  return crypto.subtle.verify(
    { name: "ECDSA", hash: "SHA-256" },
    cryptoKey,
    ok(Base64Url.decode(s)) as Uint8Array<ArrayBuffer>,
    utf8(`${h}.${p}`)
  )
}

const expectedClaims = (claims: Jwt.Claims) => JSON.parse(JSON.stringify(claims))

describe("properties", () => {
  it("noble tokens verify with node:crypto and ours, and decode to the claims", () => {
    fc.assert(
      fc.property(claimsArbitrary, keyArbitrary, (claims, key) => {
        const token = signSync(nobleService, claims, key)
        assert.isTrue(nodeVerifies(token, key))
        const verified = ok(Verify.verify(token, key.publicKey, { now: claims.iat }))
        assert.deepStrictEqual(verified.claims, expectedClaims(claims))
        assert.strictEqual(token.split(".")[2]!.length, 86)
      }),
      { numRuns: 60 }
    )
  })

  it("native tokens verify with our noble-based verifier and decode to the claims", () => {
    fc.assert(
      fc.property(claimsArbitrary, keyArbitrary, (claims, key) => {
        const token = signSync(nativeService, claims, key)
        const verified = ok(Verify.verify(token, key.publicKey))
        assert.deepStrictEqual(verified.claims, expectedClaims(claims))
        assert.deepStrictEqual(verified.header, { typ: "JWT", alg: "ES256", kid: Key.kid(key.publicKey) })
      }),
      { numRuns: 60 }
    )
  })

  it("noble tokens verify with WebCrypto and jose; WebCrypto tokens verify with ours", async () => {
    await fc.assert(
      fc.asyncProperty(claimsArbitrary, keyArbitrary, async (claims, key) => {
        const token = signSync(nobleService, claims, key)
        assert.isTrue(await webCryptoVerifies(token, key))
        const joseKey = await jose.importJWK({ ...Key.publicJwk(key.publicKey), alg: "ES256" }, "ES256")
        const options = claims.iat === undefined ? {} : { currentDate: new Date(claims.iat * 1000) }
        const { payload } = await jose.jwtVerify(token, joseKey, options)
        assert.deepStrictEqual(payload, expectedClaims(claims))
        const webToken = await Effect.runPromise(Jwt.sign(claims, key).pipe(Effect.provide(Signer.layerWebCrypto)))
        ok(Verify.verify(webToken, key.publicKey))
      }),
      { numRuns: 30 }
    )
  })

  it("a token never verifies with a different random key", () => {
    fc.assert(
      fc.property(claimsArbitrary, keyArbitrary, keyArbitrary, (claims, key, other) => {
        fc.pre(!Key.equals(key.publicKey, other.publicKey))
        const token = signSync(nobleService, claims, key)
        assert.strictEqual(Result.isFailure(Verify.verify(token, other.publicKey)), true)
      }),
      { numRuns: 30 }
    )
  })
})

describe("Base64Url properties", () => {
  it("encode/decode round-trips, with no padding and only URL-safe characters", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const encoded = Base64Url.encode(bytes)
        assert.match(encoded, /^[A-Za-z0-9_-]*$/)
        assert.deepStrictEqual(ok(Base64Url.decode(encoded)), bytes)
        assert.deepStrictEqual(ok(Base64Url.decodeBase64(Base64Url.encodeBase64(bytes))), bytes)
        assert.strictEqual(Base64Url.encodeBase64(bytes), btoa(String.fromCharCode(...bytes)))
        assert.strictEqual(encoded, Base64Url.encodePortable(bytes))
        assert.strictEqual(
          encoded,
          Base64Url.encodeBase64(bytes).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "")
        )
      })
    )
  })

  it("encode reads only the view it is given, also beyond its reused buffer's size", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.nat(8), fc.nat(8), (bytes, start, cut) => {
        const view = bytes.subarray(Math.min(start, bytes.length), Math.max(bytes.length - cut, 0))
        assert.strictEqual(Base64Url.encode(view), Base64Url.encodePortable(view))
      }),
      { numRuns: 200 }
    )
  })

  it("decode accepts exactly the canonical encodings", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."AQgw_-+/=. "), maxLength: 12 }), (text) => {
        const decoded = Base64Url.decode(text)
        if (Result.isSuccess(decoded)) assert.strictEqual(Base64Url.encode(decoded.success), text)
      })
    )
    assert.isTrue(Result.isFailure(Base64Url.decode("AB")))
    assert.isTrue(Result.isFailure(Base64Url.decode("A")))
    assert.isTrue(Result.isFailure(Base64Url.decode("AA==")))
    assert.isTrue(Result.isSuccess(Base64Url.decode("AA")))
  })
})
