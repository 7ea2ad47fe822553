/**
 * `jose` and `node:crypto` as independent oracles: they verify our tokens, we verify theirs, and both refuse
 * the same tampered tokens.
 */
import * as NodeCrypto from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { Effect, type Layer, Result } from "effect"
import * as jose from "jose"
import { Base64Url, Jwt, Key, Signer, Verify } from "../src/index.ts"
import { err, ok, seededBytes, utf8 } from "./helpers.ts"

const key = Key.generatePrivateKey(seededBytes(99))

const claims = Jwt.modemClaims({
  chip: "nRF9160",
  deviceUuid: "50363154-3930-4d96-80f9-13121cf35adc",
  firmwareUuid: "f72d9789-2e73-4780-9248-b3952f89b872",
  nonce: "942d99b903aca2c3dd649b5d612322dc",
  now: 1_700_000_000,
  expDelta: 3600,
  subject: "nrf-352656106108148",
  audience: "urn:server"
})

const at = (seconds: number) => new Date(seconds * 1000)

const layers: ReadonlyArray<readonly [string, Layer.Layer<Signer.Signer>]> = [
  ["noble", Signer.layerNoble],
  ["native", Signer.layerNative],
  ["WebCrypto", Signer.layerWebCrypto]
]

const signWith = (layer: Layer.Layer<Signer.Signer>, c: Jwt.Claims = claims, k: Key.PrivateKey = key) =>
  Effect.runPromise(Jwt.sign(c, k).pipe(Effect.provide(layer)))

const joseRejects = async (token: string, joseKey: jose.CryptoKey | Uint8Array): Promise<string> => {
  try {
    await jose.jwtVerify(token, joseKey, { currentDate: at(1_700_000_100) })
  } catch (error) {
    return (error as { code?: string }).code ?? "error"
  }
  return "accepted"
}

describe("jose verifies our tokens", () => {
  for (const [name, layer] of layers) {
    it(`${name}: jwtVerify accepts them with the exported SPKI and JWK keys`, async () => {
      const spki = await jose.importSPKI(Key.spkiPem(key.publicKey), "ES256")
      const jwk = await jose.importJWK({ ...Key.publicJwk(key.publicKey), alg: "ES256" }, "ES256")
      for (let i = 0; i < 5; i++) {
        const token = await signWith(layer, { ...claims, jti: `${claims.jti}${i}` })
        for (const joseKey of [spki, jwk] as const) {
          const { payload, protectedHeader } = await jose.jwtVerify(token, joseKey as jose.CryptoKey, {
            currentDate: at(1_700_000_100),
            audience: "urn:server",
            subject: "nrf-352656106108148",
            typ: "JWT"
          })
          assert.deepStrictEqual<unknown>(payload, { ...claims, jti: `${claims.jti}${i}` })
          assert.deepStrictEqual(protectedHeader, { typ: "JWT", alg: "ES256", kid: Key.kid(key.publicKey) })
        }
      }
    })
  }

  it("jose applies the same expiry and audience rules as ours", async () => {
    const token = await signWith(Signer.layerNoble)
    const spki = await jose.importSPKI(Key.spkiPem(key.publicKey), "ES256")
    const late = 1_700_003_600
    const joseExpired = await jose.jwtVerify(token, spki, { currentDate: at(late) }).then(
      () => "accepted",
      (e: { code?: string }) => e.code
    )
    assert.strictEqual(joseExpired, "ERR_JWT_EXPIRED")
    assert.strictEqual(err(Verify.verify(token, key.publicKey, { now: late }))._tag, "Expired")
    const joseAudience = await jose
      .jwtVerify(token, spki, { currentDate: at(1_700_000_100), audience: "urn:other" })
      .then(
        () => "accepted",
        (e: { code?: string }) => e.code
      )
    assert.strictEqual(joseAudience, "ERR_JWT_CLAIM_VALIDATION_FAILED")
    assert.strictEqual(err(Verify.verify(token, key.publicKey, { audience: "urn:other" }))._tag, "AudienceMismatch")
  })
})

