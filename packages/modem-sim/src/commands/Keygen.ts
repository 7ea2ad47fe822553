/**
 * `%KEYGEN`: make a new P-256 key at a sec_tag (stored as `%CMNG` type 2) and return a PKCS#10 CSR (or the
 * public key) followed by a COSE_Sign1 signed by the device identity key, exactly as real modems shape them.
 * Key type 8 (endorsement, nRF9160 only) reuses the key already at the sec_tag.
 */
import { Base64Url, Der, Key } from "@atmodem/jwt-core"
import { sha256 } from "@noble/hashes/sha2.js"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import { AlreadyExists, fromCredStore, IncorrectParameters, KeyGenerationFailed } from "../CmeError.ts"
import { uuidBytes } from "../Identity.ts"
import type { CommandSpec, Handler } from "../internal/CommandSpec.ts"
import * as Cose from "../internal/Cose.ts"
import * as Csr from "../internal/Csr.ts"
import type { Env } from "../internal/Env.ts"
import { storageChangeAllowed } from "../internal/Guards.ts"
import * as Params from "../internal/Params.ts"

const CLIENT_KEY = 2
const ENDORSEMENT_KEY = 8

/**
 * The key to answer with — a new one for type 2; for type 8 the one already there, or a new one — and how to
 * store it. Storing comes last, after the response is built, so a failure on the way never replaces the key a
 * sec_tag held.
 */
const keyFor = (env: Env, secTag: number, keyType: number) =>
  Effect.gen(function* () {
    if (env.state.faults.keyGeneration) return yield* new KeyGenerationFailed({ reason: "key generation failed" })
    const existing = yield* env.credentials.list({ secTag, type: keyType })
    if (existing.length > 0 && keyType === ENDORSEMENT_KEY) {
      const secret = yield* Effect.mapError(env.credentials.secret(secTag, keyType), fromCredStore)
      const parsed = env.keys.get(secret.content, secret.password)
      if (Result.isSuccess(parsed)) return { key: parsed.success, store: Effect.void }
      return yield* new KeyGenerationFailed({ reason: "the endorsement key at this sec_tag is unusable" })
    }
    if (existing.length > 0 && !env.profile.keygenOverwrites)
      return yield* new AlreadyExists({ reason: `a key already exists at ${secTag},${keyType}` })
    const key = Key.generatePrivateKey(env.entropy.bytesSync)
    const store = Effect.asVoid(
      Effect.mapError(
        env.credentials.write({
          secTag,
          type: keyType,
          content: Key.pkcs8Pem(key),
          generatedByModem: keyType === ENDORSEMENT_KEY
        }),
        fromCredStore
      )
    )
    return { key, store }
  })

const generate: Handler = (params, env) =>
  Effect.gen(function* () {
    yield* Params.atMost(params, 5, "%KEYGEN")
    const secTag = yield* Params.integer(params, 0, "sec_tag", 0, 4294967295)
    const keyType = yield* Params.integer(params, 1, "key_type", 0, 255)
    if (keyType !== CLIENT_KEY && !(keyType === ENDORSEMENT_KEY && env.profile.endorsementKey))
      return yield* new IncorrectParameters({ reason: `key_type ${keyType} cannot be generated on this modem` })
    const responseContent = (yield* Params.optionalInteger(params, 2, "response_content", 0, 1)) ?? 0
    const attributesText = yield* Params.optionalString(params, 3, "attributes")
    const keyUsage = (yield* Params.optionalString(params, 4, "key_usage")) ?? Csr.DEFAULT_KEY_USAGE
    if (!/^[01]{1,9}$/.test(keyUsage) || !keyUsage.includes("1"))
      return yield* new IncorrectParameters({ reason: "key_usage is up to 9 characters 0/1 with at least one 1" })
    const subject =
      attributesText === undefined
        ? Result.succeed([{ name: "CN", value: env.identity.deviceUuid }])
        : Csr.parseAttributes(attributesText)
    if (Result.isFailure(subject)) return yield* new IncorrectParameters({ reason: subject.failure })
    yield* storageChangeAllowed(env, "generating a key")

    const { key, store } = yield* keyFor(env, secTag, keyType)
    const spki = Key.spkiDer(key.publicKey)
    const signWith = (signingKey: Key.PrivateKey) => (message: Uint8Array) =>
      Effect.mapError(env.signer.sign(signingKey, message), (e) => new KeyGenerationFailed({ reason: e.reason }))
    const der =
      responseContent === 1
        ? spki
        : yield* Csr.build({
            subject: subject.success,
            spki,
            keyUsage,
            signDer: (message) => Effect.map(signWith(key)(message), Der.signatureToDer)
          })
    const payload = Cose.keygenPayload({
      messageType: responseContent === 1 ? 8 : 9,
      deviceUuid: uuidBytes(env.identity.deviceUuid),
      secTag,
      digest: sha256(der),
      nonce: yield* env.entropy.bytes(16)
    })
    const cose = yield* Cose.sign1(payload, { detached: false }, signWith(env.identity.key))
    yield* store
    return [`%KEYGEN: "${Base64Url.encode(der)}.${Base64Url.encode(cose)}"`]
  })

export const commands: ReadonlyArray<CommandSpec> = [{ name: "%KEYGEN", set: generate }]
