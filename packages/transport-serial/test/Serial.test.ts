import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Setup } from "@atmodem/modem-sim"
import { Client } from "@atmodem/transport"
import { StdioTransport } from "@atmodem/transport-stdio"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Pty, SerialTransport } from "../src/index.ts"

const modem = Setup.layerMemory({ seed: "serial-transport-test" })
const made: Array<string> = []
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "atmodem-serial-test-"))
  made.push(dir)
  return dir
}

/** socat is needed for every pseudo-terminal here: fail clearly when it is missing, never skip. */
const requireSocat = Effect.sync(() => {
  const probe = spawnSync("sh", ["-c", "command -v socat"])
  assert.strictEqual(probe.status, 0, 'these tests need socat: install it, e.g. "apt-get install socat"')
})

/** Two linked pseudo-terminals, removed with the scope. */
const ptyPair = (a: string, b: string) =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      yield* requireSocat
      const child: ChildProcess = spawn("socat", [`PTY,link=${a},raw,echo=0`, `PTY,link=${b},raw,echo=0`], {
        stdio: "ignore"
      })
      while (!(existsSync(a) && existsSync(b))) yield* Effect.sleep(20)
      return child
    }),
    (child) => Effect.sync(() => child.kill("SIGTERM"))
  )

/** A host on a pty through another socat: works on every runtime, no native module. */
const socatHost = (link: string) =>
  StdioTransport.spawn({ command: "socat", args: ["STDIO", `${link},raw,echo=0`], stderr: "ignore" })

describe("Pty", () => {
  it.live("serves the modem on a pty linked at the given path; the link goes away with the scope", () =>
    Effect.gen(function* () {
      yield* requireSocat
      const link = join(tempDir(), "ttyNRF")
      yield* Effect.scoped(
        Effect.gen(function* () {
          const pty = yield* Pty.serve({ link })
          assert.strictEqual(pty.link, link)
          assert.isTrue(existsSync(link))
          // One host, then another: the device stays usable between opens.
          for (const _ of [1, 2]) {
            yield* Effect.scoped(
              Effect.gen(function* () {
                const client = yield* Client.make(yield* socatHost(link))
                assert.deepStrictEqual(yield* client.command("AT+CGMI"), ["Nordic Semiconductor ASA"])
              })
            )
          }
        })
      )
      assert.isFalse(existsSync(link))
    }).pipe(Effect.provide(modem))
  )

  it.live("a missing socat is a TransportError that says what to install", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Pty.open({ link: join(tempDir(), "tty"), socat: "/nonexistent/socat" }))
      assert.match(error.reason, /^socat is not installed/)
    }).pipe(Effect.scoped)
  )
})

describe("Pty link", () => {
  it.effect("refuses socat address syntax and a path that is not a symbolic link; replaces a stale link", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "atmodem-link-"))
      try {
        for (const bad of ["/tmp/a,b", "/tmp/a!!b", "/tmp/a b", ""]) {
          const error = yield* Effect.flip(Pty.prepareLink(bad))
          assert.include(error.reason, "may not be empty or contain")
        }
        const file = join(dir, "file")
        writeFileSync(file, "mine")
        assert.include((yield* Effect.flip(Pty.prepareLink(file))).reason, "is not a symbolic link")
        assert.strictEqual(readFileSync(file, "utf8"), "mine")
        const stale = join(dir, "ttyNRF")
        symlinkSync("/dev/pts/does-not-exist", stale)
        yield* Pty.prepareLink(stale)
        assert.isFalse(existsSync(stale))
        yield* Pty.prepareLink(join(dir, "absent"))
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  )
})

describe("SerialTransport", () => {
  if (SerialTransport.supported()) {
    it.live("Node: serves the modem on one end of a pty pair; the serial client opens the other", () =>
      Effect.gen(function* () {
        const dir = tempDir()
        const [a, b] = [join(dir, "a"), join(dir, "b")]
        yield* ptyPair(a, b)
        yield* SerialTransport.serve({ path: a })
        const client = yield* Client.make(yield* SerialTransport.open({ path: b, baudRate: 115200 }))
        assert.deepStrictEqual(yield* client.command("AT+CGMI"), ["Nordic Semiconductor ASA"])
        assert.match((yield* client.command("AT%JWT"))[0]!, /^%JWT: "/)
      }).pipe(Effect.scoped, Effect.provide(modem))
    )

    it.live("Node: a device that cannot be opened is a TransportError naming it", () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(SerialTransport.open({ path: "/nonexistent/ttyUSB9" }))
        assert.match(error.reason, /^cannot open serial \/nonexistent\/ttyUSB9: /)
      }).pipe(Effect.scoped)
    )
  } else {
    it.live("Bun and Deno: opening a serial device fails at once, saying the serial transport needs Node", () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(SerialTransport.open({ path: "/dev/null" }))
        assert.match(error.reason, /^the serial transport needs Node/)
        const served = yield* Effect.flip(SerialTransport.serve({ path: "/dev/null" }))
        assert.match(served.reason, /use --pty/)
      }).pipe(Effect.scoped, Effect.provide(modem))
    )
  }
})