describe("we verify tokens made by others", () => {
  it("jose SignJWT tokens (key imported from our PKCS#8 and from our JWK)", async () => {
    const fromPkcs8 = await jose.importPKCS8(Key.pkcs8Pem(key), "ES256")
    const fromJwk = await jose.importJWK({ ...Key.privateJwk(key), alg: "ES256" }, "ES256")
    for (const joseKey of [fromPkcs8, fromJwk] as const) {
      for (let i = 0; i < 5; i++) {
        const token = await new jose.SignJWT({ iss: "issuer", n: i })
          .setProtectedHeader({ alg: "ES256", kid: "k" })
          .setIssuedAt(1_700_000_000)
          .setExpirationTime(1_700_000_600)
          .setAudience(["a", "b"])
          .sign(joseKey)
        const verified = ok(Verify.verify(token, key.publicKey, { now: 1_700_000_100, audience: "b" }))
        assert.strictEqual(verified.claims.n, i)
        assert.strictEqual(verified.header.kid, "k")
      }
    }
  })

  it("node:crypto-signed modem tokens (about half of them high-S)", () => {
    const keyObject = NodeCrypto.createPrivateKey(Key.pkcs8Pem(key))
    for (let i = 0; i < 20; i++) {
      const input = `${Jwt.headerSegment(key.publicKey)}.${Base64Url.encode(Jwt.payloadBytes({ ...claims, iat: i }))}`
      const signature = NodeCrypto.sign("sha256", utf8(input), { key: keyObject, dsaEncoding: "ieee-p1363" })
      ok(Verify.verify(`${input}.${Base64Url.encode(signature)}`, Key.spkiPem(key.publicKey)))
    }
  })
})

describe("tampered tokens are refused by jose and by us", () => {
  const tamper = (token: string): ReadonlyArray<readonly [string, string]> => {
    const [h, p, s] = token.split(".") as [string, string, string]
    const edit = (segment: string, from: string, to: string) =>
      Base64Url.encode(utf8(new TextDecoder().decode(ok(Base64Url.decode(segment))).replace(from, to)))
    const signature = ok(Base64Url.decode(s))
    signature[40] = signature[40]! ^ 0x01
    const otherKey = Key.generatePrivateKey(seededBytes(7))
    return [
      ["header kid", `${edit(h, Key.kid(key.publicKey), Key.kid(otherKey.publicKey))}.${p}.${s}`],
      ["header typ", `${edit(h, '"typ":"JWT"', '"typ":"JWS"')}.${p}.${s}`],
      ["payload sub", `${h}.${edit(p, "nrf-352656106108148", "nrf-352656106108149")}.${s}`],
      ["payload exp", `${h}.${edit(p, '"exp":1700003600', '"exp":1800003600')}.${s}`],
      ["signature bit", `${h}.${p}.${Base64Url.encode(signature)}`],
      [
        "swapped r and s",
        `${h}.${p}.${Base64Url.encode(new Uint8Array([...signature.subarray(32), ...signature.subarray(0, 32)]))}`
      ]
    ]
  }

  for (const [name, layer] of layers) {
    it(`${name}-signed tokens`, async () => {
      const token = await signWith(layer)
      const spki = await jose.importSPKI(Key.spkiPem(key.publicKey), "ES256")
      assert.strictEqual(await joseRejects(token, spki), "accepted")
      ok(Verify.verify(token, key.publicKey))
      for (const [what, bad] of tamper(token)) {
        assert.strictEqual(await joseRejects(bad, spki), "ERR_JWS_SIGNATURE_VERIFICATION_FAILED", what)
        const ours = Verify.verify(bad, key.publicKey)
        assert.isTrue(Result.isFailure(ours), what)
        assert.strictEqual(err(ours)._tag, "BadSignature", what)
      }
    })
  }
})
