import { inspect } from "node:util"
import { assert, describe, it } from "@effect/vitest"
import { sha256 } from "@noble/hashes/sha2.js"
import { Formatter, Result } from "effect"
import * as fc from "fast-check"
import { Base64Url, Key } from "../src/index.ts"
import { err, hex, ok, seededBytes, toHex, utf8 } from "./helpers.ts"

// RFC 6979 A.2.5: the P-256 key used by the RFC's test vectors.
const SCALAR = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"
const POINT =
  "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299"
const ORDER = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"

const rfcKey = () => ok(Key.fromScalar(hex(SCALAR)))

describe("fromScalar", () => {
  it("derives the public point", () => {
    assert.strictEqual(toHex(rfcKey().publicKey.point), POINT)
  })

  it("rejects zero, the order, and wrong lengths", () => {
    assert.strictEqual(err(Key.fromScalar(new Uint8Array(32)))._tag, "InvalidKey")
    assert.strictEqual(err(Key.fromScalar(hex(ORDER)))._tag, "InvalidKey")
    assert.strictEqual(err(Key.fromScalar(new Uint8Array(31).fill(1))).reason, "a P-256 scalar is 32 bytes, got 31")
  })

  it("copies the input, so later changes to it do not change the key", () => {
    const bytes = hex(SCALAR)
    const key = ok(Key.fromScalar(bytes))
    bytes.fill(7)
    assert.strictEqual(toHex(Key.scalar(key)), SCALAR)
  })
})

describe("generatePrivateKey", () => {
  it("uses the injected randomness: the same seed gives the same key", () => {
    const a = Key.generatePrivateKey(seededBytes(42))
    const b = Key.generatePrivateKey(seededBytes(42))
    const c = Key.generatePrivateKey(seededBytes(43))
    assert.isTrue(Key.equals(a.publicKey, b.publicKey))
    assert.isFalse(Key.equals(a.publicKey, c.publicKey))
  })

  it("retries until the bytes are a valid scalar", () => {
    const draws = [new Uint8Array(32), hex(ORDER), hex(SCALAR)]
    let calls = 0
    const key = Key.generatePrivateKey(() => draws[calls++]!)
    assert.strictEqual(calls, 3)
    assert.strictEqual(toHex(Key.scalar(key)), SCALAR)
  })

  it("still returns a valid key from a source that only gives zeros", () => {
    const key = Key.generatePrivateKey((n) => new Uint8Array(n))
    assert.isTrue(Result.isSuccess(Key.fromScalar(Key.scalar(key))))
  })
})

describe("secrecy", () => {
  const key = rfcKey()
  const forms = () => [
    inspect(key, { showHidden: true, depth: 10 }),
    JSON.stringify(key),
    String(key),
    `${key}`,
    Formatter.format(key),
    JSON.stringify({ nested: [key] }),
    inspect({ nested: key })
  ]
  const secrets = [SCALAR, SCALAR.toUpperCase(), Base64Url.encode(hex(SCALAR)), Array.from(hex(SCALAR)).join(",")]

  it("console.log, JSON.stringify, String and Effect's formatter never show the scalar", () => {
    for (const form of forms()) {
      for (const secret of secrets) assert.notInclude(form, secret)
      assert.include(form, "PrivateKey")
    }
    assert.include(JSON.stringify(key), "<redacted>")
  })

  it("the scalar is not an own property of any name", () => {
    const values = Reflect.ownKeys(key).map((k) => (key as unknown as Record<PropertyKey, unknown>)[k])
    assert.deepStrictEqual(Reflect.ownKeys(key).sort(), ["_tag", "publicKey"])
    for (const value of values) assert.notInstanceOf(value, Uint8Array)
  })

  it("keys are frozen", () => {
    assert.isTrue(Object.isFrozen(key))
    assert.isTrue(Object.isFrozen(key.publicKey))
  })

  it("scalar returns a copy", () => {
    Key.scalar(key).fill(0)
    assert.strictEqual(toHex(Key.scalar(key)), SCALAR)
  })

  it("isPrivateKey only accepts keys made by this module", () => {
    assert.isTrue(Key.isPrivateKey(key))
    assert.isFalse(Key.isPrivateKey({ _tag: "PrivateKey", publicKey: key.publicKey }))
    assert.isTrue(Key.isPublicKey(key.publicKey))
  })

  it("a failing parse of a real key never puts key bytes in the error", () => {
    const pem = Key.pkcs8Pem(key)
    const lines = pem.split("\n")
    const corrupted = [...lines.slice(0, 2), ...lines.slice(3)].join("\n")
    const failure = err(Key.parsePrivateKey(corrupted))
    const all = `${failure.message} ${JSON.stringify(failure)} ${inspect(failure)}`
    for (const secret of secrets) assert.notInclude(all, secret)
    const body = pem.split("\n").slice(1, -2).join("")
    assert.notInclude(all, body.slice(20, 40))
  })
})

