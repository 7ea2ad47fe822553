/**
 * Where private scalars live: a WeakMap keyed by the `PrivateKey` object, so the scalar is never a property
 * (nothing enumerates, logs or serialises it) and is collected with its key.
 */
export const scalars = new WeakMap<object, Uint8Array>()

/** The stored scalar (no copy). Only keys made by `Key` have one; anything else reads as all zeros. */
export const scalarOf = (key: object): Uint8Array => scalars.get(key) ?? new Uint8Array(32)
