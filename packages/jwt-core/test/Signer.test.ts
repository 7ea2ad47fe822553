import * as NodeCrypto from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, type Layer, Result } from "effect"
import { Jwt, Key, Signer, Verify } from "../src/index.ts"
import { err, hex, ok, seededBytes, toHex, utf8 } from "./helpers.ts"

// RFC 6979 A.2.5, P-256 with SHA-256.
const RFC_KEY = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"
const RFC_VECTORS = [
  {
    message: "sample",
    r: "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
    s: "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"
  },
  {
    message: "test",
    r: "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367",
    s: "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083"
  }
]

const rfcKey = () => ok(Key.fromScalar(hex(RFC_KEY)))

const publicPem = (key: Key.PrivateKey) => Key.spkiPem(key.publicKey)

const nodeVerifies = (message: Uint8Array, signature: Uint8Array, key: Key.PrivateKey) =>
  NodeCrypto.verify("sha256", message, { key: publicPem(key), dsaEncoding: "ieee-p1363" }, signature)

describe("noble", () => {
  it("reproduces the RFC 6979 test vectors exactly (deterministic, no low-S normalisation)", () => {
    for (const vector of RFC_VECTORS) {
      const signature = ok(Signer.noble.sign(rfcKey(), utf8(vector.message)))
      assert.strictEqual(toHex(signature), vector.r + vector.s)
    }
  })

  it("every window size gives the same signatures", () => {
    const message = utf8("window")
    const expected = toHex(ok(Signer.noble.sign(rfcKey(), message)))
    for (const precomputeWindow of [4, 6, 8]) {
      const signer = Signer.makeNoble({ precomputeWindow })
      signer.warm()
      assert.strictEqual(toHex(ok(signer.sign(rfcKey(), message))), expected)
    }
  })

  it("signatures verify with node:crypto", () => {
    for (let seed = 1; seed <= 10; seed++) {
      const key = Key.generatePrivateKey(seededBytes(seed))
      const message = utf8(`message ${seed}`)
      assert.isTrue(nodeVerifies(message, ok(Signer.noble.sign(key, message)), key))
    }
  })

  it("a look-alike key object (not made by Key) fails with SignError, without key material", () => {
    const real = rfcKey()
    const fake = { _tag: "PrivateKey", publicKey: real.publicKey } as Key.PrivateKey
    const failure = err(Signer.noble.sign(fake, utf8("x")))
    assert.strictEqual(failure._tag, "SignError")
    assert.notInclude(failure.message, RFC_KEY)
  })
})

describe("native (node:crypto)", () => {
  it("is available in this runtime", () => {
    assert.strictEqual(Signer.native.name, "native")
    assert.isTrue(Result.isSuccess(Signer.native.sign(rfcKey(), utf8("probe"))))
  })

  it("signatures are 64 bytes and verify with ours and with node:crypto", () => {
    for (let seed = 1; seed <= 10; seed++) {
      const key = Key.generatePrivateKey(seededBytes(seed))
      const message = utf8(`message ${seed}`)
      const signature = ok(Signer.native.sign(key, message))
      assert.strictEqual(signature.length, 64)
      assert.isTrue(Verify.verifySignature(message, signature, key.publicKey))
      assert.isTrue(nodeVerifies(message, signature, key))
    }
  })

  it("a look-alike key object fails with SignError", () => {
    const fake = { _tag: "PrivateKey", publicKey: rfcKey().publicKey } as Key.PrivateKey
    assert.strictEqual(err(Signer.native.sign(fake, utf8("x")))._tag, "SignError")
  })

  it("gives r || s whatever the length of r and s in node:crypto's DER (short values are left-padded)", () => {
    // about 1 signature in 128 has an r or s below 2^248; 2000 signatures meet several
    const key = Key.generatePrivateKey(seededBytes(77))
    let short = 0
    for (let i = 0; i < 2000; i++) {
      const message = utf8(`short ${i}`)
      const signature = ok(Signer.native.sign(key, message))
      if (signature[0] === 0 || signature[32] === 0) short++
      assert.isTrue(nodeVerifies(message, signature, key), `signature ${i}`)
    }
    assert.isAbove(short, 0)
  })
})

