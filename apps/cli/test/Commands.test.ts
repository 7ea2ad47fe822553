/**
 * Every modem command, end to end against the simulator, on each transport the CLI speaks: TCP, WebSocket, a
 * socat pseudo-terminal (`serial:`; Node only — the serial client needs the serialport binding) and the
 * in-process `sim:` target. Tokens are checked by jose, CSRs by openssl.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { Key } from "@atmodem/jwt-core"
import { Setup } from "@atmodem/modem-sim"
import { SerialTransport } from "@atmodem/transport-serial"
import { NodeServices } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, type Scope } from "effect"
import * as jose from "jose"
import { hasProgram, identityKey, json, openssl, ptySim, runCli, tcpSim, tempDir, wsSim } from "./helpers.ts"

interface Transport {
  readonly name: string
  /** A fresh modem (seeded with `seed`) and the `--port` value that reaches it. */
  readonly start: (seed: string) => Effect.Effect<string, unknown, Scope.Scope>
  /** Whether the modem keeps volatile state (+CFUN) between two CLI runs. */
  readonly persistent: boolean
  readonly enabled: boolean
}

const transports: ReadonlyArray<Transport> = [
  { name: "tcp", start: tcpSim, persistent: true, enabled: true },
  { name: "websocket", start: wsSim, persistent: true, enabled: true },
  {
    name: "socat pty",
    start: ptySim,
    persistent: true,
    enabled: SerialTransport.supported() && hasProgram("socat")
  },
  {
    name: "sim: (in process, state directory)",
    start: (seed) => Effect.map(tempDir, (dir) => `sim:${path.join(dir, "state")}?seed=${seed}`),
    persistent: false,
    enabled: true
  }
]

const keyPair = Effect.promise(async () => {
  const { privateKey, publicKey } = await jose.generateKeyPair("ES256", { extractable: true })
  return { privateKey, publicKey, pkcs8: await jose.exportPKCS8(privateKey), spki: await jose.exportSPKI(publicKey) }
})

const write = (dir: string, name: string, content: string) => {
  const file = path.join(dir, name)
  fs.writeFileSync(file, content)
  return file
}