describe("export", () => {
  const key = rfcKey()

  it("SPKI DER is 91 bytes: the fixed P-256 prefix and the point", () => {
    const der = Key.spkiDer(key.publicKey)
    assert.strictEqual(der.length, 91)
    assert.strictEqual(toHex(der.subarray(0, 26)), "3059301306072a8648ce3d020106082a8648ce3d030107034200")
    assert.strictEqual(toHex(der.subarray(26)), POINT)
  })

  it("kid is the lowercase hex SHA-256 of the SPKI DER", () => {
    assert.strictEqual(Key.kid(key.publicKey), toHex(sha256(Key.spkiDer(key.publicKey))))
    assert.match(Key.kid(key.publicKey), /^[0-9a-f]{64}$/)
  })

  it("PEM: 64-character lines, LF line ends, final newline", () => {
    for (const [pem, label] of [
      [Key.spkiPem(key.publicKey), "PUBLIC KEY"],
      [Key.pkcs8Pem(key), "PRIVATE KEY"],
      [Key.sec1Pem(key), "EC PRIVATE KEY"]
    ] as const) {
      const lines = pem.split("\n")
      assert.strictEqual(lines[0], `-----BEGIN ${label}-----`)
      assert.strictEqual(lines.at(-2), `-----END ${label}-----`)
      assert.strictEqual(lines.at(-1), "")
      assert.notInclude(pem, "\r")
      for (const line of lines.slice(1, -2)) assert.isAtMost(line.length, 64)
      assert.strictEqual(lines[1]!.length, 64)
    }
  })

  it("JWK has x and y as 32-byte base64url", () => {
    const jwk = Key.publicJwk(key.publicKey)
    assert.deepStrictEqual(Object.keys(jwk), ["kty", "crv", "x", "y"])
    assert.strictEqual(toHex(ok(Base64Url.decode(jwk.x))), POINT.slice(2, 66))
    assert.strictEqual(toHex(ok(Base64Url.decode(Key.privateJwk(key).d))), SCALAR)
  })

  it("round-trips through every private and public form", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
        const key = Key.generatePrivateKey(seededBytes(seed))
        const forms: ReadonlyArray<string | Uint8Array> = [
          Key.pkcs8Pem(key),
          Key.pkcs8Der(key),
          Key.sec1Pem(key),
          Key.sec1Der(key),
          Key.scalar(key),
          JSON.stringify(Key.privateJwk(key))
        ]
        for (const form of forms) assert.isTrue(Key.equals(ok(Key.parsePrivateKey(form)).publicKey, key.publicKey))
        assert.isTrue(Key.equals(ok(Key.parsePrivateJwk(Key.privateJwk(key))).publicKey, key.publicKey))
        const publics: ReadonlyArray<string | Uint8Array> = [
          Key.spkiPem(key.publicKey),
          Key.spkiDer(key.publicKey),
          key.publicKey.point,
          JSON.stringify(Key.publicJwk(key.publicKey))
        ]
        for (const form of publics) assert.isTrue(Key.equals(ok(Key.parsePublicKey(form)), key.publicKey))
      }),
      { numRuns: 25 }
    )
  })
})

describe("parsePrivateKey", () => {
  const key = rfcKey()

  it("accepts CRLF line ends and surrounding whitespace and text", () => {
    const pem = `\r\n  Bag Attributes\r\n${Key.pkcs8Pem(key).replaceAll("\n", "\r\n")}\r\n\r\n  `
    assert.isTrue(Key.equals(ok(Key.parsePrivateKey(pem)).publicKey, key.publicKey))
  })

  it("accepts PEM text given as bytes, and a JWK given as bytes", () => {
    assert.isTrue(Key.equals(ok(Key.parsePrivateKey(utf8(Key.sec1Pem(key)))).publicKey, key.publicKey))
    assert.isTrue(
      Key.equals(ok(Key.parsePrivateKey(utf8(JSON.stringify(Key.privateJwk(key))))).publicKey, key.publicKey)
    )
  })

  it("skips an EC PARAMETERS block before the key", () => {
    const pem = `-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n${Key.sec1Pem(key)}`
    assert.isTrue(Key.equals(ok(Key.parsePrivateKey(pem)).publicKey, key.publicKey))
  })

  it("NotPem for text without a PEM block", () => {
    assert.strictEqual(err(Key.parsePrivateKey("hello"))._tag, "NotPem")
    assert.strictEqual(err(Key.parsePrivateKey(""))._tag, "NotPem")
    assert.strictEqual(
      err(Key.parsePrivateKey("-----BEGIN PRIVATE KEY-----\nMIGH\n")).reason,
      "the PEM block has no matching END line"
    )
  })

  it("UnsupportedKeyType for a public key, a certificate label or an RSA PEM", () => {
    assert.match(err(Key.parsePrivateKey(Key.spkiPem(key.publicKey))).reason, /public key/)
    assert.match(err(Key.parsePrivateKey(Key.spkiDer(key.publicKey))).reason, /public key/)
    const rsa = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"
    const failure = err(Key.parsePrivateKey(rsa))
    assert.strictEqual(failure._tag, "UnsupportedKeyType")
    assert.match(failure.reason, /RSA/)
  })

  it("MalformedDer for truncated DER, bad base64 and unknown bytes", () => {
    const der = Key.pkcs8Der(key)
    for (let cut = 1; cut < der.length; cut += 7) {
      const failure = err(Key.parsePrivateKey(der.subarray(0, cut)))
      assert.include(["MalformedDer", "InvalidKey"], failure._tag)
    }
    assert.strictEqual(err(Key.parsePrivateKey(der.subarray(0, 60)))._tag, "MalformedDer")
    const badBase64 = Key.pkcs8Pem(key).replace(/\n[A-Za-z0-9+/]{4}/, "\n!!!!")
    assert.strictEqual(err(Key.parsePrivateKey(badBase64))._tag, "MalformedDer")
    assert.strictEqual(err(Key.parsePrivateKey(Uint8Array.of(1, 2, 3)))._tag, "MalformedDer")
  })

  it("InvalidKey when the embedded public key does not match the scalar", () => {
    const other = Key.generatePrivateKey(seededBytes(7))
    const der = Key.sec1Der(key)
    const swapped = new Uint8Array(der)
    swapped.set(other.publicKey.point, der.length - 65)
    assert.strictEqual(
      err(Key.parsePrivateKey(swapped)).reason,
      "the embedded public key does not match the private scalar"
    )
  })

  it("legacy Proc-Type encryption is UnsupportedEncryption", () => {
    const pem =
      "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END EC PRIVATE KEY-----\n"
    assert.strictEqual(err(Key.parsePrivateKey(pem, { password: "x" }))._tag, "UnsupportedEncryption")
  })
})