describe("signNow", () => {
  const claims = { iss: "i", jti: "j" }

  it("with a synchronous signer: the token at once, as a completed Exit equal to Jwt.sign's", () => {
    const service = Signer.fromSync(Signer.noble)
    assert.isDefined(service.signSync)
    const now = Jwt.signNow(claims, rfcKey(), service)
    assert.isTrue(Exit.isExit(now) && Exit.isSuccess(now))
    const viaSign = Effect.runSync(Jwt.sign(claims, rfcKey()).pipe(Effect.provideService(Signer.Signer, service)))
    assert.strictEqual(Effect.runSync(now), viaSign)
    const failed = Jwt.signNow(claims, { _tag: "PrivateKey", publicKey: rfcKey().publicKey } as Key.PrivateKey, service)
    assert.isTrue(Exit.isExit(failed) && Exit.isFailure(failed))
  })

  it("signs exactly the signing input, whether the claims fit its reused buffer or not", () => {
    const signed: Array<Uint8Array> = []
    const recording = Signer.fromSync({
      name: "noble",
      sign: (key, message) => {
        signed.push(message.slice())
        return Signer.noble.sign(key, message)
      }
    })
    for (const subject of ["s", "é€😀", "x".repeat(5000)]) {
      const subjectClaims = { ...claims, sub: subject }
      const token = Effect.runSync(Jwt.signNow(subjectClaims, rfcKey(), recording))
      const input = Jwt.signingInput(Jwt.headerBytes(Key.kid(rfcKey().publicKey)), Jwt.payloadBytes(subjectClaims))
      assert.strictEqual(token.slice(0, token.lastIndexOf(".")), input)
      assert.deepStrictEqual(signed.pop(), utf8(input))
      ok(Verify.verify(token, rfcKey().publicKey))
    }
  })

  it.effect("with an asynchronous signer: signs when the effect runs", () =>
    Effect.gen(function* () {
      const service = Signer.fromAsync(Signer.webCrypto)
      assert.isUndefined(service.signSync)
      const later = Jwt.signNow(claims, rfcKey(), service)
      assert.isFalse(Exit.isExit(later))
      ok(Verify.verify(yield* later, rfcKey().publicKey))
    })
  )
})

describe("WebCrypto", () => {
  it("signatures verify with ours and with node:crypto", async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const key = Key.generatePrivateKey(seededBytes(seed))
      const message = utf8(`message ${seed}`)
      const signature = ok(await Signer.webCrypto.sign(key, message))
      assert.strictEqual(signature.length, 64)
      assert.isTrue(Verify.verifySignature(message, signature, key.publicKey))
      assert.isTrue(nodeVerifies(message, signature, key))
    }
  })
})

describe("layers", () => {
  const signWith = (layer: Layer.Layer<Signer.Signer>) =>
    Effect.gen(function* () {
      const signer = yield* Signer.Signer
      const key = rfcKey()
      const token = yield* Jwt.sign({ iss: "i", jti: "j" }, key)
      return { name: signer.name, token, key }
    }).pipe(Effect.provide(layer))

  it.effect("layerNoble: deterministic tokens that verify", () =>
    Effect.gen(function* () {
      const a = yield* signWith(Signer.layerNoble)
      const b = yield* signWith(Signer.layerNoble)
      assert.strictEqual(a.name, "noble")
      assert.strictEqual(a.token, b.token)
      ok(Verify.verify(a.token, a.key.publicKey))
      const narrow = yield* signWith(Signer.layerNobleWith({ precomputeWindow: 4 }))
      assert.strictEqual(narrow.token, a.token)
    })
  )

  // Randomised on Node and Bun; Deno's node:crypto signs deterministically, so no test on (non-)determinism here.
  it.effect("layerNative: node:crypto here, tokens that verify", () =>
    Effect.gen(function* () {
      const a = yield* signWith(Signer.layerNative)
      const b = yield* signWith(Signer.layerNative)
      assert.strictEqual(a.name, "native")
      ok(Verify.verify(a.token, a.key.publicKey))
      ok(Verify.verify(b.token, a.key.publicKey))
    })
  )

  it.effect("layerWebCrypto: tokens that verify", () =>
    Effect.gen(function* () {
      const a = yield* signWith(Signer.layerWebCrypto)
      assert.strictEqual(a.name, "native")
      ok(Verify.verify(a.token, a.key.publicKey))
    })
  )

  it.effect("a SignError reaches the caller as a typed failure", () =>
    Effect.gen(function* () {
      const fake = { _tag: "PrivateKey", publicKey: rfcKey().publicKey } as Key.PrivateKey
      for (const layer of [Signer.layerNoble, Signer.layerNative, Signer.layerWebCrypto]) {
        const failure = yield* Effect.flip(Jwt.sign({ iss: "i", jti: "j" }, fake).pipe(Effect.provide(layer)))
        assert.strictEqual(failure._tag, "SignError")
      }
    })
  )

  it.effect("a custom Signer service can be provided", () =>
    Effect.gen(function* () {
      const calls: Array<string> = []
      const recording = Signer.Signer.of({
        name: "noble",
        sign: (key, message) => {
          calls.push(new TextDecoder().decode(message))
          return Signer.fromSync(Signer.noble).sign(key, message)
        }
      })
      const token = yield* Jwt.sign({ iss: "i", jti: "j" }, rfcKey()).pipe(
        Effect.provideService(Signer.Signer, recording)
      )
      assert.deepStrictEqual(calls, [token.split(".").slice(0, 2).join(".")])
    })
  )
})
