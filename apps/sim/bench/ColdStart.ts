/**
 * Cold start of the simulator: from process start to the first `OK` (an `AT` sent on stdin at once), under Node
 * (the sources, as `node src/bin.ts`), Bun, Deno and the single executable built with `bun build --compile`,
 * as ratios to Node in the same run. Each start uses an in-memory modem (`--ephemeral --seed bench`), so the
 * runtimes do the same work.
 *
 * Run: `pnpm bench` (in apps/sim).
 */
import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { runTable } from "../../../tooling/bench.ts"

const appDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const repoRoot = join(appDir, "..", "..")
const bin = join(appDir, "src", "bin.ts")
const bun = join(repoRoot, "node_modules", "bun", "bin", "bun.exe")
const deno = join(repoRoot, "node_modules", "deno", "deno")
const args = ["--stdio", "--ephemeral", "--seed", "bench"]

const workDir = mkdtempSync(join(tmpdir(), "atmodem-bench-"))
const executable = join(workDir, "atmodem-sim")
const built = spawnSync(
  bun,
  ["build", "--compile", "--minify", "--external", "serialport", bin, "--outfile", executable],
  {
    cwd: appDir,
    stdio: ["ignore", "ignore", "inherit"]
  }
)
if (built.status !== 0 || !existsSync(executable)) throw new Error("bun build --compile failed")

/** Starts the simulator, sends `AT`, resolves at the first `OK` (and kills the process). */
const coldStart = (file: string, argv: ReadonlyArray<string>) => () =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(file, [...argv], { cwd: appDir, stdio: ["pipe", "pipe", "ignore"] })
    let out = ""
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("latin1")
      if (out.includes("OK\r\n")) {
        resolve()
        child.kill("SIGKILL")
      }
    })
    child.once("error", reject)
    child.stdin.write("AT\r\n")
  })

const results = await runTable(
  "cold start: process start to first OK",
  {
    unit: "starts/s",
    reference: { name: "node src/bin.ts", run: coldStart(process.execPath, [bin, ...args]) },
    cases: [
      { name: "bun src/bin.ts", run: coldStart(bun, [bin, ...args]) },
      { name: "deno run -A src/bin.ts", run: coldStart(deno, ["run", "-A", bin, ...args]) },
      { name: "single executable (bun --compile)", run: coldStart(executable, args) }
    ]
  },
  1500
)
for (const result of results) console.log(`${result.name}: ${(1000 / result.opsPerSecond).toFixed(0)} ms to first OK`)
rmSync(workDir, { recursive: true, force: true })
