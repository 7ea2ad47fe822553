import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import * as fc from "fast-check"
import { Base64Url, Jwt, Key, Signer, Verify } from "../src/index.ts"
import { err, hex, ok, utf8 } from "./helpers.ts"

// Test vector TV-1 (spec section 3): a real nRF9160 token from the nRF Connect SDK's unit tests.
const TV1 = {
  deviceUuid: "50363154-3930-4d96-80f9-13121cf35adc",
  firmwareUuid: "f72d9789-2e73-4780-9248-b3952f89b872",
  nonce: "942d99b903aca2c3dd649b5d612322dc",
  kid: "e6c35cea1f541a4be485ff8db21f51dfe7242e7ca7b9456c90f69815e77ea61f",
  header: '{"typ":"JWT","alg":"ES256","kid":"e6c35cea1f541a4be485ff8db21f51dfe7242e7ca7b9456c90f69815e77ea61f"}  ',
  payload:
    '{"iss":"nRF9160.50363154-3930-4d96-80f9-13121cf35adc","jti":"nRF9160.f72d9789-2e73-4780-9248-b3952f89b872.942d99b903aca2c3dd649b5d612322dc","sub":"50363154-3930-4d96-80f9-13121cf35adc"} ',
  token:
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiIsImtpZCI6ImU2YzM1Y2VhMWY1NDFhNGJlNDg1ZmY4ZGIyMWY1MWRmZTcyNDJlN2NhN2I5NDU2YzkwZjY5ODE1ZTc3ZWE2MWYifSAg.eyJpc3MiOiJuUkY5MTYwLjUwMzYzMTU0LTM5MzAtNGQ5Ni04MGY5LTEzMTIxY2YzNWFkYyIsImp0aSI6Im5SRjkxNjAuZjcyZDk3ODktMmU3My00NzgwLTkyNDgtYjM5NTJmODliODcyLjk0MmQ5OWI5MDNhY2EyYzNkZDY0OWI1ZDYxMjMyMmRjIiwic3ViIjoiNTAzNjMxNTQtMzkzMC00ZDk2LTgwZjktMTMxMjFjZjM1YWRjIn0g.tW2wG-sSE01jtrcT9JmFvPVIvEB99jUGGHIUCCH65fG5HtBrisOD1cl0L49cuyo2OE6XXvI9wdKSASxDQPJ8lw"
}

