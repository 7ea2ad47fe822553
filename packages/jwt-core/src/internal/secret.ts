/**
 * Where private scalars live: a WeakMap keyed by the `PrivateKey` object, so the scalar is never a property
 * (nothing enumerates, logs or serialises it) and is collected with its key.
 */
export const scalars = new WeakMap<object, Uint8Array>()

/** The stored scalar (no copy); `undefined` for an object that was not made by `Key`. */
export const scalarOf = (key: object): Uint8Array | undefined => scalars.get(key)
