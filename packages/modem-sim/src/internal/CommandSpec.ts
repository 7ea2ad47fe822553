import type { Command } from "@atmodem/at-protocol"
import type * as Effect from "effect/Effect"
import type { ModemError } from "../CmeError.ts"
import type { Profile } from "../Profile.ts"
import type { Env } from "./Env.ts"

/** Runs one form of a command: returns its information lines (without line ends) or fails. */
export type Handler = (
  params: ReadonlyArray<Command.Parameter>,
  env: Env
) => Effect.Effect<ReadonlyArray<string>, ModemError>

/** One command: its name (upper case, with its `+`/`%` prefix) and the forms it has. */
export interface CommandSpec {
  readonly name: string
  readonly execute?: Handler
  readonly set?: Handler
  readonly read?: Handler
  readonly test?: Handler
  /** Whether this modem has the command at all (e.g. `%DEVICEUUID` only on nRF91x1). Default: always. */
  readonly available?: (profile: Profile) => boolean
}
