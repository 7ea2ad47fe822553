/** Running the CLI in-process against simulated modems and fake peers. */
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { PassThrough, Writable } from "node:stream"
import type { Key } from "@atmodem/jwt-core"
import { Modem, Setup } from "@atmodem/modem-sim"
import { Pty } from "@atmodem/transport-serial"
import { TcpTransport } from "@atmodem/transport-tcp"
import { WebSocketTransport } from "@atmodem/transport-websocket"
import { NodeServices } from "@effect/platform-node"
import { Context, Effect, FileSystem, Layer, type Scope } from "effect"
import { Cli, Io } from "../src/index.ts"

export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const sink = () => {
  const chunks: Array<Buffer> = []
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk)
      callback()
    }
  })
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") }
}

/** Runs `atmodem <args>` in this process; stdin is `stdin` (then ends); no terminal and no history unless asked. */
export const runCli = (
  args: ReadonlyArray<string>,
  options: {
    readonly stdin?: string
    readonly env?: Record<string, string>
    readonly stdinIsTTY?: boolean
    readonly stderrIsTTY?: boolean
    /** Replaces the file system the CLI sees (to make a write fail). */
    readonly fileSystem?: (fs: FileSystem.FileSystem) => FileSystem.FileSystem
    /** Replaces the environment as a whole (the default adds ATMODEM_HISTORY="" to `env`). */
    readonly rawEnv?: Io.Io["env"]
  } = {}
): Effect.Effect<Run> =>
  Effect.gen(function* () {
    const stdin = new PassThrough()
    stdin.end(options.stdin ?? "")
    const stdout = sink()
    const stderr = sink()
    const io: Io.Io = {
      stdin,
      stdout: stdout.stream,
      stderr: stderr.stream,
      env: options.rawEnv ?? { ATMODEM_HISTORY: "", ...options.env },
      stdinIsTTY: options.stdinIsTTY ?? false,
      stderrIsTTY: options.stderrIsTTY ?? false
    }
    const replace = options.fileSystem
    const program =
      replace === undefined
        ? Cli.run(args)
        : Effect.flatMap(FileSystem.FileSystem, (fs) =>
            Effect.provideService(Cli.run(args), FileSystem.FileSystem, replace(fs))
          )
    const code = yield* program.pipe(Effect.provide(Layer.mergeAll(NodeServices.layer, Io.layer(io))))
    return { code, stdout: stdout.text(), stderr: stderr.text() }
  })

/** The JSON document a `--json` run printed. */
export const json = (run: Run): Record<string, unknown> => JSON.parse(run.stdout) as Record<string, unknown>

/** A fresh in-memory modem (seeded: same identity every run). */
export const modemLayer = (seed = "cli-tests") => Setup.layerMemory({ seed })

/** A simulated modem on a TCP port of this process; returns its `tcp://` URL. */
export const tcpSim = (seed?: string): Effect.Effect<string, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    const context = yield* Layer.build(modemLayer(seed))
    const listener = yield* TcpTransport.serve({ port: 0 }).pipe(Effect.provideContext(context))
    return listener.url
  })

/** The same on WebSocket; returns its `ws://` URL. */
export const wsSim = (seed?: string): Effect.Effect<string, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    const context = yield* Layer.build(modemLayer(seed))
    const listener = yield* WebSocketTransport.serve({ port: 0 }).pipe(Effect.provideContext(context))
    return listener.url
  })

/** The same behind a socat pseudo-terminal; returns `serial:<link>`. */
export const ptySim = (seed?: string): Effect.Effect<string, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    const context = yield* Layer.build(modemLayer(seed))
    const dir = yield* tempDir
    const pty = yield* Pty.serve({ link: path.join(dir, "ttyNRF") }).pipe(Effect.provideContext(context))
    return `serial:${pty.link}`
  })

/** The device identity public key of the seeded modem (to verify default-key tokens). */
export const identityKey = (seed?: string): Effect.Effect<Key.PublicKey, Setup.SetupError> =>
  Effect.scoped(
    Effect.map(Layer.build(modemLayer(seed)), (context) => Context.get(context, Modem.ModemService).identityPublicKey)
  )

/** A temporary directory removed with the scope. */
export const tempDir: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "atmodem-cli-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)

/** How a fake peer behaves once a client connects. */
export type Behaviour =
  | "silent"
  | "garbage-lines"
  | "binary"
  | "half-line"
  | "close"
  | "ok-to-everything"
  | "hello-world-to-everything"

/** A TCP server that is not a modem; returns its `tcp://` URL. */
export const fakePeer = (behaviour: Behaviour): Effect.Effect<string, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.callback<net.Server>((resume) => {
      const sockets = new Set<net.Socket>()
      const server = net.createServer((socket) => {
        sockets.add(socket)
        socket.on("error", () => {})
        socket.on("close", () => sockets.delete(socket))
        let pending = ""
        socket.on("data", (chunk: Buffer) => {
          switch (behaviour) {
            case "ok-to-everything":
            case "hello-world-to-everything": {
              pending += chunk.toString("latin1")
              const lines = pending.split(/\r\n|\r|\n/)
              pending = lines.pop() ?? ""
              const answer = behaviour === "ok-to-everything" ? "OK\r\n" : "hello world\r\nOK\r\n"
              for (const line of lines) if (line.trim() !== "") socket.write(answer)
              break
            }
            case "garbage-lines":
              socket.write("hello there\r\nthis is not a modem\r\n")
              break
            case "binary":
              socket.write(Buffer.from([0x00, 0xff, 0x13, 0x80, 0x00, 0xfe, 0x7f, 0x01, 0x02, 0x9c]))
              break
            case "half-line":
              socket.write("O")
              break
            default:
              break
          }
        })
        if (behaviour === "close") socket.destroy()
      })
      ;(server as net.Server & { sockets: Set<net.Socket> }).sockets = sockets
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) =>
      Effect.callback<void>((resume) => {
        for (const socket of (server as net.Server & { sockets: Set<net.Socket> }).sockets) socket.destroy()
        server.close(() => resume(Effect.void))
      })
  ).pipe(
    Effect.map((server) => {
      const address = server.address() as net.AddressInfo
      return `tcp://127.0.0.1:${address.port}`
    })
  )

/** Whether a program is on the PATH. */
export const hasProgram = (name: string): boolean =>
  (process.env.PATH ?? "").split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, name)))

/** Runs a program and returns its exit code and output (never fails). */
export const exec = (
  file: string,
  args: ReadonlyArray<string>,
  options: { readonly env?: Record<string, string | undefined>; readonly input?: string } = {}
): Effect.Effect<Run> =>
  Effect.callback<Run>((resume) => {
    const child = execFile(
      file,
      [...args],
      { env: { ...process.env, ...options.env }, timeout: 60_000, encoding: "utf8" },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1
        resume(Effect.succeed({ code, stdout, stderr }))
      }
    )
    // A program that exits without reading its stdin (openssl with a file argument) makes this write fail with
    // EPIPE; its exit code and output are what the test looks at.
    child.stdin?.on("error", () => {})
    child.stdin?.end(options.input ?? "")
  })

/** `openssl <args>` with `input` on stdin. */
export const openssl = (args: ReadonlyArray<string>, input?: string) =>
  exec("openssl", args, input === undefined ? {} : { input })
