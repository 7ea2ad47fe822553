/**
 * The simulated modem: a profile, an identity, volatile state and the command table, over a credential store
 * and a signer. `execute` runs one command line and returns the exact response text; command lines of one
 * modem run one at a time, whichever session sends them.
 *
 * @since 0.1.0
 */
import { type Command, CommandParser, ResponseWriter } from "@atmodem/at-protocol"
import { CredStore } from "@atmodem/credstore"
import { Key, Signer } from "@atmodem/jwt-core"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Result from "effect/Result"
import { CommandDisabled, codes, type ModemError, PlainError } from "./CmeError.ts"
import { table } from "./CommandTable.ts"
import * as EntropyModule from "./Entropy.ts"
import { Entropy } from "./Entropy.ts"
import type { Identity } from "./Identity.ts"
import type { Env } from "./internal/Env.ts"
import * as KeyCache from "./internal/KeyCache.ts"
import * as LineLock from "./internal/LineLock.ts"
import * as Outcome from "./internal/Outcome.ts"
import * as ModemState from "./ModemState.ts"
import type { Profile } from "./Profile.ts"

export interface Modem {
  readonly profile: Profile
  readonly identity: Identity
  /** The device identity public key, to verify default-key tokens and COSE signatures out of band. */
  readonly identityPublicKey: Key.PublicKey
  /** Runs one command line (without its terminator) and returns the whole response, final result included. */
  readonly execute: (line: Uint8Array | string) => Effect.Effect<string>
  /**
   * `execute` for a caller that is running in a fiber and runs the returned effect next (a session): the line
   * runs now when the modem is free, and a line that finishes synchronously comes back as a completed `Exit`.
   */
  readonly executeNow: (line: Uint8Array | string) => Effect.Effect<string>
  /** A copy of the volatile state. */
  readonly state: Effect.Effect<ModemState.ModemState>
  /** Power-cycles the modem: volatile state back to power-on; credentials and identity stay. */
  readonly restart: Effect.Effect<void>
  /** Raises or clears the power-off warning (low supply voltage): writes and key generation then answer 528. */
  readonly setPowerOffWarning: (active: boolean) => Effect.Effect<void>
  /** Switches injected faults on or off. */
  readonly setFaults: (faults: Partial<ModemState.Faults>) => Effect.Effect<void>
}

export class ModemService extends Context.Service<ModemService, Modem>()("@atmodem/modem-sim/Modem") {}

/**
 * The modem-owned credentials it lists (spec section 4): the Nordic base public key (11), the Nordic identity
 * root (10) and the device identity public key (6). The simulator has no Nordic secrets, so 10 and 11 are
 * public keys of its own, fixed for every simulated modem (derived from a constant seed): tools only list them.
 */
export const modemOwnedCredentials = (identity: Identity) => [
  { secTag: 4294967292, type: 11 as const, content: fixedPublicKeyPem("nordic-base-public-key") },
  { secTag: 4294967293, type: 10 as const, content: fixedPublicKeyPem("nordic-identity-root") },
  { secTag: 4294967294, type: 6 as const, content: Key.spkiPem(identity.key.publicKey) }
]

const fixedPublicKeyPem = (name: string) =>
  Key.spkiPem(Key.generatePrivateKey(EntropyModule.seeded(`atmodem:${name}`).bytesSync).publicKey)

const decoder = new TextDecoder()

const noLines: ReadonlyArray<string> = []
// Most lines have one command: its information lines are used as they are, without copying.
const appendLines = (lines: ReadonlyArray<string>, more: ReadonlyArray<string>) =>
  lines.length === 0 ? more : more.length === 0 ? lines : [...lines, ...more]

const unknownCommand = (name: string) => new PlainError({ reason: `unknown command ${name}` })

