/**
 * ES256 token creation, modem format, one table in one run: our noble signer (noble's default table and our
 * warmed one), our native signer, jose's SignJWT, and the physical reference: raw `node:crypto.sign` on a
 * pre-imported KeyObject over an equivalent signing input (no JSON, no base64url, no Effect).
 *
 * Run with `pnpm bench` (Node runs the TypeScript sources directly).
 */
import * as NodeCrypto from "node:crypto"
import { Effect } from "effect"
import * as jose from "jose"
import { runTable } from "../../../tooling/bench.ts"
import { Jwt, Key, Signer } from "../src/index.ts"

const key = Key.generatePrivateKey((length) => NodeCrypto.randomBytes(length))
const kid = Key.kid(key.publicKey)

let counter = 0
// A fresh nonce per token, as the modem does; cheap enough not to matter next to a signature.
const claims = (): Jwt.Claims =>
  Jwt.modemClaims({
    chip: "nRF9160",
    deviceUuid: "50363154-3930-4d96-80f9-13121cf35adc",
    firmwareUuid: "f72d9789-2e73-4780-9248-b3952f89b872",
    nonce: (counter++).toString(16).padStart(32, "0"),
    now: 1_700_000_000,
    expDelta: 3600,
    subject: "nrf-352656106108148",
    audience: "urn:server"
  })

const withService = (service: Signer.Signer["Service"]) => () =>
  Effect.runSync(Jwt.sign(claims(), key).pipe(Effect.provideService(Signer.Signer, service)))

// Reference: the same bytes a token signs, prepared once.
const keyObject = NodeCrypto.createPrivateKey(Key.pkcs8Pem(key))
const input = new TextEncoder().encode(Jwt.signingInput(Jwt.headerBytes(kid), Jwt.payloadBytes(claims())))

const nobleDefault = Signer.makeNoble({ precomputeWindow: 6 })
const nobleWarmed = Signer.noble
nobleWarmed.warm()

const joseKey = await jose.importPKCS8(Key.pkcs8Pem(key), "ES256")
const webCrypto = Signer.makeWebCrypto()

await runTable(
  "ES256 modem token creation (tokens/s)",
  {
    unit: "tokens/s",
    // The fastest raw call: the KeyObject itself, DER out. An options object (needed for raw r || s output)
    // makes Node catch two internal exceptions per call, which costs more than the signature.
    reference: {
      name: "raw node:crypto.sign(KeyObject), DER",
      run: () => NodeCrypto.sign("sha256", input, keyObject)
    },
    cases: [
      {
        name: "raw node:crypto.sign({ key, dsaEncoding: 'ieee-p1363' })",
        run: () => NodeCrypto.sign("sha256", input, { key: keyObject, dsaEncoding: "ieee-p1363" })
      },
      { name: "native signer (node:crypto), Jwt.sign", run: withService(Signer.fromSync(Signer.native)) },
      {
        name: "native signer (WebCrypto), Jwt.sign",
        run: () =>
          Effect.runPromise(
            Jwt.sign(claims(), key).pipe(Effect.provideService(Signer.Signer, Signer.fromAsync(webCrypto)))
          )
      },
      {
        name: "jose SignJWT, imported CryptoKey",
        run: () => new jose.SignJWT({ ...claims() }).setProtectedHeader({ typ: "JWT", alg: "ES256", kid }).sign(joseKey)
      },
      { name: `noble signer, noble's default table (window 6)`, run: withService(Signer.fromSync(nobleDefault)) },
      {
        name: `noble signer, warmed table (window ${Signer.DEFAULT_PRECOMPUTE_WINDOW}, layerNoble)`,
        run: withService(Signer.fromSync(nobleWarmed))
      }
    ]
  },
  1500
)
