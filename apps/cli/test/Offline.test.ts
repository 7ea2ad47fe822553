/**
 * `decode` and `verify` without a modem: tokens made by jose and by the simulator, keys in every form a user
 * may have, and each way a verification fails (exit 5) or the input is unusable (exit 2).
 */
import { execFileSync } from "node:child_process"
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as jose from "jose"
import { json, openssl, runCli, tempDir } from "./helpers.ts"

/** TV-1 of the spec: a real nRF9160 token from the nRF Connect SDK tests. */
const TV1 =
  "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiIsImtpZCI6ImU2YzM1Y2VhMWY1NDFhNGJlNDg1ZmY4ZGIyMWY1MWRmZTcyNDJlN2NhN2I5NDU2YzkwZjY5ODE1ZTc3ZWE2MWYifSAg.eyJpc3MiOiJuUkY5MTYwLjUwMzYzMTU0LTM5MzAtNGQ5Ni04MGY5LTEzMTIxY2YzNWFkYyIsImp0aSI6Im5SRjkxNjAuZjcyZDk3ODktMmU3My00NzgwLTkyNDgtYjM5NTJmODliODcyLjk0MmQ5OWI5MDNhY2EyYzNkZDY0OWI1ZDYxMjMyMmRjIiwic3ViIjoiNTAzNjMxNTQtMzkzMC00ZDk2LTgwZjktMTMxMjFjZjM1YWRjIn0g.tW2wG-sSE01jtrcT9JmFvPVIvEB99jUGGHIUCCH65fG5HtBrisOD1cl0L49cuyo2OE6XXvI9wdKSASxDQPJ8lw"

const setup = Effect.gen(function* () {
  const dir = yield* tempDir
  const { privateKey, publicKey } = yield* Effect.promise(() => jose.generateKeyPair("ES256", { extractable: true }))
  const other = yield* Effect.promise(() => jose.generateKeyPair("ES256", { extractable: true }))
  const file = (name: string, content: string) => {
    const p = path.join(dir, name)
    fs.writeFileSync(p, content)
    return p
  }
  const files = {
    spki: file("pub.pem", yield* Effect.promise(() => jose.exportSPKI(publicKey))),
    pkcs8: file("key.pem", yield* Effect.promise(() => jose.exportPKCS8(privateKey))),
    jwk: file("pub.jwk", JSON.stringify(yield* Effect.promise(() => jose.exportJWK(publicKey)))),
    otherSpki: file("other.pem", yield* Effect.promise(() => jose.exportSPKI(other.publicKey)))
  }
  const now = Math.floor(Date.now() / 1000)
  const sign = (claims: jose.JWTPayload, header: Partial<jose.JWTHeaderParameters> = {}) =>
    Effect.promise(() => new jose.SignJWT(claims).setProtectedHeader({ alg: "ES256", ...header }).sign(privateKey))
  return { dir, file, files, now, sign }
})

describe("decode", () => {
  it.live("shows the header and claims of TV-1 (a real modem token), as text and JSON", () =>
    Effect.gen(function* () {
      const text = yield* runCli(["decode", TV1])
      assert.strictEqual(text.code, 0)
      assert.strictEqual(
        text.stdout,
        [
          "header",
          "  typ  JWT",
          "  alg  ES256",
          "  kid  e6c35cea1f541a4be485ff8db21f51dfe7242e7ca7b9456c90f69815e77ea61f",
          "claims",
          "  iss  nRF9160.50363154-3930-4d96-80f9-13121cf35adc",
          "  jti  nRF9160.f72d9789-2e73-4780-9248-b3952f89b872.942d99b903aca2c3dd649b5d612322dc",
          "  sub  50363154-3930-4d96-80f9-13121cf35adc",
          "signature  64 bytes (not verified)",
          ""
        ].join("\n")
      )
      const doc = json(yield* runCli(["--json", "decode", TV1]))
      assert.deepStrictEqual(doc, {
        ok: true,
        token: TV1,
        header: { typ: "JWT", alg: "ES256", kid: "e6c35cea1f541a4be485ff8db21f51dfe7242e7ca7b9456c90f69815e77ea61f" },
        claims: {
          iss: "nRF9160.50363154-3930-4d96-80f9-13121cf35adc",
          jti: "nRF9160.f72d9789-2e73-4780-9248-b3952f89b872.942d99b903aca2c3dd649b5d612322dc",
          sub: "50363154-3930-4d96-80f9-13121cf35adc"
        },
        signatureBytes: 64,
        verified: false
      })
    })
  )

  it.live("reads the token from stdin with -, and accepts the modem's %JWT: line", () =>
    Effect.gen(function* () {
      const piped = yield* runCli(["decode", "-"], { stdin: `${TV1}\n` })
      assert.strictEqual(piped.code, 0)
      assert.include(piped.stdout, "sub  50363154-3930-4d96-80f9-13121cf35adc")
      const line = yield* runCli(["--json", "decode", `%JWT: "${TV1}"`])
      assert.strictEqual(json(line).token, TV1)
    })
  )

  it.live("shows iat and exp as dates; a malformed token is a usage error (exit 2)", () =>
    Effect.gen(function* () {
      const { sign } = yield* setup
      const token = yield* sign({ iat: 1676930358, exp: 1676930658 })
      const run = yield* runCli(["decode", token])
      assert.include(run.stdout, "iat  1676930358 (2023-02-20T21:59:18Z)")
      assert.include(run.stdout, "exp  1676930658 (2023-02-20T22:04:18Z)")
      const bad = yield* runCli(["--json", "decode", "not.a-token"])
      assert.strictEqual(bad.code, 2)
      assert.deepStrictEqual(json(bad).error, {
        kind: "UsageError",
        message: "not a JWT: a compact JWS has 3 dot-separated segments, got 2",
        exitCode: 2
      })
    })
  )
})

