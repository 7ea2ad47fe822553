/**
 * The modem's errors, one class per `+CME ERROR` code of spec section 2, and the one table that gives each
 * its code. Every failure of a command is one of these (or a plain `ERROR`, see {@link PlainError}); lower
 * packages' errors are translated here and nowhere else.
 *
 * @since 0.1.0
 */
import type { CredStoreError } from "@atmodem/credstore"
import * as Data from "effect/Data"
/** 50 — incorrect parameters. */
export class IncorrectParameters extends Data.TaggedError("IncorrectParameters")<{ readonly reason: string }> {}
/** 51 — command disabled in this software build. */
export class CommandDisabled extends Data.TaggedError("CommandDisabled")<{ readonly reason: string }> {}
/** 513 — not found (`%JWT`: key not found). */
export class NotFound extends Data.TaggedError("NotFound")<{ readonly reason: string }> {}
/** 514 — no access / not allowed (`%JWT`: could not read key). */
export class NoAccess extends Data.TaggedError("NoAccess")<{ readonly reason: string }> {}
/** 515 — memory full. */
export class MemoryFull extends Data.TaggedError("MemoryFull")<{ readonly reason: string }> {}
/** 518 — not allowed in active state (LTE on: `+CFUN` 1, 2 or 21). */
export class NotAllowedInActiveState extends Data.TaggedError("NotAllowedInActiveState")<{ readonly reason: string }> {}
/** 519 — already exists. */
export class AlreadyExists extends Data.TaggedError("AlreadyExists")<{ readonly reason: string }> {}
/** 523 — key generation failed. */
export class KeyGenerationFailed extends Data.TaggedError("KeyGenerationFailed")<{ readonly reason: string }> {}
/** 525 — error in JWT creation. */
export class JwtCreationFailed extends Data.TaggedError("JwtCreationFailed")<{ readonly reason: string }> {}
/** 527 — invalid content. */
export class InvalidContent extends Data.TaggedError("InvalidContent")<{ readonly reason: string }> {}
/** 528 — not allowed in power-off-warning state. */
export class NotAllowedInPowerOffWarning extends Data.TaggedError("NotAllowedInPowerOffWarning")<{
  readonly reason: string
}> {}

/** A failure that has a `+CME ERROR` code. */
export type CmeError =
  | IncorrectParameters
  | CommandDisabled
  | NotFound
  | NoAccess
  | MemoryFull
  | NotAllowedInActiveState
  | AlreadyExists
  | KeyGenerationFailed
  | JwtCreationFailed
  | InvalidContent
  | NotAllowedInPowerOffWarning

/**
 * A failure answered with a bare `ERROR` whatever the `+CMEE` mode: a syntax error, an unknown command, or a
 * form the command does not have (spec section 1, chosen).
 */
export class PlainError extends Data.TaggedError("PlainError")<{ readonly reason: string }> {}

/** Everything a command can fail with. */
export type ModemError = CmeError | PlainError

/** The one table from error to code. A test checks it is one-to-one and covers every code of the spec. */
export const codes: { readonly [K in CmeError["_tag"]]: number } = {
  IncorrectParameters: 50,
  CommandDisabled: 51,
  NotFound: 513,
  NoAccess: 514,
  MemoryFull: 515,
  NotAllowedInActiveState: 518,
  AlreadyExists: 519,
  KeyGenerationFailed: 523,
  JwtCreationFailed: 525,
  InvalidContent: 527,
  NotAllowedInPowerOffWarning: 528
}

/** The `+CME ERROR` code of an error, or `undefined` for a {@link PlainError}. */
export const codeOf = (error: ModemError): number | undefined =>
  error._tag === "PlainError" ? undefined : codes[error._tag]

/**
 * The modem's answer to a credential storage failure. A storage I/O failure means the write did not reach
 * non-volatile memory; the modem reports it as memory full (515), the closest code the spec has.
 */
export const fromCredStore = (error: CredStoreError.CredStoreError): CmeError => {
  const reason = error.reason
  switch (error._tag) {
    case "NotFound":
      return new NotFound({ reason })
    case "NoAccess":
      return new NoAccess({ reason })
    case "MemoryFull":
    case "StorageError":
      return new MemoryFull({ reason })
    case "AlreadyExists":
      return new AlreadyExists({ reason })
    case "InvalidContent":
      return new InvalidContent({ reason })
    case "InvalidParameter":
      return new IncorrectParameters({ reason })
  }
}
