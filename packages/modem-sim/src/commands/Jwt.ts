/**
 * `%JWT`: a JSON Web Token signed by the device identity key, or by a client key stored at
 * (`sec_tag`, `key_type`). Token bytes follow spec section 3 (jwt-core builds them); this module decides the
 * parameters, the key and the clock.
 */
import type { Command } from "@atmodem/at-protocol"
import { Jwt, type Key } from "@atmodem/jwt-core"
import { bytesToHex } from "@noble/hashes/utils.js"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Result from "effect/Result"
import { fromCredStore, IncorrectParameters, JwtCreationFailed, NoAccess } from "../CmeError.ts"
import type { CommandSpec, Handler } from "../internal/CommandSpec.ts"
import type { Env } from "../internal/Env.ts"
import * as Outcome from "../internal/Outcome.ts"
import * as Params from "../internal/Params.ts"
import * as Time from "../internal/Time.ts"

type Parameter = Command.Parameter

/** The signing key at (sec_tag, key_type): 513 when absent, 514 when it is not a usable P-256 private key. */
const storedKey = (env: Env, secTag: number, keyType: number) =>
  Effect.gen(function* () {
    const secret = yield* Effect.mapError(env.credentials.secret(secTag, keyType), fromCredStore)
    const parsed = env.keys.get(secret.content, secret.password)
    if (Result.isFailure(parsed))
      return yield* new NoAccess({ reason: `the credential at ${secTag},${keyType} is not a usable P-256 key` })
    return parsed.success
  })

const MAX_EXP_DELTA = 2 ** 31 - 1

/** UTF-8 byte length without encoding the string. */
const utf8Length = (text: string): number => {
  let bytes = text.length
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    // a surrogate pair is 2 units and 4 bytes: +1 for each unit; other units above 0x7ff are 3 bytes
    if (c >= 0x800 && (c < 0xd800 || c > 0xdfff)) bytes += 2
    else if (c >= 0x80) bytes += 1
  }
  return bytes
}

const parameterSpecs: ReadonlyArray<Params.Spec> = [
  { name: "alg (only 0, ES256)", kind: "integer", min: 0, max: 0 },
  { name: "exp_delta", kind: "integer", min: 0, max: MAX_EXP_DELTA },
  { name: "subject", kind: "string" },
  { name: "audience", kind: "string" },
  { name: "sec_tag", kind: "integer", min: 0, max: 4294967295 },
  { name: "key_type", kind: "integer", min: 0, max: 255 }
]

const tooLong = (claim: string | undefined, env: Env) =>
  claim !== undefined && utf8Length(claim) > env.profile.jwtMaxClaimBytes

interface Request {
  readonly expDelta: number | undefined
  readonly subject: string | undefined
  readonly audience: string | undefined
  /** (sec_tag, key_type) of a stored key, or undefined for the device identity key. */
  readonly stored: { readonly secTag: number; readonly keyType: number } | undefined
}

/** Reads and checks the parameters: plain code, as `%JWT` is the modem's hot path. */
const parseRequest = (
  params: ReadonlyArray<Parameter>,
  env: Env
): Request | IncorrectParameters | JwtCreationFailed => {
  const values = Params.read(params, parameterSpecs)
  if (values instanceof IncorrectParameters) return values
  const [, expDelta, subject, audience, secTag, keyType] = values as [
    unknown,
    number | undefined,
    string | undefined,
    string | undefined,
    number | undefined,
    number | undefined
  ]
  if ((secTag === undefined) !== (keyType === undefined))
    return new IncorrectParameters({ reason: "sec_tag and key_type go together" })
  // sec_tag 0 means "not given": the SDK sends `AT%JWT=0,0,"","",0,0` by default, key_type unused then.
  const clientKey = secTag !== undefined && secTag !== 0
  if (clientKey && keyType !== 2 && !(keyType === 8 && env.profile.endorsementKey))
    return new IncorrectParameters({ reason: `key_type ${keyType} cannot sign a JWT on this modem` })
  if (tooLong(subject, env) || tooLong(audience, env))
    return new JwtCreationFailed({ reason: `claims are limited to ${env.profile.jwtMaxClaimBytes} bytes` })
  return { expDelta, subject, audience, stored: clientKey ? { secTag, keyType: keyType! } : undefined }
}

/**
 * Builds and signs the token with `key`, reading the modem clock once. With a synchronous signer the answer is
 * a completed Exit (no Effect runs per token: this is the modem's hot path).
 */
const signWith = (
  env: Env,
  request: Request,
  key: Key.PrivateKey
): Effect.Effect<ReadonlyArray<string>, JwtCreationFailed> => {
  const nowMs = Time.nowWith(env.state.clock, Time.hostClock().currentTimeMillisUnsafe())
  const claims = Jwt.modemClaims({
    chip: env.profile.chip,
    deviceUuid: env.identity.deviceUuid,
    firmwareUuid: env.profile.firmwareUuid,
    nonce: bytesToHex(env.entropy.bytesSync(16)),
    now: nowMs === undefined ? undefined : Math.floor(nowMs / 1000),
    expDelta: request.expDelta,
    subject: request.subject,
    audience: request.audience
  })
  const token = Jwt.signNow(claims, key, env.signer)
  if (Outcome.succeeded(token)) return Exit.succeed([`%JWT: "${token.value}"`])
  return Effect.mapBoth(token, {
    onFailure: (error) => new JwtCreationFailed({ reason: error.reason }),
    onSuccess: (value) => [`%JWT: "${value}"`]
  })
}

const createToken: Handler = (params, env) => {
  const request = parseRequest(params, env)
  if (request instanceof IncorrectParameters || request instanceof JwtCreationFailed) return Exit.fail(request)
  return request.stored === undefined
    ? signWith(env, request, env.identity.key)
    : Effect.flatMap(storedKey(env, request.stored.secTag, request.stored.keyType), (key) =>
        signWith(env, request, key)
      )
}

export const commands: ReadonlyArray<CommandSpec> = [
  { name: "%JWT", execute: (_, env) => createToken([], env), set: createToken }
]
