/**
 * Test support: the provisioning flow a factory tool runs against an nRF91, checked with independent oracles —
 * `openssl` for the CSR and certificates, `jose` for the tokens.
 *
 * AT+CFUN=4, AT%KEYGEN=<tag>,2,0 (CSR), CA and client certificate (signed from that CSR) written with CRLF line
 * ends through %CMNG=0, listed and compared by uppercase SHA-256, then AT%JWT=0,3600,"sub","aud",<tag>,2 verified
 * against the public key of the CSR; and a default-key AT%JWT verified against the identity key.
 */
import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { Channel, Client } from "@atmodem/transport"
import { assert } from "@effect/vitest"
import { Effect } from "effect"
import * as jose from "jose"
import { requireTool } from "./Sim.ts"

export interface Ca {
  readonly dir: string
  readonly certPem: string
  readonly certPath: string
  readonly keyPath: string
}

const openssl = (args: ReadonlyArray<string>, input?: string) => {
  const result = spawnSync("openssl", [...args], { input: input ?? "", encoding: "utf8" })
  assert.isUndefined(result.error, `cannot run openssl: ${result.error?.message}`)
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

export const requireOpenssl = requireTool("openssl", 'install it, e.g. "apt-get install openssl"')
export const requireSocat = requireTool("socat", 'install it, e.g. "apt-get install socat" (CI\'s .ci/run does)')

/** A throwaway P-256 CA made with openssl. */
export const makeCa = (dir: string) =>
  Effect.gen(function* () {
    yield* requireOpenssl
    const keyPath = join(dir, "ca.key")
    const certPath = join(dir, "ca.pem")
    const made = yield* Effect.sync(() =>
      openssl([
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        keyPath,
        "-out",
        certPath,
        "-subj",
        "/CN=atmodem test CA",
        "-days",
        "2"
      ])
    )
    assert.strictEqual(made.status, 0, made.stderr)
    return { dir, keyPath, certPath, certPem: readFileSync(certPath, "utf8") } satisfies Ca
  })

const pem = (label: string, der: Uint8Array) => {
  const body = Buffer.from(der)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .trimEnd()
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`
}

export const toCrlf = (text: string) => text.replace(/\r?\n/g, "\r\n")
export const sha256Upper = (text: string) => createHash("sha256").update(text, "utf8").digest("hex").toUpperCase()

/** The string inside `<prefix>: "<value>"`. */
export const quotedValue = (line: string | undefined, prefix: string): string => {
  const match = new RegExp(`^${prefix.replace(/[%+]/g, "\\$&")}: "([^"]*)"$`).exec(line ?? "")
  assert.isNotNull(match, `expected ${prefix}: "..." but got ${JSON.stringify(line)}`)
  return match![1]!
}

export interface FlowResult {
  readonly csrPem: string
  readonly csrPublicKeyPem: string
  readonly token: string
  readonly payload: jose.JWTPayload
}

