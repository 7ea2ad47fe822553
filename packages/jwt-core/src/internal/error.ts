/**
 * A base for the package's tagged errors: every failure carries a human `reason` that is also its `message`.
 * Reasons describe what was wrong with an input, never the key material itself.
 */
import type * as Cause from "effect/Cause"
import * as Data from "effect/Data"
/** The constructor type, spelled out so declaration files can name it. */
export type ReasonErrorConstructor<Tag extends string> = new (args: {
  readonly reason: string
}) => Cause.YieldableError & { readonly _tag: Tag; readonly reason: string }

export const ReasonError = <Tag extends string>(tag: Tag): ReasonErrorConstructor<Tag> =>
  class extends Data.TaggedError(tag)<{ readonly reason: string }> {
    override get message(): string {
      return this.reason
    }
  }
