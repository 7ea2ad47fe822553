import type { Credential, CredStore } from "../../src/index.ts"

/** Capacity large enough that the crash test never runs out. */
export const crashConfig: CredStore.Config = { capacity: { maxEntries: 1000, maxBytes: 10_000_000 } }

const TAGS = 6

/** One operation of the crash test's deterministic sequence. */
export type Operation =
  | {
      readonly _tag: "write"
      readonly secTag: number
      readonly type: Credential.CredentialType
      readonly content: string
    }
  | { readonly _tag: "delete"; readonly secTag: number; readonly type: Credential.CredentialType }

/**
 * The operation number `index`: mostly writes of content whose length varies (so a torn file would show),
 * every seventh a delete.
 */
export const operationAt = (index: number): Operation => {
  const secTag = (index * 5) % TAGS
  const type = index % 4 === 0 ? 1 : 0
  if (index % 7 === 3) return { _tag: "delete", secTag, type }
  const filler = "x".repeat((index * 7919) % 3000)
  return { _tag: "write", secTag, type, content: `op ${index}\r\n${filler}\r\nend ${index}` }
}

/** The store's pairs after applying operations `from..to` (inclusive) to `state`. */
export const apply = (state: ReadonlyMap<string, string>, from: number, to: number): ReadonlyMap<string, string> => {
  const next = new Map(state)
  for (let index = from; index <= to; index++) {
    const op = operationAt(index)
    const key = `${op.secTag}/${op.type}`
    if (op._tag === "write") next.set(key, op.content)
    else next.delete(key)
  }
  return next
}