/** Makes a modem over the credential store, signer and entropy in context. */
export const make = (options: {
  readonly profile: Profile
  readonly identity: Identity
}): Effect.Effect<Modem, never, CredStore.CredStore | Signer.Signer | Entropy> =>
  Effect.gen(function* () {
    const { profile, identity } = options
    const env: Env = {
      profile,
      identity,
      state: ModemState.initial({ networkTime: profile.networkTime }),
      credentials: yield* CredStore.CredStore,
      signer: yield* Signer.Signer,
      entropy: yield* Entropy,
      keys: KeyCache.make()
    }
    const lock = LineLock.make()

    // A bug in a handler answers ERROR and is logged; the session and the modem go on.
    const failedUnexpectedly = (name: string, defect: unknown) =>
      Effect.andThen(
        Effect.logError(`${name} failed unexpectedly`, defect),
        Effect.fail(new PlainError({ reason: `${name} failed unexpectedly` }))
      )

    const run = (command: Command.Command): Effect.Effect<ReadonlyArray<string>, ModemError> => {
      const spec = table.get(command.name)
      if (spec === undefined || (spec.available !== undefined && !spec.available(profile)))
        return Effect.fail(unknownCommand(command.name))
      const handler = spec[command.form]
      if (handler === undefined)
        return Effect.fail(new PlainError({ reason: `${command.name} has no ${command.form} form` }))
      if (profile.disabledCommands.includes(command.name))
        return Effect.fail(new CommandDisabled({ reason: `${command.name} is disabled in this software build` }))
      let outcome: Effect.Effect<ReadonlyArray<string>, ModemError>
      try {
        outcome = handler(command.params, env)
      } catch (defect) {
        return failedUnexpectedly(command.name, defect)
      }
      // A handler that finished synchronously returns an Exit: a success needs no Effect machinery at all.
      if (Outcome.succeeded(outcome)) return outcome
      return Effect.catchDefect(outcome, (defect) => failedUnexpectedly(command.name, defect))
    }

    const finalOf = (error: ModemError): ResponseWriter.FinalResult =>
      error._tag === "PlainError" ? ResponseWriter.error : ResponseWriter.cmeError(codes[error._tag])

    const finish = (echo: string, lines: ReadonlyArray<string>, final: ResponseWriter.FinalResult) =>
      echo + ResponseWriter.formatResponse(lines, final, env.state.cmee)

    // Runs `commands` from `index` in order, collecting their information lines; the first failure ends the line
    // with its final result. Plain code while the commands finish synchronously (the result is then an Exit);
    // an Effect only from the first command that has to wait or fails. This runs for every command line.
    const runCommands = (
      commands: ReadonlyArray<Command.Command>,
      index: number,
      echo: string,
      lines: ReadonlyArray<string>
    ): Effect.Effect<string> => {
      for (let i = index; i < commands.length; i++) {
        const outcome = run(commands[i]!)
        if (Outcome.succeeded(outcome)) {
          lines = appendLines(lines, outcome.value)
          continue
        }
        return Effect.matchEffect(outcome, {
          onFailure: (error) => Effect.succeed(finish(echo, lines, finalOf(error))),
          onSuccess: (info) => runCommands(commands, i + 1, echo, appendLines(lines, info))
        })
      }
      return Exit.succeed(finish(echo, lines, ResponseWriter.ok))
    }

    const runLine = (line: Uint8Array | string): Effect.Effect<string> => {
      const echo = env.state.echo ? `${typeof line === "string" ? line : decoder.decode(line)}\r\n` : ""
      const parsed = CommandParser.parseLine(line)
      return Result.isFailure(parsed)
        ? Exit.succeed(echo + ResponseWriter.formatFinal(ResponseWriter.error, env.state.cmee))
        : runCommands(parsed.success, 0, echo, noLines)
    }

    const locked = <A>(effect: Effect.Effect<A>) => lock.run(() => effect)

    return {
      profile,
      identity,
      identityPublicKey: identity.key.publicKey,
      execute: (line) => lock.run(() => runLine(line)),
      executeNow: (line) => lock.runNow(() => runLine(line)),
      state: Effect.sync(() => structuredClone(env.state)),
      restart: locked(
        Effect.sync(() => {
          Object.assign(env.state, ModemState.initial({ networkTime: profile.networkTime }))
        })
      ),
      setPowerOffWarning: (active) =>
        locked(
          Effect.sync(() => {
            env.state.powerOffWarning = active
          })
        ),
      setFaults: (faults) =>
        locked(
          Effect.sync(() => {
            Object.assign(env.state.faults, faults)
          })
        )
    }
  })
