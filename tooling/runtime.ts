/**
 * Which JavaScript runtime is executing this code, detected from its globals (not from an environment
 * variable), so a test can prove it really ran under Bun or Deno.
 */
export type Runtime = "node" | "bun" | "deno"

export const currentRuntime = (): Runtime => {
  const g = globalThis as { Bun?: unknown; Deno?: unknown }
  if (g.Deno !== undefined) return "deno"
  if (g.Bun !== undefined) return "bun"
  return "node"
}

/** The runtime the test script asked for (`ATMODEM_EXPECT_RUNTIME`), if any. */
export const expectedRuntime = (): Runtime | undefined => {
  const value = process.env.ATMODEM_EXPECT_RUNTIME
  return value === "node" || value === "bun" || value === "deno" ? value : undefined
}