describe("JWK", () => {
  const key = rfcKey()
  const jwk = Key.privateJwk(key)

  it("parses private JWKs with or without x/y, as objects or JSON", () => {
    const { x: _x, y: _y, ...dOnly } = jwk
    for (const input of [jwk, dOnly, JSON.stringify(jwk)]) {
      assert.isTrue(Key.equals(ok(Key.parsePrivateJwk(input)).publicKey, key.publicKey))
    }
  })

  it("a private JWK is accepted as a public key; a public JWK is not a private key", () => {
    assert.isTrue(Key.equals(ok(Key.parsePublicJwk(jwk)), key.publicKey))
    assert.strictEqual(err(Key.parsePrivateJwk(Key.publicJwk(key.publicKey)))._tag, "UnsupportedKeyType")
  })

  it("one error per kind of problem", () => {
    assert.strictEqual(err(Key.parsePrivateJwk({ ...jwk, kty: "RSA" }))._tag, "UnsupportedKeyType")
    assert.strictEqual(err(Key.parsePrivateJwk({ ...jwk, crv: "secp256k1" }))._tag, "WrongCurve")
    assert.strictEqual(
      err(Key.parsePrivateJwk({ ...jwk, crv: "P-384" })).reason,
      'JWK crv is "P-384"; only "P-256" is supported'
    )
    assert.strictEqual(err(Key.parsePrivateJwk({ ...jwk, d: "AAAA" })).reason, 'JWK "d" must be 32 bytes of base64url')
    const other = Key.publicJwk(Key.generatePrivateKey(seededBytes(1)).publicKey)
    assert.strictEqual(
      err(Key.parsePrivateJwk({ ...jwk, x: other.x, y: other.y })).reason,
      'JWK "x"/"y" do not match "d"'
    )
    assert.strictEqual(err(Key.parsePrivateJwk("{nope")).reason, "the text starts like a JWK but is not valid JSON")
    assert.strictEqual(err(Key.parsePrivateJwk(42)).reason, "a JWK must be a JSON object")
    assert.strictEqual(err(Key.parsePublicJwk({ ...Key.publicJwk(key.publicKey), y: jwk.x }))._tag, "InvalidKey")
  })
})

describe("parsePublicKey", () => {
  const key = rfcKey()

  it("accepts compressed points and normalises them", () => {
    const compressed = new Uint8Array(33)
    compressed[0] = key.publicKey.point[64]! & 1 ? 0x03 : 0x02
    compressed.set(key.publicKey.point.subarray(1, 33), 1)
    assert.strictEqual(toHex(ok(Key.parsePublicKey(compressed)).point), POINT)
  })

  it("rejects a point off the curve, a private key, and non-keys", () => {
    const bad = hex(POINT)
    bad[64] = bad[64]! ^ 1
    assert.strictEqual(err(Key.parsePublicKey(bad)).reason, "the bytes are not a point on P-256")
    assert.match(err(Key.parsePublicKey(Key.pkcs8Pem(key))).reason, /private key/)
    assert.strictEqual(err(Key.parsePublicKey("nothing"))._tag, "NotPem")
    assert.strictEqual(err(Key.parsePublicKey(Key.spkiDer(key.publicKey).subarray(0, 50)))._tag, "MalformedDer")
  })

  it("equals compares points", () => {
    const again = ok(Key.parsePublicKey(Key.spkiPem(key.publicKey)))
    assert.notStrictEqual(again, key.publicKey)
    assert.isTrue(Key.equals(again, key.publicKey))
    assert.strictEqual(Key.kid(again), Key.kid(key.publicKey))
  })
})
