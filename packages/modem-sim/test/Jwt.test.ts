import { CredentialStorage, CredStore } from "@atmodem/credstore"
import { Key, Signer, Verify } from "@atmodem/jwt-core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Result } from "effect"
import { TestClock } from "effect/testing"
import * as Entropy from "../src/Entropy.ts"
import * as Identity from "../src/Identity.ts"
import * as Modem from "../src/Modem.ts"
import * as Profile from "../src/Profile.ts"
import * as Setup from "../src/Setup.ts"
import { quoted, send, testModem } from "./support.ts"

/** TV-1 (spec section 3): a real nRF9160 token from the SDK's unit tests. */
const TV1 = {
  deviceUuid: "50363154-3930-4d96-80f9-13121cf35adc",
  firmwareUuid: "f72d9789-2e73-4780-9248-b3952f89b872",
  nonce: "942d99b903aca2c3dd649b5d612322dc",
  kid: "e6c35cea1f541a4be485ff8db21f51dfe7242e7ca7b9456c90f69815e77ea61f",
  token:
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiIsImtpZCI6ImU2YzM1Y2VhMWY1NDFhNGJlNDg1ZmY4ZGIyMWY1MWRmZTcyNDJlN2NhN2I5NDU2YzkwZjY5ODE1ZTc3ZWE2MWYifSAg.eyJpc3MiOiJuUkY5MTYwLjUwMzYzMTU0LTM5MzAtNGQ5Ni04MGY5LTEzMTIxY2YzNWFkYyIsImp0aSI6Im5SRjkxNjAuZjcyZDk3ODktMmU3My00NzgwLTkyNDgtYjM5NTJmODliODcyLjk0MmQ5OWI5MDNhY2EyYzNkZDY0OWI1ZDYxMjMyMmRjIiwic3ViIjoiNTAzNjMxNTQtMzkzMC00ZDk2LTgwZjktMTMxMjFjZjM1YWRjIn0g.tW2wG-sSE01jtrcT9JmFvPVIvEB99jUGGHIUCCH65fG5HtBrisOD1cl0L49cuyo2OE6XXvI9wdKSASxDQPJ8lw"
}

const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((b) => Number.parseInt(b, 16)))

/** A modem with TV-1's identity values and an entropy source that yields TV-1's nonce. */
const tv1Modem = Effect.gen(function* () {
  const profile = Result.getOrThrow(Profile.make("nrf9160", { firmwareUuid: TV1.firmwareUuid }))
  const generated = Identity.generate(profile, Entropy.seeded("tv1").bytesSync)
  const identity = Result.getOrThrow(Identity.override(generated, { deviceUuid: TV1.deviceUuid }))
  const nonce: Entropy.Entropy["Service"] = {
    bytes: () => Effect.succeed(hexBytes(TV1.nonce)),
    bytesSync: () => hexBytes(TV1.nonce)
  }
  return Layer.effect(Modem.ModemService)(Modem.make({ profile, identity })).pipe(
    Layer.provide(
      CredStore.layer(Setup.credStoreConfig(profile, identity)).pipe(Layer.provide(CredentialStorage.layerMemory()))
    ),
    Layer.provide(Signer.layerNoble),
    Layer.provide(Layer.succeed(Entropy.Entropy)(nonce))
  )
}).pipe(Layer.unwrap)

const segments = (token: string) => token.split(".") as [string, string, string]
const text = (segment: string) => new TextDecoder().decode(Buffer.from(segment, "base64url"))

