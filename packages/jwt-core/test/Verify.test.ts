import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { TestClock } from "effect/testing"
import { Base64Url, Der, Jwt, Key, Signer, Verify } from "../src/index.ts"
import { err, hex, ok, seededBytes, utf8 } from "./helpers.ts"

const ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n

const key = Key.generatePrivateKey(seededBytes(2024))
const other = Key.generatePrivateKey(seededBytes(2025))

const signNoble = (claims: Jwt.Claims, k: Key.PrivateKey = key): string =>
  Effect.runSync(Jwt.sign(claims, k).pipe(Effect.provideService(Signer.Signer, Signer.fromSync(Signer.noble))))

/** A token with any header and payload JSON, signed by `key`. */
const craft = (header: object, payload: object): string => {
  const input = `${Base64Url.encodeString(JSON.stringify(header))}.${Base64Url.encodeString(JSON.stringify(payload))}`
  return `${input}.${Base64Url.encode(ok(Signer.noble.sign(key, utf8(input))))}`
}

const bigToBytes = (n: bigint) => hex(n.toString(16).padStart(64, "0"))
const bytesToBig = (b: Uint8Array) => BigInt(`0x${Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("")}`)

describe("verifySignature", () => {
  it("accepts both the low-S and the high-S form of a signature", () => {
    const message = utf8("high and low")
    const signature = ok(Signer.noble.sign(key, message))
    const s = bytesToBig(signature.subarray(32))
    const flipped = new Uint8Array(64)
    flipped.set(signature.subarray(0, 32))
    flipped.set(bigToBytes(ORDER - s), 32)
    assert.isTrue(Verify.verifySignature(message, signature, key.publicKey))
    assert.isTrue(Verify.verifySignature(message, flipped, key.publicKey))
  })

  it("rejects another key, another message, a flipped bit and the wrong length", () => {
    const message = utf8("m")
    const signature = ok(Signer.noble.sign(key, message))
    assert.isFalse(Verify.verifySignature(message, signature, other.publicKey))
    assert.isFalse(Verify.verifySignature(utf8("n"), signature, key.publicKey))
    const flipped = Uint8Array.from(signature)
    flipped[63] = flipped[63]! ^ 1
    assert.isFalse(Verify.verifySignature(message, flipped, key.publicKey))
    assert.isFalse(Verify.verifySignature(message, signature.subarray(0, 63), key.publicKey))
    assert.isFalse(Verify.verifySignature(message, new Uint8Array(64), key.publicKey))
  })
})

describe("Der", () => {
  it("round-trips raw and DER, including high-bit and leading-zero integers", () => {
    const cases = [
      ok(Signer.noble.sign(key, utf8("der"))),
      new Uint8Array(64).fill(0x80),
      Uint8Array.from({ length: 64 }, (_, i) => (i === 0 || i === 32 ? 0 : i))
    ]
    for (const raw of cases) {
      const der = Der.signatureToDer(raw)
      assert.strictEqual(der[0], 0x30)
      assert.strictEqual(der[1], der.length - 2)
      assert.deepStrictEqual(ok(Der.signatureFromDer(der)), raw)
    }
    assert.deepStrictEqual(
      Array.from(Der.signatureToDer(new Uint8Array(64).fill(0x80)).subarray(0, 5)),
      [0x30, 70, 0x02, 33, 0x00]
    )
  })

  it("rejects what is not a DER signature", () => {
    assert.strictEqual(err(Der.signatureFromDer(Uint8Array.of(0x30, 0x00)))._tag, "MalformedSignature")
    assert.strictEqual(err(Der.signatureFromDer(new Uint8Array(64)))._tag, "MalformedSignature")
    const int = (bytes: ReadonlyArray<number>) => [0x02, bytes.length, ...bytes]
    const seq = (...parts: ReadonlyArray<ReadonlyArray<number>>) => {
      const body = parts.flat()
      return Uint8Array.of(0x30, body.length, ...body)
    }
    const be32 = (n: bigint) => Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * (31 - i))) & 0xffn))
    const one = int([1])
    assert.deepStrictEqual(
      ok(Der.signatureFromDer(seq(one, one))),
      Uint8Array.from({ length: 64 }, (_, i) => (i % 32 === 31 ? 1 : 0))
    )
    const rejected = {
      "r = 0": seq(int([0]), one),
      "s = n": seq(one, int([0, ...be32(ORDER)])),
      "s = n + 1": seq(one, int([0, ...be32(ORDER + 1n)])),
      "negative r": seq(int([0x80]), one),
      "non-minimal leading zero": seq(int([0, 1]), one),
      "empty integer": seq(int([]), one),
      "33-byte value": seq(int([1, ...new Array(32).fill(0)]), one),
      "trailing byte": Uint8Array.of(...seq(one, one), 0),
      "wrong sequence length": Uint8Array.of(0x30, 7, ...int([1]), ...int([1])),
      "long-form sequence length": Uint8Array.of(0x30, 0x81, 6, ...int([1]), ...int([1])),
      "one integer only": seq(one, [0x05, 0x00]),
      "integer running past the end": Uint8Array.of(0x30, 6, 0x02, 1, 1, 0x02, 9, 1)
    }
    for (const [name, der] of Object.entries(rejected))
      assert.strictEqual(Result.isFailure(Der.signatureFromDer(der)), true, name)
    // n - 1 is the largest valid value
    assert.isTrue(Result.isSuccess(Der.signatureFromDer(seq(one, int([0, ...be32(ORDER - 1n)])))))
  })
})

