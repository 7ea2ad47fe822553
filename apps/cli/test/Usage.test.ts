/**
 * Usage errors and what is checked before the modem is contacted: with `--json` every failure is exactly one
 * JSON document on stdout saying the real reason (help text goes to stderr), internal errors included; flags
 * the modem would refuse (or a file that cannot be written) fail with exit 2 before anything is sent.
 */
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, type FileSystem } from "effect"
import { fakePeer, json, runCli, tcpSim, tempDir } from "./helpers.ts"

/** A port that never answers: a command that reaches it ends with exit 4 after a second, not 2. */
const silent = Effect.map(fakePeer("silent"), (port) => ["--port", port, "--timeout", "1"])

describe("--json usage errors", () => {
  it.live("one JSON document with the parser's reason, exit 2; the help text goes to stderr", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
        [["identity", "--bogus"], "Unrecognized flag: --bogus"],
        [["bogus"], 'Unknown subcommand "bogus"'],
        [["jwt", "--exp", "abc"], 'Invalid value for flag --exp: "abc"'],
        [["creds", "write", "--tag", "1", "--type", "ca"], "Missing required argument: file"],
        [["creds"], "atmodem creds needs a subcommand"],
        [[], "atmodem needs a subcommand"]
      ]
      for (const [args, reason] of cases) {
        const run = yield* runCli(["--json", ...args])
        assert.strictEqual(run.code, 2, args.join(" "))
        const doc = json(run)
        assert.deepStrictEqual(Object.keys(doc), ["ok", "error"])
        const error = doc.error as { kind: string; message: string; exitCode: number }
        assert.deepStrictEqual([doc.ok, error.kind, error.exitCode], [false, "UsageError", 2])
        assert.include(error.message, reason)
        assert.notInclude(run.stdout, "USAGE")
        assert.include(run.stderr, "USAGE")
      }
    })
  )

  it.live("without --json the help stays on stdout and the reason on stderr; --json --help is help", () =>
    Effect.gen(function* () {
      const text = yield* runCli(["identity", "--bogus"])
      assert.strictEqual(text.code, 2)
      assert.include(text.stdout, "USAGE")
      assert.include(text.stderr, "Unrecognized flag: --bogus")
      const help = yield* runCli(["--json", "--help"])
      assert.strictEqual(help.code, 0)
      assert.include(help.stdout, "USAGE\n  atmodem <subcommand> [flags]")
    })
  )

  it.live("an internal error: exit 70, and with --json still one JSON document", () =>
    Effect.gen(function* () {
      // An environment that throws when read stands for a bug anywhere in the CLI.
      const broken = new Proxy(
        {},
        {
          get: (_target, name) => {
            if (name === "ATMODEM_PORT") throw new Error("boom")
            return undefined
          }
        }
      )
      const run = yield* runCli(["--json", "identity"], { rawEnv: broken })
      assert.strictEqual(run.code, 70)
      const doc = json(run)
      assert.deepStrictEqual(Object.keys(doc), ["ok", "error"])
      assert.deepStrictEqual(doc.error, {
        kind: "InternalError",
        message: "internal error (please report it): Error: boom",
        exitCode: 70
      })
      assert.include(run.stderr, "internal error (please report it): Error: boom")
      const text = yield* runCli(["identity"], { rawEnv: broken })
      assert.deepStrictEqual([text.code, text.stdout], [70, ""])
    })
  )
})

