/**
 * Every command the modem knows, by name. Adding a command means adding its module under `commands/` and one
 * line here.
 *
 * @since 0.1.0
 */
import * as AttestToken from "./commands/AttestToken.ts"
import * as Basic from "./commands/Basic.ts"
import * as Cfun from "./commands/Cfun.ts"
import * as Clock from "./commands/Clock.ts"
import * as Cmee from "./commands/Cmee.ts"
import * as Cmng from "./commands/Cmng.ts"
import * as DeviceInfo from "./commands/DeviceInfo.ts"
import * as Jwt from "./commands/Jwt.ts"
import * as Keygen from "./commands/Keygen.ts"
import type { CommandSpec } from "./internal/CommandSpec.ts"

export type { CommandSpec, Handler } from "./internal/CommandSpec.ts"

const families: ReadonlyArray<ReadonlyArray<CommandSpec>> = [
  Basic.commands,
  Cmee.commands,
  Cfun.commands,
  Clock.commands,
  DeviceInfo.commands,
  Jwt.commands,
  Cmng.commands,
  Keygen.commands,
  AttestToken.commands
]

/** The command table: upper-case name (with its `+`/`%` prefix) → command. */
export const table: ReadonlyMap<string, CommandSpec> = new Map(
  families.flat().map((command) => [command.name, command] as const)
)