describe("%JWT", () => {
  it.effect("reproduces TV-1's payload bytes exactly, and its header bytes but for the kid of our key", () =>
    Effect.gen(function* () {
      const modem = yield* Modem.ModemService
      const token = quoted(yield* send(`AT%JWT=0,0,"${TV1.deviceUuid}"`), "%JWT: ")
      const [header, payload, signature] = segments(token)
      const [tvHeader, tvPayload] = segments(TV1.token)
      assert.strictEqual(payload, tvPayload)
      const ourKid = Key.kid(modem.identityPublicKey)
      assert.strictEqual(text(header), `{"typ":"JWT","alg":"ES256","kid":"${ourKid}"}  `)
      // the same header with TV-1's kid is TV-1's header segment, byte for byte
      assert.strictEqual(text(header).replace(ourKid, TV1.kid), text(tvHeader))
      assert.strictEqual(Buffer.from(text(header).replace(ourKid, TV1.kid)).toString("base64url"), tvHeader)
      assert.strictEqual(signature.length, 86)
    }).pipe(Effect.provide(tv1Modem))
  )

  it.effect("accepts every form the spec lists as 'only iss and jti'", () =>
    Effect.gen(function* () {
      for (const line of ["AT%JWT", "AT%JWT=0", "AT%JWT=0,0", "AT%JWT=,,", 'AT%JWT=0,0,""', 'AT%JWT=0,0,"",""']) {
        const token = quoted(yield* send(line), "%JWT: ")
        assert.deepStrictEqual(Object.keys(JSON.parse(text(segments(token)[1]))), ["iss", "jti"], line)
      }
    }).pipe(Effect.provide(testModem()))
  )

  it.effect("adds iat and exp only with a valid time, following the simulated clock", () =>
    Effect.gen(function* () {
      const claims = (response: string) => JSON.parse(text(segments(quoted(response, "%JWT: "))[1]))
      // no valid time: the command succeeds without iat/exp
      assert.deepStrictEqual(Object.keys(claims(yield* send('AT%JWT=0,3600,"s","a"'))), ["iss", "jti", "sub", "aud"])
      yield* send('AT+CCLK="30/01/01,00:00:00+00"')
      yield* TestClock.adjust("42 seconds")
      const withTime = claims(yield* send('AT%JWT=0,3600,"s","a"'))
      assert.deepStrictEqual(Object.keys(withTime), ["iss", "jti", "iat", "exp", "sub", "aud"])
      assert.strictEqual(withTime.iat, Date.UTC(2030, 0, 1) / 1000 + 42)
      assert.strictEqual(withTime.exp, withTime.iat + 3600)
      // exp_delta 0: no iat/exp even with a valid time
      assert.deepStrictEqual(Object.keys(claims(yield* send("AT%JWT=0,0"))), ["iss", "jti"])
    }).pipe(Effect.provide(testModem()))
  )

  it.effect("limits subject and audience to 256 UTF-8 bytes (525 beyond)", () =>
    Effect.gen(function* () {
      yield* send("AT+CMEE=1")
      assert.match(yield* send(`AT%JWT=0,0,"${"é".repeat(128)}"`), /^%JWT: /)
      assert.strictEqual(yield* send(`AT%JWT=0,0,"${"é".repeat(128)}a"`), "+CME ERROR: 525\r\n")
      assert.match(yield* send(`AT%JWT=0,0,"","${"😀".repeat(64)}"`), /^%JWT: /)
      assert.strictEqual(yield* send(`AT%JWT=0,0,"","${"😀".repeat(64)}a"`), "+CME ERROR: 525\r\n")
      assert.match(yield* send(`AT%JWT=0,0,"${"€".repeat(85)}a"`), /^%JWT: /)
      assert.strictEqual(yield* send(`AT%JWT=0,0,"${"€".repeat(85)}ab"`), "+CME ERROR: 525\r\n")
    }).pipe(Effect.provide(testModem()))
  )

  it.effect("makes a fresh nonce per token", () =>
    Effect.gen(function* () {
      const jti = (response: string) => JSON.parse(text(segments(quoted(response, "%JWT: "))[1])).jti as string
      const seen = new Set<string>()
      for (let i = 0; i < 20; i++) seen.add(jti(yield* send("AT%JWT")))
      assert.strictEqual(seen.size, 20)
    }).pipe(Effect.provide(testModem()))
  )

  it.effect("signs with a stored client key (PKCS#8 and SEC1 PEM)", () =>
    Effect.gen(function* () {
      yield* send("AT+CFUN=4")
      const key = Key.generatePrivateKey(Entropy.seeded("client").bytesSync)
      yield* send(`AT%CMNG=0,11,2,"${Key.pkcs8Pem(key)}"`)
      yield* send(`AT%CMNG=0,12,2,"${Key.sec1Pem(key)}"`)
      for (const tag of [11, 12]) {
        const token = quoted(yield* send(`AT%JWT=0,0,"","",${tag},2`), "%JWT: ")
        assert.isTrue(Result.isSuccess(Verify.verify(token, key.publicKey)), `tag ${tag}`)
      }
    }).pipe(Effect.provide(testModem()))
  )
})
