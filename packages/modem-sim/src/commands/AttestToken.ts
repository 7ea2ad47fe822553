/**
 * `%ATTESTTOKEN`: the device identity attestation token — base64url self-described CBOR `[1, device UUID, device type,
 * firmware UUID, nonce]` followed by a COSE_Sign1 over it (detached payload) signed by the device identity key.
 * The optional challenge (32 hex characters) becomes the nonce; without one the nonce is random.
 */
import { Base64Url } from "@atmodem/jwt-core"
import { hexToBytes } from "@noble/hashes/utils.js"
import { encode, Tag } from "cbor2"
import * as Effect from "effect/Effect"
import { IncorrectParameters, KeyGenerationFailed } from "../CmeError.ts"
import { uuidBytes } from "../Identity.ts"
import type { CommandSpec, Handler } from "../internal/CommandSpec.ts"
import * as Cose from "../internal/Cose.ts"
import * as Params from "../internal/Params.ts"

const DEVICE_IDENTITY_MESSAGE = 1

const attest: Handler = (params, env) =>
  Effect.gen(function* () {
    yield* Params.atMost(params, 1, "%ATTESTTOKEN")
    const challenge = yield* Params.optionalString(params, 0, "challenge")
    if (challenge !== undefined && !/^[0-9a-fA-F]{32}$/.test(challenge))
      return yield* new IncorrectParameters({ reason: "the challenge is 32 hexadecimal characters" })
    const nonce = challenge === undefined ? yield* env.entropy.bytes(16) : hexToBytes(challenge.toLowerCase())
    // self-described CBOR (tag 55799), as real tokens start: `2dn3hQFQ…`
    const body = encode(
      new Tag(55799, [
        DEVICE_IDENTITY_MESSAGE,
        uuidBytes(env.identity.deviceUuid),
        env.profile.deviceType,
        uuidBytes(env.profile.firmwareUuid),
        nonce
      ])
    )
    const cose = yield* Cose.sign1(body, { detached: true }, (message) =>
      Effect.mapError(env.signer.sign(env.identity.key, message), (e) => new KeyGenerationFailed({ reason: e.reason }))
    )
    return [`%ATTESTTOKEN: "${Base64Url.encode(body)}.${Base64Url.encode(cose)}"`]
  })

export const commands: ReadonlyArray<CommandSpec> = [
  { name: "%ATTESTTOKEN", execute: (_, env) => attest([], env), set: attest }
]
