/**
 * One typed error per failure of the credential store. They carry what a caller needs to report the failure
 * (the security tag, the type, a human-readable `reason`) and no wire text: the modem maps each to its own CME
 * code. Reasons never contain credential content.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import type { CredentialType } from "./Credential.ts"

/**
 * The security tag / type pair is not stored (read, delete, secret).
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends Data.TaggedError("NotFound")<{
  readonly secTag: number
  readonly type: CredentialType
  readonly reason: string
}> {
  override get message(): string {
    return this.reason
  }
}

/**
 * The pair exists or may exist but the caller may not touch it: a modem-owned security tag or type, or a type
 * that is never readable.
 *
 * @since 0.1.0
 * @category errors
 */
export class NoAccess extends Data.TaggedError("NoAccess")<{
  readonly secTag: number
  readonly type: CredentialType
  readonly reason: string
}> {
  override get message(): string {
    return this.reason
  }
}

/**
 * Storing the credential would exceed the store's capacity (entries or bytes). Nothing was changed.
 *
 * @since 0.1.0
 * @category errors
 */
export class MemoryFull extends Data.TaggedError("MemoryFull")<{
  readonly secTag: number
  readonly type: CredentialType
  readonly reason: string
}> {
  override get message(): string {
    return this.reason
  }
}

/**
 * A write asked not to overwrite (`overwrite: false`) and the pair is already stored.
 *
 * @since 0.1.0
 * @category errors
 */
export class AlreadyExists extends Data.TaggedError("AlreadyExists")<{
  readonly secTag: number
  readonly type: CredentialType
  readonly reason: string
}> {
  override get message(): string {
    return this.reason
  }
}

/**
 * The content does not parse for its type (only when a `ContentValidator` is configured). A validator may leave
 * `secTag` out; the store fills it in.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidContent extends Data.TaggedError("InvalidContent")<{
  readonly secTag?: number
  readonly type: CredentialType
  readonly reason: string
}> {
  override get message(): string {
    return this.reason
  }
}

/**
 * Which input of an operation was rejected by {@link InvalidParameter}.
 *
 * @since 0.1.0
 * @category models
 */
export type Parameter = "secTag" | "type" | "content" | "password"

/**
 * An input is out of range or malformed: a security tag that is not an integer in `0..4294967295`, a type
 * outside `0..11`, empty content, a bad password. `secTag` and `type` are the raw values given.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidParameter extends Data.TaggedError("InvalidParameter")<{
  readonly parameter: Parameter
  readonly secTag: number
  readonly type: number
  readonly reason: string
}> {
  override get message(): string {
    return this.reason
  }
}

/**
 * Reading or persisting the store failed (I/O error, corrupt or unknown-version file, directory in use by
 * another process). A write that fails with it was not acknowledged and left the in-memory state unchanged.
 *
 * @since 0.1.0
 * @category errors
 */
export class StorageError extends Data.TaggedError("StorageError")<{
  readonly reason: string
  /** The file or directory concerned, when there is one. */
  readonly path?: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return this.reason
  }
}

/**
 * Every error of the credential store.
 *
 * @since 0.1.0
 * @category errors
 */
export type CredStoreError =
  | NotFound
  | NoAccess
  | MemoryFull
  | AlreadyExists
  | InvalidContent
  | InvalidParameter
  | StorageError