for (const transport of transports) {
  describe.skipIf(!transport.enabled)(`commands over ${transport.name}`, () => {
    const cli = (port: string, args: ReadonlyArray<string>, stdin?: string) =>
      runCli(["--port", port, "--timeout", "10", ...args], stdin === undefined ? {} : { stdin })

    it.live("identity: manufacturer, model, firmware, IMEI, UUIDs", () =>
      Effect.gen(function* () {
        const port = yield* transport.start("identity")
        const run = yield* cli(port, ["--json", "identity"])
        assert.strictEqual(run.code, 0, run.stderr)
        const doc = json(run)
        assert.strictEqual(doc.ok, true)
        assert.strictEqual(doc.manufacturer, "Nordic Semiconductor ASA")
        assert.strictEqual(doc.model, "nRF9160-SICA")
        assert.strictEqual(doc.revision, "mfw_nrf9160_1.3.5")
        assert.match(String(doc.imei), /^\d{15}$/)
        assert.strictEqual(doc.firmwareUuid, "f72d9789-2e73-4780-9248-b3952f89b872")
        assert.match(String(doc.deviceUuid), /^[0-9a-f]{8}-[0-9a-f]{4}-/)
        assert.strictEqual(doc.deviceUuidSource, "AT%ATTESTTOKEN")
        assert.strictEqual(doc.hardwareVersion, "nRF9160 SICA B0A")
        const text = yield* cli(port, ["identity"])
        assert.strictEqual(text.code, 0)
        assert.include(text.stdout, "manufacturer   Nordic Semiconductor ASA")
        assert.include(text.stdout, `device UUID    ${doc.deviceUuid} (from the attestation token)`)
      })
    )

    it.live("at: prints answers, CME codes with their meaning, exit 1 on an error", () =>
      Effect.gen(function* () {
        const port = yield* transport.start("at")
        const ok = yield* cli(port, ["at", "AT+CGMI"])
        assert.deepStrictEqual([ok.code, ok.stdout], [0, "Nordic Semiconductor ASA\nOK\n"])
        const failed = yield* cli(port, ["at", "+CGMM", "AT%CMNG=2,1,0", "AT+CGMI"])
        assert.strictEqual(failed.code, 1)
        assert.strictEqual(failed.stdout, "> AT+CGMM\nnRF9160-SICA\nOK\n> AT%CMNG=2,1,0\n+CME ERROR: 513 — not found\n")
        // The lines after a failed one are not sent, and stderr says so.
        assert.strictEqual(failed.stderr, "note: skipped 1 remaining line after the failure (not sent)\n")
        const doc = json(yield* cli(port, ["--json", "at", "AT%CMNG=2,1,0"]))
        assert.deepStrictEqual(doc, {
          ok: false,
          target: port.startsWith("sim:") ? `sim ${port.slice(4, port.indexOf("?"))}` : doc.target,
          responses: [
            { command: "AT%CMNG=2,1,0", lines: [], final: { result: "CME ERROR", code: 513, meaning: "not found" } }
          ],
          skipped: 0
        })
        const stopped = yield* cli(port, ["--json", "at", "AT+FOO", "AT+CGSN", "AT+CGMI"])
        assert.strictEqual(stopped.code, 1)
        const stoppedDoc = json(stopped)
        assert.deepStrictEqual(
          [(stoppedDoc.responses as Array<unknown>).length, stoppedDoc.skipped, stoppedDoc.notes],
          [1, 2, ["skipped 2 remaining lines after the failure (not sent)"]]
        )
        assert.include(stopped.stderr, "note: skipped 2 remaining lines after the failure (not sent)")
        const all = yield* cli(port, ["--json", "at", "AT+CGMI", "AT+CGMM"])
        assert.deepStrictEqual([all.code, json(all).skipped, all.stderr], [0, 0, ""])
        const raw = yield* cli(port, ["at", "--raw", "AT+CMEE=0", "AT%CMNG=2,1,0"])
        assert.strictEqual(raw.code, 1)
        assert.include(raw.stdout, "> AT%CMNG=2,1,0\nERROR\n")
      })
    )

    it.live("jwt: default key token verified by jose with the identity key; --decode; --verify", () =>
      Effect.gen(function* () {
        const seed = "jwt"
        const port = yield* transport.start(seed)
        const dir = yield* tempDir
        const identity = yield* identityKey(seed)
        const identityPem = write(dir, "identity.pem", Key.spkiPem(identity))
        const run = yield* cli(port, ["jwt", "--sub", "device-1", "--aud", "cloud", "--exp", "300"])
        assert.strictEqual(run.code, 0, run.stderr)
        const token = run.stdout.trim()
        const joseKey = yield* Effect.promise(() => jose.importJWK({ ...Key.publicJwk(identity) }, "ES256"))
        const verified = yield* Effect.promise(() =>
          jose.jwtVerify(token, joseKey, { subject: "device-1", audience: "cloud" })
        )
        assert.strictEqual(verified.protectedHeader.kid, Key.kid(identity))
        // The offline commands take the simulator's token as they take jose's.
        const offline = yield* runCli(["verify", token, "--key", identityPem, "--sub", "device-1", "--aud", "cloud"])
        assert.strictEqual(offline.code, 0, offline.stderr)
        const shown = json(yield* runCli(["--json", "decode", token]))
        assert.deepStrictEqual(shown.claims, verified.payload)
        assert.deepStrictEqual(shown.header, verified.protectedHeader)
        const decoded = yield* cli(port, ["jwt", "--decode", "--verify", identityPem, "--sub", "s"])
        assert.strictEqual(decoded.code, 0, decoded.stderr)
        assert.include(decoded.stdout, "claims\n  iss  nRF9160.")
        assert.include(decoded.stdout, "  sub  s\n")
        assert.include(decoded.stdout, `verified: the signature is valid for the key with kid ${Key.kid(identity)}`)
        const doc = json(yield* cli(port, ["--json", "jwt", "--verify", identityPem]))
        assert.strictEqual(doc.ok, true)
        assert.deepStrictEqual(Object.keys(doc), ["ok", "token", "header", "claims", "signatureBytes", "verification"])
        assert.deepStrictEqual(doc.verification, { valid: true, keyKid: Key.kid(identity) })
        assert.deepStrictEqual(Object.keys(doc.claims as object), ["iss", "jti"])
        const missing = yield* cli(port, ["jwt", "--sec-tag", "77"])
        assert.strictEqual(missing.code, 1)
        assert.include(missing.stderr, "AT%JWT=0,,,,77,2 answered +CME ERROR: 513 — not found")
      })
    )

    it.live("creds write/list/check/read/delete, then a client-key token verified by jose", () =>
      Effect.gen(function* () {
        const port = yield* transport.start("creds")
        const dir = yield* tempDir
        const { pkcs8, spki, publicKey } = yield* keyPair
        const keyFile = write(dir, "key.pem", pkcs8)
        const written = yield* cli(port, ["--json", "creds", "write", "--tag", "42", "--type", "client-key", keyFile])
        assert.strictEqual(written.code, 0, written.stderr)
        const sha = fs.existsSync(keyFile) ? (json(written).sha256 as string) : ""
        assert.deepStrictEqual(json(written), {
          ok: true,
          secTag: 42,
          type: 2,
          typeName: "client private key",
          sha256: sha,
          modemSha256: sha,
          verified: true
        })
        assert.notInclude(written.stdout + written.stderr, pkcs8.split("\n")[1]!, "the key is never printed")

        const list = json(yield* cli(port, ["--json", "creds", "list", "--tag", "42"]))
        assert.deepStrictEqual(list.credentials, [{ secTag: 42, type: 2, typeName: "client private key", sha256: sha }])
        const all = json(yield* cli(port, ["--json", "creds", "list", "--type", "6"]))
        assert.deepStrictEqual(
          (all.credentials as Array<{ secTag: number }>).map((c) => c.secTag),
          [4294967294]
        )

        const same = yield* cli(port, ["creds", "check", "--tag", "42", "--type", "2", keyFile])
        assert.strictEqual(same.code, 0)
        assert.include(same.stdout, `42,2 matches ${keyFile}`)
        const crlf = write(dir, "key-crlf.pem", pkcs8.replace(/\n/g, "\r\n"))
        const lineEnds = yield* cli(port, ["--json", "creds", "check", "--tag", "42", "--type", "2", crlf])
        assert.strictEqual(lineEnds.code, 5)
        assert.strictEqual(json(lineEnds).match, "line-endings")
        const lineEndsText = yield* cli(port, ["creds", "check", "--tag", "42", "--type", "2", crlf])
        assert.include(lineEndsText.stdout, "differs from")
        assert.include(lineEndsText.stdout, "only in line endings: the modem's copy has LF line ends")
        const other = yield* cli(port, ["creds", "check", "--tag", "42", "--type", "2", write(dir, "p.pem", spki)])
        assert.strictEqual(other.code, 5)
        assert.include(other.stdout, "42,2 differs from")
        const absent = json(yield* cli(port, ["--json", "creds", "check", "--tag", "43", "--type", "2", keyFile]))
        assert.deepStrictEqual([absent.ok, absent.match], [false, "absent"])

        const token = (yield* cli(port, ["jwt", "--sec-tag", "42", "--sub", "nrf-1"])).stdout.trim()
        const verified = yield* Effect.promise(() => jose.jwtVerify(token, publicKey, { subject: "nrf-1" }))
        assert.strictEqual(verified.payload.sub, "nrf-1")
        const checked = yield* cli(port, ["jwt", "--sec-tag", "42", "--verify", keyFile])
        assert.strictEqual(checked.code, 0, checked.stderr)

        const unreadable = yield* cli(port, ["creds", "read", "--tag", "42", "--type", "2"])
        assert.strictEqual(unreadable.code, 1)
        assert.include(unreadable.stderr, "+CME ERROR: 514 — no access")
        const identityFile = write(dir, "psk-id.txt", "device-psk-identity")
        assert.strictEqual((yield* cli(port, ["creds", "write", "--tag", "42", "--type", "4", identityFile])).code, 0)
        const read = yield* cli(port, ["creds", "read", "--tag", "42", "--type", "psk-identity"])
        assert.deepStrictEqual([read.code, read.stdout], [0, "device-psk-identity\n"])
        const readJson = json(yield* cli(port, ["--json", "creds", "read", "--tag", "42", "--type", "4"]))
        assert.strictEqual(readJson.content, "device-psk-identity")

        const deleted = yield* cli(port, ["creds", "delete", "--tag", "42", "--type", "2"])
        assert.deepStrictEqual([deleted.code, deleted.stdout], [0, "deleted 42,2 (client private key)\n"])
        const gone = yield* cli(port, ["creds", "delete", "--tag", "42", "--type", "2"])
        assert.strictEqual(gone.code, 1)
        assert.include(gone.stderr, "+CME ERROR: 513 — not found")
      })
    )

    it.live("creds write --password: an encrypted key signs tokens; the password is never printed", () =>
      Effect.gen(function* () {
        const port = yield* transport.start("password")
        const dir = yield* tempDir
        const plain = path.join(dir, "plain.pem")
        assert.strictEqual(
          (yield* openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", plain])).code,
          0
        )
        const encrypted = yield* openssl([
          "pkcs8",
          "-topk8",
          "-in",
          plain,
          "-v2",
          "aes-256-cbc",
          "-passout",
          "pass:s3cret-pw"
        ])
        const keyFile = write(dir, "encrypted.pem", encrypted.stdout)
        const args = ["creds", "write", "--tag", "9", "--type", "2", keyFile, "--password", "s3cret-pw"]
        const run = yield* cli(port, args)
        assert.strictEqual(run.code, 0, run.stderr)
        const token = yield* cli(port, ["jwt", "--sec-tag", "9", "--verify", plain])
        assert.strictEqual(token.code, 0, token.stderr)
        const quoted = yield* cli(port, ["creds", "write", "--tag", "9", "--type", "2", keyFile, "--password", 'a"b'])
        assert.strictEqual(quoted.code, 2)
        for (const output of [run, token, quoted]) assert.notInclude(output.stdout + output.stderr, "s3cret-pw")
      })
    )

    it.live.skipIf(!transport.persistent)("creds write switches an online modem to +CFUN=4 and says so", () =>
      Effect.gen(function* () {
        const port = yield* transport.start("cfun")
        const dir = yield* tempDir
        const file = write(dir, "ca.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
        assert.strictEqual((yield* cli(port, ["at", "AT+CFUN=1"])).code, 0)
        const run = yield* cli(port, ["--json", "creds", "write", "--tag", "5", "--type", "0", file])
        assert.strictEqual(run.code, 0, run.stderr)
        assert.include(run.stderr, "note: the modem was in +CFUN=1 (LTE active); switched it to +CFUN=4 (offline)")
        assert.deepStrictEqual((json(run).notes as Array<string>).length, 1)
        const mode = yield* cli(port, ["at", "AT+CFUN?"])
        assert.strictEqual(mode.stdout, "+CFUN: 4\nOK\n")
        const again = yield* cli(port, ["creds", "delete", "--tag", "5", "--type", "0"])
        assert.strictEqual(again.code, 0)
        assert.notInclude(again.stderr, "note:")
      })
    )

    it.live("keygen: CSR as PEM that openssl verifies, COSE fields decoded and checked", () =>
      Effect.gen(function* () {
        const seed = "keygen"
        const port = yield* transport.start(seed)
        const dir = yield* tempDir
        const csrFile = path.join(dir, "csr.pem")
        const identityFile = write(dir, "identity.pem", Key.spkiPem(yield* identityKey(seed)))
        const run = yield* cli(port, [
          "--json",
          "keygen",
          "--tag",
          "16842753",
          "--out",
          csrFile,
          "--identity-key",
          identityFile
        ])
        assert.strictEqual(run.code, 0, run.stderr)
        const doc = json(run)
        const cose = doc.cose as Record<string, unknown>
        assert.deepStrictEqual(
          [cose.algName, cose.kid, cose.messageType, cose.secTag, cose.digestMatches, cose.signatureValid],
          ["ES256", "21", 9, 16842753, true, true]
        )
        assert.match(String(cose.nonce), /^[0-9a-f]{32}$/)
        const csr = doc.csr as { subjectText: string; signatureValid: boolean }
        assert.deepStrictEqual(csr, { ...csr, subjectText: `CN=${cose.deviceUuid}`, signatureValid: true })
        const verified = yield* openssl(["req", "-in", csrFile, "-verify", "-noout", "-subject"])
        assert.strictEqual(verified.code, 0, verified.stderr)
        assert.include(verified.stdout, `CN = ${cose.deviceUuid}`)
        // The CSR works as the key to verify tokens signed by the new key.
        const token = yield* cli(port, ["jwt", "--sec-tag", "16842753", "--verify", csrFile])
        assert.strictEqual(token.code, 0, token.stderr)

        const text = yield* cli(port, ["keygen", "--tag", "7", "--attributes", "CN=nrf-352656100367872,O=Acme"])
        assert.strictEqual(text.code, 0, text.stderr)
        assert.include(text.stdout, "-----BEGIN CERTIFICATE REQUEST-----\n")
        assert.include(text.stdout, "CSR subject     CN=nrf-352656100367872, O=Acme\n")
        assert.include(text.stdout, "message type    9 (CSR)\n")
        assert.include(text.stdout, "(matches the DER)")
        const pub = json(yield* cli(port, ["--json", "keygen", "--tag", "8", "--public-key"]))
        assert.include(String(pub.publicKeyPem), "-----BEGIN PUBLIC KEY-----")
        assert.strictEqual((pub.cose as { messageType: number }).messageType, 8)
      })
    )

    it.live("attest: device UUID, type, firmware UUID, the challenge as nonce, COSE checked", () =>
      Effect.gen(function* () {
        const seed = "attest"
        const port = yield* transport.start(seed)
        const dir = yield* tempDir
        const identityFile = write(dir, "identity.pem", Key.spkiPem(yield* identityKey(seed)))
        const challenge = "00112233445566778899aabbccddeeff"
        const run = yield* cli(port, ["--json", "attest", "--challenge", challenge, "--identity-key", identityFile])
        assert.strictEqual(run.code, 0, run.stderr)
        const doc = json(run)
        assert.deepStrictEqual(
          [doc.messageType, doc.deviceType, doc.deviceTypeName, doc.firmwareUuid, doc.nonce],
          [1, 3, "nRF9160 SICA", "f72d9789-2e73-4780-9248-b3952f89b872", challenge]
        )
        assert.deepStrictEqual(doc.cose, { alg: -7, algName: "ES256", kid: "21", signatureValid: true })
        const identity = json(yield* cli(port, ["--json", "identity"]))
        assert.strictEqual(doc.deviceUuid, identity.deviceUuid)
      })
    )

    it.live("shell: piped lines run one by one, CME meanings shown, exit ends it", () =>
      Effect.gen(function* () {
        const port = yield* transport.start("shell")
        const run = yield* cli(port, ["shell"], "AT+CGMI\n\n+CGMM\nAT%CMNG=2,9,0\nexit\nAT+CGSN\n")
        // Piped input exits with the status of the last command, as sh -c does: here a CME error.
        assert.strictEqual(run.code, 1, run.stderr)
        assert.strictEqual(run.stdout, "Nordic Semiconductor ASA\nOK\nnRF9160-SICA\nOK\n+CME ERROR: 513 — not found\n")
      })
    )

    it.live(
      "shell: a quoted string over several lines is one command, joined with LF; unfinished input is not sent",
      () =>
        Effect.gen(function* () {
          const port = yield* transport.start("shell-multiline")
          const content = "-----BEGIN X-----\nline one\n-----END X-----"
          const run = yield* cli(port, ["shell"], `AT%CMNG=0,950,4,"${content}"\nAT%CMNG=2,950,4\n`)
          assert.strictEqual(run.code, 0, run.stderr)
          assert.include(run.stdout, `"${content}"\nOK\n`)
          const cut = yield* cli(port, ["shell"], 'AT+CGMI\nAT%CMNG=0,951,4,"never\nclosed\n')
          assert.strictEqual(cut.code, 2)
          assert.include(cut.stderr, "input ended inside a quoted string; that command was not sent")
          const listed = yield* cli(port, ["shell"], "AT%CMNG=1,951\n")
          assert.strictEqual(listed.stdout, "OK\n")
        })
    )

    it.live("shell: piped input exits with the last command's status (0 OK, 1 ERROR or CME); a terminal with 0", () =>
      Effect.gen(function* () {
        const port = yield* transport.start("shell-status")
        const status = (stdin: string, options: { readonly stdinIsTTY?: boolean } = {}) =>
          Effect.map(runCli(["--port", port, "--timeout", "10", "shell"], { stdin, ...options }), (run) => run.code)
        assert.strictEqual(yield* status("AT%CMNG=2,9,0\nAT+CGMI\n"), 0)
        assert.strictEqual(yield* status("AT+CGMI\nAT+FOO\n"), 1)
        assert.strictEqual(yield* status("AT+CGMI\nAT+FOO\nexit\n"), 1)
        assert.strictEqual(yield* status("AT+CGMI\nAT%CMNG=2,9,0\n\n"), 1)
        assert.strictEqual(yield* status(""), 0)
        assert.strictEqual(yield* status("AT+FOO\r", { stdinIsTTY: true }), 0)
      })
    )
  })
}

describe("targets in special situations", () => {
  it.live("ws:// on a runtime without a global WebSocket (Node 20): the ws library's client is used", () =>
    Effect.gen(function* () {
      const port = yield* wsSim("node20")
      yield* Effect.acquireRelease(
        Effect.sync(() => {
          const saved = Object.getOwnPropertyDescriptor(globalThis, "WebSocket")
          Reflect.deleteProperty(globalThis, "WebSocket")
          return saved
        }),
        (saved) =>
          Effect.sync(() => {
            if (saved !== undefined) Object.defineProperty(globalThis, "WebSocket", saved)
          })
      )
      assert.isUndefined((globalThis as { WebSocket?: unknown }).WebSocket)
      const run = yield* runCli(["--port", port, "--json", "identity"])
      assert.strictEqual(run.code, 0, run.stderr)
      assert.strictEqual(json(run).manufacturer, "Nordic Semiconductor ASA")
      const refused = yield* runCli(["--port", "ws://127.0.0.1:1/", "--timeout", "2", "--json", "identity"])
      assert.strictEqual(refused.code, 3)
      const error = json(refused).error as { kind: string; message: string }
      assert.deepStrictEqual(
        [error.kind, error.message],
        ["ConnectionFailed", "cannot connect to ws://127.0.0.1:1/: connect ECONNREFUSED 127.0.0.1:1"]
      )
    }).pipe(Effect.scoped)
  )

  it.live("sim:STATE_DIR while a simulator holds it: exit 3, and the advice to connect to that simulator", () =>
    Effect.gen(function* () {
      const stateDir = path.join(yield* tempDir, "state")
      // The running simulator: this process, holding the directory's lock.
      yield* Layer.build(Setup.layerPersistent({ stateDir, seed: "held" })).pipe(Effect.provide(NodeServices.layer))
      const run = yield* runCli(["--port", `sim:${stateDir}`, "identity"])
      assert.strictEqual(run.code, 3)
      assert.include(run.stderr, `state directory ${stateDir} is in use by process ${process.pid}`)
      assert.include(run.stderr, "connect to that simulator instead with --port tcp://HOST:PORT")
    })
  )
})