const tv1Claims = () =>
  Jwt.modemClaims({
    chip: "nRF9160",
    deviceUuid: TV1.deviceUuid,
    firmwareUuid: TV1.firmwareUuid,
    nonce: TV1.nonce,
    subject: TV1.deviceUuid
  })

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe("TV-1", () => {
  it("header bytes equal the spec's bytes exactly", () => {
    assert.strictEqual(text(Jwt.headerBytes(TV1.kid)), TV1.header)
  })

  it("payload bytes built from the TV-1 inputs equal the spec's bytes exactly", () => {
    assert.deepStrictEqual(tv1Claims(), {
      iss: `nRF9160.${TV1.deviceUuid}`,
      jti: `nRF9160.${TV1.firmwareUuid}.${TV1.nonce}`,
      sub: TV1.deviceUuid
    })
    assert.strictEqual(text(Jwt.payloadBytes(tv1Claims())), TV1.payload)
  })

  it("the signing input equals the first two segments of the real token", () => {
    const input = Jwt.signingInput(Jwt.headerBytes(TV1.kid), Jwt.payloadBytes(tv1Claims()))
    const [h, p] = TV1.token.split(".")
    assert.strictEqual(input, `${h}.${p}`)
  })

  it("decodes the real token: 86-character signature of 64 bytes, JSON parts as on the wire", () => {
    const decoded = ok(Jwt.decode(TV1.token))
    assert.strictEqual(text(decoded.headerBytes), TV1.header)
    assert.strictEqual(text(decoded.payloadBytes), TV1.payload)
    assert.strictEqual(decoded.signature.length, 64)
    assert.strictEqual(TV1.token.split(".")[2]!.length, 86)
    assert.deepStrictEqual(decoded.header, { typ: "JWT", alg: "ES256", kid: TV1.kid })
    assert.strictEqual(decoded.claims.sub, TV1.deviceUuid)
  })

  it("a token we sign from the TV-1 inputs has the same header/payload layout, with our key's kid", () =>
    Effect.gen(function* () {
      const key = Key.generatePrivateKey(() => hex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"))
      const token = yield* Jwt.sign(tv1Claims(), key)
      const [h, p, s] = token.split(".")
      assert.strictEqual(p, TV1.token.split(".")[1])
      assert.strictEqual(text(ok(Base64Url.decode(h!))), TV1.header.replace(TV1.kid, Key.kid(key.publicKey)))
      assert.strictEqual(s!.length, 86)
      assert.isTrue(Result.isSuccess(Verify.verify(token, key.publicKey)))
    }).pipe(Effect.provide(Signer.layerNoble), Effect.runPromise))
})

describe("the second real token (client key, exp_delta 300)", () => {
  it("payload bytes equal the real payload plus two spaces", () => {
    const claims = Jwt.modemClaims({
      chip: "nRF9160",
      deviceUuid: "504e5353-3831-45c8-800a-2719d8ba39f5",
      firmwareUuid: "f6e3bd7b-7df3-4b88-b43a-a7a9766a04ad",
      nonce: "2f7353e0a7d3335a47cfb1ad7e3e9acb",
      now: 1676930358,
      expDelta: 300,
      subject: "nrf-352656106108148"
    })
    assert.strictEqual(
      text(Jwt.payloadBytes(claims)),
      '{"iss":"nRF9160.504e5353-3831-45c8-800a-2719d8ba39f5","jti":"nRF9160.f6e3bd7b-7df3-4b88-b43a-a7a9766a04ad.2f7353e0a7d3335a47cfb1ad7e3e9acb","iat":1676930358,"exp":1676930658,"sub":"nrf-352656106108148"}  '
    )
  })
})

describe("modemClaims", () => {
  const base = { chip: "nRF9151", deviceUuid: "d", firmwareUuid: "f", nonce: "0".repeat(32) }

  it("has only iss and jti without exp_delta, subject or audience", () => {
    assert.deepStrictEqual(Jwt.modemClaims({ ...base, now: 1000 }), {
      iss: "nRF9151.d",
      jti: `nRF9151.f.${"0".repeat(32)}`
    })
  })

  it("adds iat and exp = iat + exp_delta when exp_delta > 0 and the time is valid", () => {
    const claims = Jwt.modemClaims({ ...base, now: 1700000000.9, expDelta: 3600 })
    assert.strictEqual(claims.iat, 1700000000)
    assert.strictEqual(claims.exp, 1700003600)
  })

  it("leaves iat and exp out when exp_delta is 0", () => {
    const claims = Jwt.modemClaims({ ...base, now: 1700000000, expDelta: 0 })
    assert.isUndefined(claims.iat)
    assert.isUndefined(claims.exp)
  })

  it("leaves iat and exp out when the modem has no valid time, even with exp_delta > 0", () => {
    const claims = Jwt.modemClaims({ ...base, expDelta: 3600 })
    assert.deepStrictEqual(Object.keys(claims), ["iss", "jti"])
  })

  it("leaves empty subject and audience out", () => {
    const claims = Jwt.modemClaims({ ...base, subject: "", audience: "" })
    assert.deepStrictEqual(Object.keys(claims), ["iss", "jti"])
  })

  it("keeps the spec example's subject and audience", () => {
    const claims = Jwt.modemClaims({ ...base, now: 10, expDelta: 3600, subject: "ClientAuth", audience: "urn:server" })
    assert.strictEqual(
      text(Jwt.payloadBytes(claims)).trimEnd(),
      `{"iss":"nRF9151.d","jti":"nRF9151.f.${"0".repeat(32)}","iat":10,"exp":3610,"sub":"ClientAuth","aud":"urn:server"}`
    )
  })
})

describe("payloadBytes", () => {
  it("writes keys in the order iss, jti, iat, exp, sub, aud whatever the object order", () => {
    const json = text(Jwt.payloadBytes({ aud: "a", sub: "s", exp: 2, iat: 1, jti: "j", iss: "i" }))
    assert.strictEqual(json.trimEnd(), '{"iss":"i","jti":"j","iat":1,"exp":2,"sub":"s","aud":"a"}')
  })

  it("JSON-escapes strings", () => {
    const json = text(Jwt.payloadBytes({ iss: 'a"b\\c', jti: "line\nbreak", sub: "é€😀" }))
    assert.deepStrictEqual(JSON.parse(json), { iss: 'a"b\\c', jti: "line\nbreak", sub: "é€😀" })
    assert.include(json, '"a\\"b\\\\c"')
  })

  it("pads with spaces to a multiple of 3 bytes, never more than 2, and parses back to the claims", () => {
    const claims = fc.record(
      {
        iss: fc.string({ unit: "binary" }),
        jti: fc.string(),
        iat: fc.integer({ min: 0, max: 2 ** 40 }),
        exp: fc.integer({ min: 0, max: 2 ** 40 }),
        sub: fc.string({ unit: "grapheme" }),
        aud: fc.string()
      },
      { requiredKeys: ["iss", "jti"] }
    )
    fc.assert(
      fc.property(claims, (claims) => {
        const bytes = Jwt.payloadBytes(claims)
        assert.strictEqual(bytes.length % 3, 0)
        const json = new TextDecoder().decode(bytes)
        const unpadded = json.trimEnd()
        assert.isAtMost(json.length - unpadded.length, 2)
        assert.deepStrictEqual(JSON.parse(json), JSON.parse(JSON.stringify(claims)))
        assert.notInclude(Base64Url.encode(bytes), "=")
      })
    )
  })

  it("is byte for byte the JSON.stringify text of each claim (escaping included)", () => {
    const value = fc.oneof(fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }), fc.string())
    const claims = fc.record(
      { iss: value, jti: value, iat: fc.integer({ min: 0, max: 2 ** 40 }), sub: value, aud: value },
      { requiredKeys: ["iss", "jti"] }
    )
    const reference = (c: Jwt.Claims) =>
      `{"iss":${JSON.stringify(c.iss)},"jti":${JSON.stringify(c.jti)}` +
      (c.iat === undefined ? "" : `,"iat":${c.iat}`) +
      (c.sub === undefined ? "" : `,"sub":${JSON.stringify(c.sub)}`) +
      (c.aud === undefined ? "" : `,"aud":${JSON.stringify(c.aud)}`) +
      "}"
    fc.assert(
      fc.property(claims, (claims) => {
        assert.strictEqual(text(Jwt.payloadBytes(claims)).trimEnd(), reference(claims))
      })
    )
  })
})