describe("verify", () => {
  const claims: Jwt.Claims = {
    iss: "nRF9160.d",
    jti: "nRF9160.f.00",
    iat: 1000,
    exp: 1300,
    sub: "dev",
    aud: "urn:server"
  }
  const token = signNoble(claims)

  it("returns the header and claims", () => {
    const verified = ok(Verify.verify(token, key.publicKey))
    assert.deepStrictEqual(verified.claims, { ...claims })
    assert.deepStrictEqual(verified.header, { typ: "JWT", alg: "ES256", kid: Key.kid(key.publicKey) })
  })

  it("takes the key as PublicKey, SPKI PEM, SPKI DER, JWK JSON or a raw point", () => {
    for (const form of [
      key.publicKey,
      Key.spkiPem(key.publicKey),
      Key.spkiDer(key.publicKey),
      JSON.stringify(Key.publicJwk(key.publicKey)),
      key.publicKey.point
    ]) {
      ok(Verify.verify(token, form))
    }
    assert.strictEqual(err(Verify.verify(token, "not a key"))._tag, "NotPem")
  })

  it("BadSignature for another key and for tampered header, payload or signature", () => {
    assert.strictEqual(err(Verify.verify(token, other.publicKey))._tag, "BadSignature")
    const [h, p, s] = token.split(".") as [string, string, string]
    const tamperedPayload = Base64Url.encode(
      utf8(new TextDecoder().decode(ok(Base64Url.decode(p))).replace("dev", "deW"))
    )
    const tamperedHeader = Base64Url.encode(
      utf8(new TextDecoder().decode(ok(Base64Url.decode(h))).replace('"JWT"', '"JWS"'))
    )
    const signature = ok(Base64Url.decode(s))
    signature[5] = signature[5]! ^ 0x40
    for (const bad of [
      `${tamperedHeader}.${p}.${s}`,
      `${h}.${tamperedPayload}.${s}`,
      `${h}.${p}.${Base64Url.encode(signature)}`
    ]) {
      assert.strictEqual(err(Verify.verify(bad, key.publicKey))._tag, "BadSignature")
    }
    const short = Base64Url.encode(ok(Base64Url.decode(s)).subarray(0, 32))
    assert.match(err(Verify.verify(`${h}.${p}.${short}`, key.publicKey)).reason, /64 bytes, got 32/)
  })

  it("UnsupportedAlgorithm for alg none, HS256, a missing alg and crit headers", () => {
    for (const header of [{ alg: "none" }, { alg: "HS256" }, { typ: "JWT" }, { alg: "ES256", crit: ["exp"] }]) {
      assert.strictEqual(err(Verify.verify(craft(header, { iss: "i" }), key.publicKey))._tag, "UnsupportedAlgorithm")
    }
    ok(Verify.verify(craft({ alg: "ES256" }, { iss: "i" }), key.publicKey))
  })

  it("MalformedToken for garbage", () => {
    assert.strictEqual(err(Verify.verify("x.y", key.publicKey))._tag, "MalformedToken")
    assert.strictEqual(err(Verify.verify("", key.publicKey))._tag, "MalformedToken")
  })

  it("expiry: rejected at and after exp, accepted before, with clock tolerance", () => {
    ok(Verify.verify(token, key.publicKey, { now: 1299 }))
    assert.strictEqual(err(Verify.verify(token, key.publicKey, { now: 1300 }))._tag, "Expired")
    assert.strictEqual(err(Verify.verify(token, key.publicKey, { now: 5000 }))._tag, "Expired")
    ok(Verify.verify(token, key.publicKey, { now: 1359, clockTolerance: 60 }))
    assert.strictEqual(err(Verify.verify(token, key.publicKey, { now: 1360, clockTolerance: 60 }))._tag, "Expired")
  })

  it("NotYetValid when iat or nbf is in the future beyond the tolerance", () => {
    ok(Verify.verify(token, key.publicKey, { now: 1000 }))
    assert.strictEqual(err(Verify.verify(token, key.publicKey, { now: 999 }))._tag, "NotYetValid")
    ok(Verify.verify(token, key.publicKey, { now: 990, clockTolerance: 10 }))
    const nbf = craft({ alg: "ES256" }, { iss: "i", nbf: 500 })
    assert.strictEqual(err(Verify.verify(nbf, key.publicKey, { now: 499 }))._tag, "NotYetValid")
    ok(Verify.verify(nbf, key.publicKey, { now: 500 }))
  })

  it("no time checks without now; a modem token without iat/exp passes any time", () => {
    ok(Verify.verify(token, key.publicKey))
    const timeless = signNoble({ iss: "i", jti: "j" })
    ok(Verify.verify(timeless, key.publicKey, { now: 4_000_000_000 }))
  })

  it("audience and subject checks", () => {
    ok(Verify.verify(token, key.publicKey, { audience: "urn:server", subject: "dev" }))
    assert.strictEqual(err(Verify.verify(token, key.publicKey, { audience: "urn:other" }))._tag, "AudienceMismatch")
    assert.strictEqual(err(Verify.verify(token, key.publicKey, { subject: "other" }))._tag, "SubjectMismatch")
    const bare = signNoble({ iss: "i", jti: "j" })
    assert.strictEqual(err(Verify.verify(bare, key.publicKey, { audience: "a" })).reason, "the token has no audience")
    assert.strictEqual(err(Verify.verify(bare, key.publicKey, { subject: "s" })).reason, "the token has no subject")
    const list = craft({ alg: "ES256" }, { aud: ["a", "b"] })
    ok(Verify.verify(list, key.publicKey, { audience: "b" }))
    assert.strictEqual(err(Verify.verify(list, key.publicKey, { audience: "c" }))._tag, "AudienceMismatch")
  })

  it("InvalidClaim for registered claims of the wrong type", () => {
    assert.strictEqual(err(Verify.verify(craft({ alg: "ES256" }, { exp: "soon" }), key.publicKey))._tag, "InvalidClaim")
    assert.strictEqual(
      err(Verify.verify(craft({ alg: "ES256" }, { aud: 5 }), key.publicKey, { audience: "5" }))._tag,
      "InvalidClaim"
    )
    assert.strictEqual(
      err(Verify.verify(craft({ alg: "ES256" }, { sub: 5 }), key.publicKey, { subject: "5" }))._tag,
      "InvalidClaim"
    )
  })

  it.effect("verifyNow reads the time from Clock (TestClock)", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(1_299_000)
      const fresh = yield* Verify.verifyNow(token, key.publicKey)
      assert.strictEqual(fresh.claims.exp, 1300)
      yield* TestClock.setTime(1_300_000)
      const expired = yield* Effect.flip(Verify.verifyNow(token, key.publicKey))
      assert.strictEqual(expired._tag, "Expired")
      const tolerated = yield* Effect.result(Verify.verifyNow(token, key.publicKey, { clockTolerance: 5 }))
      assert.isTrue(Result.isSuccess(tolerated))
    })
  )
})