describe("checked before the modem is contacted (exit 2)", () => {
  it.live("--port sim: with an unknown profile is a bad --port", () =>
    Effect.gen(function* () {
      const run = yield* runCli(["--port", "sim:?profile=nrf9999", "identity"])
      assert.strictEqual(run.code, 2)
      assert.include(run.stderr, 'unknown profile preset "nrf9999" (known: nrf9160, nrf9151)')
      const ok = yield* runCli(["--port", "sim:?profile=nrf9151", "at", "AT+CGMM"])
      assert.deepStrictEqual([ok.code, ok.stdout], [0, "nRF9151-LACA\nOK\n"])
    })
  )

  it.live("creds write --password: at most 32 bytes, not empty", () =>
    Effect.gen(function* () {
      const port = yield* silent
      const file = path.join(yield* tempDir, "key.pem")
      fs.writeFileSync(file, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")
      const write = (password: string) =>
        runCli([...port, "creds", "write", "--tag", "9", "--type", "2", file, "--password", password])
      const long = yield* write("a".repeat(33))
      assert.strictEqual(long.code, 2)
      assert.include(long.stderr, "--password is 33 bytes long; the modem accepts at most 32")
      assert.notInclude(long.stderr, "a".repeat(33))
      assert.strictEqual((yield* write("é".repeat(17))).code, 2)
      assert.strictEqual((yield* write("")).code, 2)
      // 32 is allowed: this one goes to the (silent) modem.
      assert.strictEqual((yield* write("a".repeat(32))).code, 4)
    })
  )

  it.live("--clock-tolerance below 0 (verify, jwt --verify)", () =>
    Effect.gen(function* () {
      const port = yield* silent
      const dir = yield* tempDir
      const { publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" })
      const key = path.join(dir, "key.pem")
      fs.writeFileSync(key, publicKey.export({ type: "spki", format: "pem" }))
      const token = "eyJhbGciOiJFUzI1NiJ9.e30.AAAA"
      const verify = yield* runCli(["verify", token, "--key", key, "--clock-tolerance", "-1"])
      assert.strictEqual(verify.code, 2)
      assert.include(verify.stderr, "--clock-tolerance -1 is not a number of seconds from 0 to 86400")
      const jwt = yield* runCli([...port, "jwt", "--verify", key, "--clock-tolerance", "-1"])
      assert.strictEqual(jwt.code, 2)
      const zero = yield* runCli(["verify", token, "--key", key, "--clock-tolerance", "0"])
      assert.strictEqual(zero.code, 5)
    })
  )

  it.live("keygen --out that cannot be written: exit 2 and no key is made", () =>
    Effect.gen(function* () {
      const port = yield* silent
      const dir = yield* tempDir
      for (const out of ["/nonexistent/x.pem", dir, path.join(dir, "missing", "csr.pem")]) {
        const run = yield* runCli([...port, "keygen", "--tag", "90", "--out", out])
        assert.strictEqual(run.code, 2, out)
        assert.include(run.stderr, `error: cannot write ${out}: `)
      }
      const sim = yield* tcpSim("keygen-out")
      const refused = yield* runCli(["--port", sim, "keygen", "--tag", "90", "--out", "/nonexistent/x.pem"])
      assert.strictEqual(refused.code, 2)
      const listed = json(yield* runCli(["--port", sim, "--json", "creds", "list", "--tag", "90"]))
      assert.deepStrictEqual(listed.credentials, [])
    })
  )

  it.live("keygen: if writing --out fails after the key was made, the CSR is printed and the tag named", () =>
    Effect.gen(function* () {
      const sim = yield* tcpSim("keygen-out-late")
      const out = path.join(yield* tempDir, "csr.pem")
      // The check passes, then the write fails (as when the disk fills up in between).
      const failingWrite = {
        fileSystem: (real: FileSystem.FileSystem): FileSystem.FileSystem => ({
          ...real,
          writeFileString: (_path, data) => real.writeFileString("/nonexistent/atmodem/csr.pem", data)
        })
      }
      const run = yield* runCli(["--port", sim, "keygen", "--tag", "91", "--out", out], failingWrite)
      assert.strictEqual(run.code, 2, run.stderr)
      assert.include(run.stdout, "-----BEGIN CERTIFICATE REQUEST-----\n")
      assert.include(run.stderr, `note: cannot write ${out}: `)
      assert.include(run.stderr, "the key was generated at sec_tag 91: the CSR is printed on stdout instead")
      assert.isFalse(fs.existsSync(out))
      const doc = json(yield* runCli(["--port", sim, "--json", "keygen", "--tag", "92", "--out", out], failingWrite))
      assert.deepStrictEqual([doc.ok, doc.written, doc.out], [false, false, out])
      assert.include(String(doc.csrPem), "-----BEGIN CERTIFICATE REQUEST-----")
      assert.strictEqual((doc.notes as Array<string>).length, 1)
      const listed = json(yield* runCli(["--port", sim, "--json", "creds", "list", "--type", "2"]))
      assert.deepStrictEqual(
        (listed.credentials as Array<{ secTag: number }>).map((c) => c.secTag),
        [91, 92]
      )
      const written = json(yield* runCli(["--port", sim, "--json", "keygen", "--tag", "93", "--out", out]))
      assert.deepStrictEqual([written.ok, written.written], [true, true])
      assert.include(fs.readFileSync(out, "utf8"), "-----BEGIN CERTIFICATE REQUEST-----")
    })
  )
})
