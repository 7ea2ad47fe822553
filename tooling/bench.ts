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

/** Sizes a batch of `bench` that takes about 20 ms, after letting the JIT settle. */
const batchSize = async (bench: BenchCase): Promise<number> => {
  let batch = 1
  for (;;) {
    const start = now()
    for (let i = 0; i < batch; i++) await bench.run()
    if (now() - start > 20 || batch > 1 << 20) return batch
    batch *= 2
  }
}

/** The rate of one timed batch, in operations per second. */
const timeBatch = async (bench: BenchCase, batch: number): Promise<number> => {
  const start = now()
  for (let i = 0; i < batch; i++) await bench.run()
  return (batch * (bench.opsPerCall ?? 1) * 1000) / (now() - start)
}

const result = (bench: BenchCase, best: number): BenchResult => ({
  name: bench.name,
  opsPerSecond: best,
  mbPerSecond: bench.bytesPerOp === undefined ? undefined : (best * bench.bytesPerOp) / 1e6
})

/** Measures one case on its own: batches until `timeMs` have passed; the best batch rate wins. */
export const measure = async (bench: BenchCase, timeMs = 600): Promise<BenchResult> => {
  const batch = await batchSize(bench)
  let best = 0
  const deadline = now() + timeMs
  while (now() < deadline) best = Math.max(best, await timeBatch(bench, batch))
  return result(bench, best)
}

/**
 * Measures several cases in alternating rounds (reference, case 1, case 2, …, reference, …) so that load from
 * elsewhere on the machine hits them alike; each case's best batch rate wins.
 */
export const measureInterleaved = async (
  benches: ReadonlyArray<BenchCase>,
  timeMs = 600
): Promise<ReadonlyArray<BenchResult>> => {
  const batches: Array<number> = []
  for (const bench of benches) batches.push(await batchSize(bench))
  const best = benches.map(() => 0)
  const deadline = now() + timeMs * benches.length
  while (now() < deadline)
    for (let i = 0; i < benches.length; i++) best[i] = Math.max(best[i]!, await timeBatch(benches[i]!, batches[i]!))
  return benches.map((bench, i) => result(bench, best[i]!))
}

/** Measures every case and prints a table with each case's ratio to the reference case. */
export const runTable = async (
  title: string,
  options: { readonly reference: BenchCase; readonly cases: ReadonlyArray<BenchCase>; readonly unit?: string },
  timeMs?: number
): Promise<ReadonlyArray<BenchResult & { readonly ratio: number }>> => {
  const results = await measureInterleaved([options.reference, ...options.cases], timeMs)
  const reference = results[0]!
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
