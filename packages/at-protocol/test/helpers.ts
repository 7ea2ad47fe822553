import { Command } from "../src/index.ts"

/** Fixture parameters: number = Integer, string = String, null = Empty. */
export type FixtureParam = number | string | null

export interface FixtureCommand {
  readonly name: string
  readonly form: string
  readonly params: ReadonlyArray<FixtureParam>
}

export const toParameter = (p: FixtureParam): Command.Parameter =>
  p === null ? Command.empty : typeof p === "number" ? Command.integer(p) : Command.string(p)

export const toCommand = (c: FixtureCommand): Command.Command => ({
  name: c.name,
  form: c.form as Command.Form,
  params: c.params.map(toParameter)
})

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export const bytes = (text: string): Uint8Array => encoder.encode(text)
export const text = (data: Uint8Array): string => decoder.decode(data)

/** Splits `data` at the given cut points (any numbers; taken modulo length, sorted, deduplicated). */
export const splitAt = (data: Uint8Array, cuts: ReadonlyArray<number>): Array<Uint8Array> => {
  const points = [...new Set(cuts.map((c) => (data.length === 0 ? 0 : c % (data.length + 1))))].sort((a, b) => a - b)
  const out: Array<Uint8Array> = []
  let start = 0
  for (const p of points) {
    out.push(data.subarray(start, p))
    start = p
  }
  out.push(data.subarray(start))
  return out
}

export const concat = (chunks: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.length
  }
  return out
}
