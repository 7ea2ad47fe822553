// `npm run sim [-- <atmodem-sim options>]`: builds the simulator and the packages it needs (turbo, cached), then
// starts it: by default a nrf9160 modem with its state in ~/.local/state/atmodem/nrf9160 (or
// $XDG_STATE_HOME/atmodem/nrf9160), on TCP 127.0.0.1:7777. Extra arguments go to atmodem-sim, e.g.
// `npm run sim -- --port 7778` or `npm run sim -- --help`. Build output goes to stderr.
//
// Runs under the workspace's Node 24 (the root `sim` script goes through scripts/bootstrap.mjs and pnpm).
import { spawn, spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const log = (message) => process.stderr.write(`[atmodem] ${message}\n`)
const turbo = join(root, "node_modules", ".bin", process.platform === "win32" ? "turbo.cmd" : "turbo")
const bin = join(root, "apps", "sim", "dist", "bin.js")

if (!existsSync(turbo)) {
  log("the workspace is not installed: run `npm run sim` from the repository root (it installs what is missing)")
  process.exit(1)
}

log("building the simulator and the atmodem CLI (turbo run build)")
const build = spawnSync(turbo, ["run", "build", "--filter=@atmodem/sim...", "--filter=@atmodem/cli...", "--output-logs=errors-only"], {
  cwd: root,
  // stdout of the build goes to stderr: stdout is kept for the simulator alone.
  stdio: ["ignore", 2, 2]
})
if (build.error || build.status !== 0) {
  log(`the build failed${build.error ? `: ${build.error.message}` : ""}; see the output above`)
  process.exit(build.status ?? 1)
}

// pnpm passes the `--` that separates script arguments on to the script: drop it.
const args = process.argv.slice(2)
if (args[0] === "--") args.shift()

const child = spawn(process.execPath, [bin, ...args], { cwd: process.cwd(), stdio: "inherit" })
// The simulator stops gracefully on SIGINT/SIGTERM: pass them on and wait for it.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal))
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + (signal === "SIGKILL" ? 9 : 15) : 1)))
