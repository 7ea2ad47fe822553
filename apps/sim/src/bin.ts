#!/usr/bin/env node
/**
 * The `atmodem-sim` executable: `node dist/bin.js`, `bun src/bin.ts`, `deno run -A src/bin.ts`, or the single
 * executable built by `pnpm build:bin`.
 *
 * @since 0.1.0
 */
import * as Module from "node:module"
import { homedir } from "node:os"
import { join } from "node:path"

// Where the runtime offers it (Node ≥ 22.1), the compiled code of the few hundred modules loaded at start-up is
// kept on disk, so later starts skip compiling them. It must be switched on before they load. The cache lives in
// the user's own cache directory, not a shared temporary one that another user could fill first.
;(Module as { enableCompileCache?: (directory: string) => unknown }).enableCompileCache?.(
  join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "atmodem", "node-compile-cache")
)
const { main } = await import("./Main.ts")
main()