describe("decode", () => {
  const good = TV1.token

  it("rejects anything but three segments", () => {
    assert.strictEqual(err(Jwt.decode("a.b")).reason, "a compact JWS has 3 dot-separated segments, got 2")
    assert.strictEqual(err(Jwt.decode(`${good}.x`))._tag, "MalformedToken")
  })

  it("rejects segments that are not base64url", () => {
    const [h, p, s] = good.split(".")
    assert.match(err(Jwt.decode(`${h}=.${p}.${s}`)).reason, /header is not base64url/)
    assert.match(err(Jwt.decode(`${h}.${p}+.${s}`)).reason, /payload is not base64url/)
    assert.match(err(Jwt.decode(`${h}.${p}.${s}=`)).reason, /signature is not base64url/)
  })

  it("rejects a header or payload that is not a JSON object", () => {
    const [h, , s] = good.split(".")
    assert.match(err(Jwt.decode(`${h}.${Base64Url.encode(utf8("[1]"))}.${s}`)).reason, /payload is not a JSON object/)
    assert.match(err(Jwt.decode(`${Base64Url.encode(utf8("{"))}.${h}.${s}`)).reason, /header is not UTF-8 JSON/)
    assert.match(
      err(Jwt.decode(`${Base64Url.encode(Uint8Array.of(0xff, 0xfe))}.${h}.${s}`)).reason,
      /header is not UTF-8 JSON/
    )
  })
})
