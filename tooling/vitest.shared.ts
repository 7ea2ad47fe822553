import { basename } from "node:path"
import { defineConfig } from "vitest/config"
import { currentRuntime } from "./runtime.ts"

/**
 * The vitest configuration every package shares. Each package's `vitest.config.ts` re-exports it, so the
 * same settings apply whether vitest runs under Node, Bun or Deno.
 *
 * When `ATMODEM_TEST_REPORT_DIR` is set (by `npm test`), a JSON report per package and runtime is written
 * there too; `scripts/bootstrap.mjs` adds them up into the closing `N passed, N failed` line.
 */
const reportDir = process.env.ATMODEM_TEST_REPORT_DIR
const reportFile = reportDir ? `${reportDir}/${basename(process.cwd())}-${currentRuntime()}.json` : undefined

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: reportFile ? ["default", ["json", { outputFile: reportFile }]] : ["default"]
  }
})
