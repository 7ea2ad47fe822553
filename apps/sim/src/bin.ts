#!/usr/bin/env node
/**
 * The `atmodem-sim` executable: `node dist/bin.js`, `bun src/bin.ts`, `deno run -A src/bin.ts`, or the single
 * executable built by `pnpm build:bin`.
 *
 * @since 0.1.0
 */
import { main } from "./Main.ts"

main()