describe("verify", () => {
  it.live("a jose token verifies with its public key in PEM, JWK and private key form", () =>
    Effect.gen(function* () {
      const { files, now, sign } = yield* setup
      const token = yield* sign({ sub: "nrf-1", aud: "cloud", iat: now, exp: now + 300 })
      for (const key of [files.spki, files.jwk, files.pkcs8]) {
        const run = yield* runCli(["verify", token, "--key", key, "--aud", "cloud", "--sub", "nrf-1"])
        assert.strictEqual(run.code, 0, `${key}: ${run.stderr}`)
        assert.match(
          run.stdout,
          /^verified: the signature is valid for the key with kid [0-9a-f]{64}, and the claims pass\n/
        )
      }
      const doc = json(yield* runCli(["--json", "verify", token, "--key", files.spki]))
      assert.deepStrictEqual(Object.keys(doc), ["ok", "token", "header", "claims", "signatureBytes", "verification"])
      assert.strictEqual(doc.ok, true)
      assert.deepStrictEqual(Object.keys(doc.verification as object), ["valid", "keyKid"])
    })
  )

  it.live("openssl keys and certificates: SEC1 private key, self-signed certificate", () =>
    Effect.gen(function* () {
      const { dir, file } = yield* setup
      const sec1 = path.join(dir, "sec1.pem")
      assert.strictEqual(
        (yield* openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", sec1])).code,
        0
      )
      const cert = path.join(dir, "cert.pem")
      const made = yield* openssl([
        "req",
        "-new",
        "-x509",
        "-key",
        sec1,
        "-subj",
        "/CN=test",
        "-days",
        "1",
        "-out",
        cert
      ])
      assert.strictEqual(made.code, 0, made.stderr)
      const privateKey = yield* Effect.promise(() => jose.importPKCS8(pkcs8Of(sec1), "ES256"))
      const token = yield* Effect.promise(() =>
        new jose.SignJWT({ sub: "x" }).setProtectedHeader({ alg: "ES256" }).sign(privateKey)
      )
      for (const key of [sec1, cert]) {
        const run = yield* runCli(["verify", token, "--key", key])
        assert.strictEqual(run.code, 0, `${key}: ${run.stderr}`)
      }
      const encrypted = file(
        "enc.pem",
        (yield* openssl(["pkcs8", "-topk8", "-in", sec1, "-passout", "pass:secret", "-v2", "aes-256-cbc"])).stdout
      )
      const refused = yield* runCli(["verify", token, "--key", encrypted])
      assert.strictEqual(refused.code, 2)
      assert.include(refused.stderr, "an encrypted private key; give its public key instead")
    })
  )

  it.live("a key of another algorithm or curve says which, as a private key as well as a public one", () =>
    Effect.gen(function* () {
      const { dir, now, sign } = yield* setup
      const token = yield* sign({ iat: now })
      const rsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 })
      const p384 = crypto.generateKeyPairSync("ec", { namedCurve: "P-384" })
      const ed25519 = crypto.generateKeyPairSync("ed25519")
      const rsaReason = "RSA keys are not supported; ES256 needs a P-256 EC key"
      const p384Reason = "the key is on P-384; only P-256 (prime256v1) is supported"
      const cases: ReadonlyArray<readonly [string, string | Buffer, string]> = [
        ["rsa-pkcs8.pem", rsa.privateKey.export({ type: "pkcs8", format: "pem" }), rsaReason],
        ["rsa-pkcs1.pem", rsa.privateKey.export({ type: "pkcs1", format: "pem" }), rsaReason],
        ["rsa-pkcs8.der", rsa.privateKey.export({ type: "pkcs8", format: "der" }), rsaReason],
        ["rsa-public.pem", rsa.publicKey.export({ type: "spki", format: "pem" }), rsaReason],
        ["p384-pkcs8.pem", p384.privateKey.export({ type: "pkcs8", format: "pem" }), p384Reason],
        ["p384-sec1.pem", p384.privateKey.export({ type: "sec1", format: "pem" }), p384Reason],
        ["p384-pkcs8.der", p384.privateKey.export({ type: "pkcs8", format: "der" }), p384Reason],
        ["p384-public.pem", p384.publicKey.export({ type: "spki", format: "pem" }), p384Reason],
        [
          "ed25519.pem",
          ed25519.privateKey.export({ type: "pkcs8", format: "pem" }),
          "Ed25519 keys are not supported; ES256 needs a P-256 EC key"
        ]
      ]
      for (const [name, content, reason] of cases) {
        const key = path.join(dir, name)
        fs.writeFileSync(key, content)
        const run = yield* runCli(["verify", token, "--key", key])
        assert.strictEqual(run.code, 2, name)
        assert.strictEqual(run.stderr, `error: ${key} is not a P-256 key, certificate or CSR: ${reason}\n`)
      }
    })
  )

  it.live("each failed check: exit 5 and the reason", () =>
    Effect.gen(function* () {
      const { files, now, sign } = yield* setup
      const good = yield* sign({ sub: "nrf-1", aud: "cloud", iat: now, exp: now + 300 }, { kid: "abc" })
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
        [["verify", good, "--key", files.spki, "--aud", "other"], "the audience does not match"],
        [["verify", good, "--key", files.spki, "--sub", "nrf-2"], "the subject does not match"],
        [
          ["verify", good, "--key", files.otherSpki],
          "the signature does not verify with the key (the token's kid abc is not this key's kid"
        ],
        [["verify", yield* sign({ exp: now - 60 }), "--key", files.spki], "the token expired at"],
        [["verify", yield* sign({ iat: now + 3600 }), "--key", files.spki], "in the future"],
        [["verify", `${good.slice(0, -4)}AAAA`, "--key", files.spki], "the signature does not verify"]
      ]
      for (const [args, reason] of cases) {
        const run = yield* runCli(args)
        assert.strictEqual(run.code, 5, args.join(" "))
        assert.match(run.stdout, /^NOT VALID: /)
        assert.include(run.stdout, reason)
      }
      const tolerated = yield* runCli([
        "verify",
        yield* sign({ exp: now - 60 }),
        "--key",
        files.spki,
        "--clock-tolerance",
        "120"
      ])
      assert.strictEqual(tolerated.code, 0)
      const doc = json(yield* runCli(["--json", "verify", good, "--key", files.spki, "--aud", "other"]))
      assert.strictEqual(doc.ok, false)
      assert.deepStrictEqual((doc.verification as { valid: boolean; reason: string }).valid, false)
    })
  )

  it.live("other algorithms are refused (exit 5); unusable inputs are usage errors (exit 2)", () =>
    Effect.gen(function* () {
      const { files } = yield* setup
      const hs = yield* Effect.promise(() =>
        new jose.SignJWT({ sub: "x" }).setProtectedHeader({ alg: "HS256" }).sign(new Uint8Array(32))
      )
      const run = yield* runCli(["verify", hs, "--key", files.spki])
      assert.strictEqual(run.code, 5)
      assert.include(run.stdout, 'NOT VALID: alg is "HS256"; only "ES256" is supported')
      const missing = yield* runCli(["verify", hs, "--key", "/nonexistent/key.pem"])
      assert.strictEqual(missing.code, 2)
      assert.include(missing.stderr, "error: cannot read /nonexistent/key.pem")
      const noKey = yield* runCli(["verify", hs])
      assert.strictEqual(noKey.code, 2)
      const malformed = yield* runCli(["verify", "abc", "--key", files.spki])
      assert.strictEqual(malformed.code, 2)
    })
  )
})

/** openssl's SEC1 key as PKCS#8 text, for jose. */
const pkcs8Of = (sec1: string): string =>
  execFileSync("openssl", ["pkcs8", "-topk8", "-nocrypt", "-in", sec1], { encoding: "utf8" })