const kidOf = (spkiPem: string) => {
  const der = Buffer.from(spkiPem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64")
  return createHash("sha256").update(der).digest("hex")
}

/** Runs the whole provisioning flow for `tag` and checks every step. */
export const provision = (
  client: Client.Client,
  options: { readonly tag: number; readonly ca: Ca; readonly chip?: string; readonly deviceUuid?: string }
): Effect.Effect<FlowResult, Channel.TransportError | Client.CommandFailed> =>
  Effect.gen(function* () {
    const { tag, ca } = options
    const chip = options.chip ?? "nRF9160"
    assert.deepStrictEqual(yield* client.command("AT+CFUN=4"), [])

    // Key generation: a CSR signed by the new key, which openssl must accept.
    const keygen = quotedValue((yield* client.command(`AT%KEYGEN=${tag},2,0`))[0], "%KEYGEN")
    const [csrPart, cosePart] = keygen.split(".")
    assert.isDefined(cosePart, "KEYGEN answers <CSR>.<COSE>")
    const csrPem = pem("CERTIFICATE REQUEST", Buffer.from(csrPart!, "base64url"))
    const csrPath = join(ca.dir, `csr-${tag}.pem`)
    writeFileSync(csrPath, csrPem)
    const verified = openssl(["req", "-verify", "-noout", "-in", csrPath])
    assert.strictEqual(verified.status, 0, `openssl req -verify: ${verified.stderr}`)
    assert.match(verified.stdout + verified.stderr, /verify OK/i)
    const pubkey = openssl(["req", "-pubkey", "-noout", "-in", csrPath])
    assert.strictEqual(pubkey.status, 0, pubkey.stderr)
    const csrPublicKeyPem = pubkey.stdout

    // The CA and the client certificate made from the CSR, written with CRLF line ends.
    const certPath = join(ca.dir, `client-${tag}.pem`)
    const signed = openssl([
      "x509",
      "-req",
      "-in",
      csrPath,
      "-CA",
      ca.certPath,
      "-CAkey",
      ca.keyPath,
      "-set_serial",
      String(tag),
      "-days",
      "1",
      "-out",
      certPath
    ])
    assert.strictEqual(signed.status, 0, signed.stderr)
    const caContent = toCrlf(ca.certPem)
    const clientContent = toCrlf(readFileSync(certPath, "utf8"))
    assert.deepStrictEqual(yield* client.command(`AT%CMNG=0,${tag},0,"${caContent}"`), [])
    assert.deepStrictEqual(yield* client.command(`AT%CMNG=0,${tag},1,"${clientContent}"`), [])

    // Listing: uppercase SHA-256 of exactly what was written; the generated key is there as type 2.
    const listed = yield* client.command(`AT%CMNG=1,${tag}`)
    assert.strictEqual(listed.length, 3, listed.join("\n"))
    assert.strictEqual(listed[0], `%CMNG: ${tag},0,"${sha256Upper(caContent)}"`)
    assert.strictEqual(listed[1], `%CMNG: ${tag},1,"${sha256Upper(clientContent)}"`)
    assert.match(listed[2]!, new RegExp(`^%CMNG: ${tag},2,"[0-9A-F]{64}"$`))
    const read = yield* client.command(`AT%CMNG=2,${tag},0`)
    assert.deepStrictEqual(read, [`%CMNG: ${tag},0,"${sha256Upper(caContent)}","${caContent}"`])

    // A token signed by the generated key, verified by jose against the CSR's public key.
    const token = quotedValue((yield* client.command(`AT%JWT=0,3600,"sub-${tag}","aud-${tag}",${tag},2`))[0], "%JWT")
    const key = yield* Effect.promise(() => jose.importSPKI(csrPublicKeyPem, "ES256"))
    const { payload, protectedHeader } = yield* Effect.promise(() =>
      jose.jwtVerify(token, key, { subject: `sub-${tag}`, audience: `aud-${tag}` })
    )
    assert.deepStrictEqual(protectedHeader, { typ: "JWT", alg: "ES256", kid: kidOf(csrPublicKeyPem) })
    assert.match(String(payload.iss), new RegExp(`^${chip}\\.[0-9a-f-]{36}$`))
    if (options.deviceUuid !== undefined) assert.strictEqual(payload.iss, `${chip}.${options.deviceUuid}`)
    assert.match(String(payload.jti), new RegExp(`^${chip}\\.[0-9a-f-]{36}\\.[0-9a-f]{32}$`))
    return { csrPem, csrPublicKeyPem, token, payload } satisfies FlowResult
  })

/** AT%JWT with the device identity key, verified by jose against the given public key. */
export const defaultKeyJwt = (
  client: Client.Client,
  identityPublicKeyPem: string
): Effect.Effect<
  { readonly token: string; readonly payload: jose.JWTPayload },
  Channel.TransportError | Client.CommandFailed
> =>
  Effect.gen(function* () {
    const token = quotedValue((yield* client.command("AT%JWT"))[0], "%JWT")
    const key = yield* Effect.promise(() => jose.importSPKI(identityPublicKeyPem, "ES256"))
    const { payload, protectedHeader } = yield* Effect.promise(() => jose.jwtVerify(token, key))
    assert.strictEqual(protectedHeader.kid, kidOf(identityPublicKeyPem))
    assert.deepStrictEqual(Object.keys(payload), ["iss", "jti"])
    return { token, payload }
  })

/** `atmodem-sim identity --json` output. */
export interface IdentityJson {
  readonly profile: string
  readonly stateDir: string | null
  readonly imei: string
  readonly deviceUuid: string
  readonly firmwareUuid: string
  readonly kid: string
  readonly publicKeyPem: string
  readonly publicKeyJwk: jose.JWK
}
