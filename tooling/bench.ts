/**
 * A small benchmark harness shared by the packages' `bench/` scripts. Every table compares its cases with a
 * reference measured in the same process and the same run, and reports a ratio: absolute numbers depend on
 * the machine, ratios much less so. Nothing here asserts a duration.
 */
import { performance } from "node:perf_hooks"

export interface BenchCase {
  readonly name: string
  /** Runs one operation (or one batch, see `opsPerCall`). May return a promise. */
  readonly run: () => unknown
  /** How many operations one call of `run` performs (default 1). */
  readonly opsPerCall?: number
  /** Bytes processed per operation, for an MB/s column. */
  readonly bytesPerOp?: number
}

export interface BenchResult {
  readonly name: string
  readonly opsPerSecond: number
  readonly mbPerSecond: number | undefined
}

const now = () => performance.now()

/** Measures one case: warms up, then runs batches until `timeMs` have passed; the best batch rate wins. */
export const measure = async (bench: BenchCase, timeMs = 600): Promise<BenchResult> => {
  const perCall = bench.opsPerCall ?? 1
  // Warm-up: let the JIT settle and size a batch that takes about 20 ms.
  let batch = 1
  for (;;) {
    const start = now()
    for (let i = 0; i < batch; i++) await bench.run()
    const elapsed = now() - start
    if (elapsed > 20 || batch > 1 << 20) break
    batch *= 2
  }
  let best = 0
  const deadline = now() + timeMs
  while (now() < deadline) {
    const start = now()
    for (let i = 0; i < batch; i++) await bench.run()
    const elapsed = now() - start
    best = Math.max(best, (batch * perCall * 1000) / elapsed)
  }
  return {
    name: bench.name,
    opsPerSecond: best,
    mbPerSecond: bench.bytesPerOp === undefined ? undefined : (best * bench.bytesPerOp) / 1e6
  }
}

/** Measures every case and prints a table with each case's ratio to the reference case. */
export const runTable = async (
  title: string,
  options: { readonly reference: BenchCase; readonly cases: ReadonlyArray<BenchCase>; readonly unit?: string },
  timeMs?: number
): Promise<ReadonlyArray<BenchResult & { readonly ratio: number }>> => {
  const reference = await measure(options.reference, timeMs)
  const results = [reference]
  for (const c of options.cases) results.push(await measure(c, timeMs))
  const rows = results.map((r) => ({ ...r, ratio: r.opsPerSecond / reference.opsPerSecond }))
  const unit = options.unit ?? "ops/s"
  const header = ["case", unit, "MB/s", `ratio to "${reference.name}"`]
  const table = rows.map((r) => [
    r.name,
    r.opsPerSecond.toFixed(0),
    r.mbPerSecond === undefined ? "" : r.mbPerSecond.toFixed(1),
    r.ratio.toFixed(2)
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)))
  const line = (cells: ReadonlyArray<string>) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`
  console.log(`\n${title}  (${runtimeName()})`)
  console.log(line(header))
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`)
  for (const row of table) console.log(line(row))
  return rows
}

const runtimeName = () => {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } }
  if (g.Deno) return `deno ${g.Deno.version.deno}`
  if (g.Bun) return `bun ${g.Bun.version}`
  return `node ${process.versions.node}`
}
