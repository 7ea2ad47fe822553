#!/usr/bin/env node
// The entry point behind `npm test`, `npm run sim` and the other root npm scripts. It runs on whatever Node
// the machine has (Node 20 included): it installs what is missing (pnpm 10.34.9 through npx, then the
// workspace, which brings its own Node 24, Bun and Deno), and hands over to pnpm, whose scripts run on that
// Node 24. Nothing here needs more than Node's standard library.
import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const PNPM = "pnpm@10.34.9"
const stampFile = join(root, "node_modules", ".atmodem-install-stamp")

const log = (message) => process.stderr.write(`[atmodem] ${message}\n`)

const run = (command, args, options = {}) => {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options })
  if (result.error) {
    log(`could not run ${command}: ${result.error.message}`)
    return 1
  }
  return result.status ?? 1
}

const pnpm = (args, options) => run("npx", ["--yes", PNPM, ...args], options)

/** What the installed tree depends on: every manifest, the lockfile and the workspace file. */
const installInputs = () => {
  const hash = createHash("sha256")
  const files = ["package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml"]
  for (const dir of ["packages", "apps"]) {
    const base = join(root, dir)
    if (!existsSync(base)) continue
    for (const name of readdirSync(base).sort()) files.push(join(dir, name, "package.json"))
  }
  for (const file of files) {
    const path = join(root, file)
    hash
      .update(file)
      .update("\0")
      .update(existsSync(path) ? readFileSync(path) : "-")
      .update("\0")
  }
  return hash.digest("hex")
}

const ensureInstalled = () => {
  const wanted = installInputs()
  const installed = existsSync(stampFile) ? readFileSync(stampFile, "utf8") : ""
  if (installed === wanted && existsSync(join(root, "node_modules", ".bin", "node"))) return
  log(`installing the workspace with ${PNPM} (first run, or dependencies changed)`)
  // Not frozen, even in CI: the lockfile pins versions, and a lockfile that lags a manifest is brought up to
  // date from the npm registry instead of failing the run.
  const status = pnpm(["install", "--no-frozen-lockfile"])
  if (status !== 0) {
    log("install failed; see the output above")
    process.exit(status)
  }
  writeFileSync(stampFile, installInputs())
}

/** Adds up the vitest JSON reports into one closing line, so a run's outcome is plain to read. */
const summarize = (reportDir) => {
  let passed = 0
  let failed = 0
  let skipped = 0
  const files = existsSync(reportDir) ? readdirSync(reportDir).filter((f) => f.endsWith(".json")) : []
  for (const file of files) {
    const report = JSON.parse(readFileSync(join(reportDir, file), "utf8"))
    passed += report.numPassedTests ?? 0
    failed += report.numFailedTests ?? 0
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
    log(`${file.replace(/\.json$/, "")}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`)
  }
  return { passed, failed, skipped, reports: files.length }
}

const [task = "test", ...rest] = process.argv.slice(2)
ensureInstalled()

switch (task) {
  case "install":
    process.exit(0)
    break
  case "test": {
    const reportDir = join(root, "node_modules", ".atmodem-test-reports")
    rmSync(reportDir, { recursive: true, force: true })
    mkdirSync(reportDir, { recursive: true })
    const status = pnpm(["run", "ws:test", ...rest], {
      env: { ...process.env, ATMODEM_TEST_REPORT_DIR: reportDir }
    })
    const { passed, failed, skipped, reports } = summarize(reportDir)
    if (reports === 0) log("no test report was written")
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`)
    process.exit(status !== 0 ? status : reports === 0 || failed > 0 ? 1 : 0)
    break
  }
  case "sim":
    process.exit(pnpm(["run", "ws:sim", ...(rest.length ? ["--", ...rest] : [])]))
    break
  default:
    process.exit(pnpm(["run", `ws:${task}`, ...rest]))
}
