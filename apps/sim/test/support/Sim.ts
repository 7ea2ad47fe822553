/**
 * Test support: start `atmodem-sim` as a real process (Node, Bun, Deno or the compiled executable), wait for its
 * `ready` banner, learn its endpoints, stop it with a signal.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Data, Effect, type Scope } from "effect"
import { afterAll } from "vitest"

export const appDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..")
export const repoRoot = join(appDir, "..", "..")
export const binSource = join(appDir, "src", "bin.ts")

export type Runtime = "node" | "bun" | "deno" | { readonly executable: string }

/**
 * The workspace's own Bun and Deno executables (root devDependencies). Not the `node_modules/.bin` shims: those
 * run the runtime as a child, so a signal sent to them would not reach the simulator.
 */
export const runtimeBinary = (name: "bun" | "deno") =>
  name === "bun"
    ? join(repoRoot, "node_modules", "bun", "bin", "bun.exe")
    : join(repoRoot, "node_modules", "deno", "deno")

/** The command that runs the simulator's sources under a runtime. */
export const command = (runtime: Runtime, args: ReadonlyArray<string>): { file: string; args: Array<string> } => {
  if (typeof runtime === "object") return { file: runtime.executable, args: [...args] }
  switch (runtime) {
    case "node":
      return { file: process.execPath, args: [binSource, ...args] }
    case "bun":
      return { file: runtimeBinary("bun"), args: [binSource, ...args] }
    case "deno":
      return { file: runtimeBinary("deno"), args: ["run", "-A", binSource, ...args] }
  }
}

export class SimError extends Data.TaggedError("SimError")<{ readonly reason: string }> {
  override get message() {
    return this.reason
  }
}

export interface Sim {
  readonly process: ChildProcess
  /** stderr so far. */
  readonly stderr: () => string
  readonly tcp: { readonly host: string; readonly port: number } | undefined
  readonly wsUrl: string | undefined
  /** Sends a signal and waits for the exit code. */
  readonly stop: (signal?: NodeJS.Signals) => Effect.Effect<number | null>
}

const made: Array<string> = []
// Temporary directories go when the test file is done.
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A fresh temporary directory (for state directories, pty links, files), removed when the tests end. */
export const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), `atmodem-${prefix}-`))
  made.push(dir)
  return dir
}

const exitOf = (child: ChildProcess) =>
  Effect.callback<number | null>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.succeed(child.exitCode))
    child.once("exit", (code) => resume(Effect.succeed(code)))
  })

/**
 * Starts the simulator with `args` and waits for `ready` on stderr (at most `readyMillis`). The process is
 * killed when the scope closes, if it still runs.
 */
export const start = (
  args: ReadonlyArray<string>,
  options: { readonly runtime?: Runtime; readonly readyMillis?: number; readonly env?: NodeJS.ProcessEnv } = {}
): Effect.Effect<Sim, SimError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.callback<Sim, SimError>((resume) => {
      const { file, args: argv } = command(options.runtime ?? "node", args)
      const child = spawn(file, argv, {
        cwd: appDir,
        env: { ...process.env, NO_COLOR: "1", ...options.env },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let stderr = ""
      let settled = false
      const timer = setTimeout(() => {
        if (settled) return
        settled = true
        child.kill("SIGKILL")
        resume(Effect.fail(new SimError({ reason: `atmodem-sim did not get ready in time; stderr:\n${stderr}` })))
      }, options.readyMillis ?? 30_000)
      child.stdout?.on("data", () => {})
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8")
        if (settled || !/^ready /m.test(stderr)) return
        settled = true
        clearTimeout(timer)
        const tcp = /tcp:\/\/([0-9.]+):(\d+)/.exec(stderr)
        const ws = /(ws:\/\/[^\s]+)/.exec(stderr)
        resume(
          Effect.succeed({
            process: child,
            stderr: () => stderr,
            tcp: tcp === null ? undefined : { host: tcp[1]!, port: Number(tcp[2]) },
            wsUrl: ws?.[1],
            stop: (signal = "SIGTERM") =>
              Effect.suspend(() => {
                if (child.exitCode === null && child.signalCode === null) child.kill(signal)
                return exitOf(child)
              })
          })
        )
      })
      child.once("exit", (code, signal) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resume(
          Effect.fail(
            new SimError({ reason: `atmodem-sim exited (${code ?? signal}) before ready; stderr:\n${stderr}` })
          )
        )
      })
      child.once("error", (error) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resume(Effect.fail(new SimError({ reason: `cannot start ${file}: ${error.message}` })))
      })
    }),
    (sim) =>
      Effect.suspend(() => {
        if (sim.process.exitCode !== null || sim.process.signalCode !== null) return Effect.void
        sim.process.kill("SIGKILL")
        return Effect.asVoid(exitOf(sim.process))
      })
  )

/** Runs the simulator to completion (e.g. `identity`, or a bad command line) and returns its output. */
export const runToEnd = (
  args: ReadonlyArray<string>,
  options: { readonly runtime?: Runtime; readonly env?: NodeJS.ProcessEnv; readonly input?: string } = {}
) =>
  Effect.sync(() => {
    const { file, args: argv } = command(options.runtime ?? "node", args)
    const result = spawnSync(file, argv, {
      cwd: appDir,
      env: { ...process.env, NO_COLOR: "1", ...options.env },
      input: options.input ?? "",
      encoding: "utf8",
      timeout: 60_000
    })
    return { status: result.status, stdout: result.stdout, stderr: result.stderr }
  })

/** Fails with a clear message when a tool the test needs is missing (tests never skip silently). */
export const requireTool = (name: string, install: string) =>
  Effect.suspend(() => {
    const probe = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" })
    return probe.status === 0
      ? Effect.void
      : Effect.fail(new SimError({ reason: `this test needs ${name}, which is not installed: ${install}` }))
  })

export const fileExists = existsSync
