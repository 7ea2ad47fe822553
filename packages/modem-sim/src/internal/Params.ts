import type { Command } from "@atmodem/at-protocol"
import * as Effect from "effect/Effect"
import { IncorrectParameters } from "../CmeError.ts"

type Parameter = Command.Parameter

const incorrect = (reason: string) => Effect.fail(new IncorrectParameters({ reason }))

/** The parameter at `index`, or `undefined` when it is absent or empty. */
export const at = (params: ReadonlyArray<Parameter>, index: number): Parameter | undefined => {
  const param = params[index]
  return param === undefined || param._tag === "Empty" ? undefined : param
}

/** Fails with 50 when there are more than `max` parameters. */
export const atMost = (params: ReadonlyArray<Parameter>, max: number, name: string) =>
  params.length > max ? incorrect(`${name} takes at most ${max} parameters`) : Effect.void

/** What {@link read} expects at one position. */
export type Spec =
  | { readonly name: string; readonly kind: "integer"; readonly min: number; readonly max: number }
  | { readonly name: string; readonly kind: "string" }

/** One parameter checked against its spec: the value, `undefined` when absent or empty, or the problem. */
const check = (param: Parameter | undefined, spec: Spec): number | string | undefined | IncorrectParameters => {
  if (param === undefined) return undefined
  if (spec.kind === "integer") {
    if (param._tag !== "Integer") return new IncorrectParameters({ reason: `${spec.name} must be an integer` })
    if (param.value < spec.min || param.value > spec.max)
      return new IncorrectParameters({ reason: `${spec.name} must be in ${spec.min}..${spec.max}` })
    return param.value
  }
  if (param._tag !== "String") return new IncorrectParameters({ reason: `${spec.name} must be a quoted string` })
  return param.value === "" ? undefined : param.value
}

const checked = <A>(value: A | IncorrectParameters): Effect.Effect<A, IncorrectParameters> =>
  value instanceof IncorrectParameters ? Effect.fail(value) : Effect.succeed(value)

/** An optional integer parameter within [min, max]. */
export const optionalInteger = (
  params: ReadonlyArray<Parameter>,
  index: number,
  name: string,
  min: number,
  max: number
): Effect.Effect<number | undefined, IncorrectParameters> =>
  checked(check(at(params, index), { name, kind: "integer", min, max }) as number | undefined | IncorrectParameters)

/** A mandatory integer parameter within [min, max]. */
export const integer = (
  params: ReadonlyArray<Parameter>,
  index: number,
  name: string,
  min: number,
  max: number
): Effect.Effect<number, IncorrectParameters> =>
  Effect.flatMap(optionalInteger(params, index, name, min, max), (value) =>
    value === undefined ? incorrect(`${name} is missing`) : Effect.succeed(value)
  )

/** An optional string parameter; an empty string counts as absent. */
export const optionalString = (
  params: ReadonlyArray<Parameter>,
  index: number,
  name: string
): Effect.Effect<string | undefined, IncorrectParameters> =>
  checked(check(at(params, index), { name, kind: "string" }) as string | undefined | IncorrectParameters)

/**
 * Reads optional parameters by position without Effect (for hot paths): each value, `undefined` when absent or
 * empty (an empty string counts as absent), or the first problem as an `IncorrectParameters`.
 */
export const read = (
  params: ReadonlyArray<Parameter>,
  specs: ReadonlyArray<Spec>
): ReadonlyArray<number | string | undefined> | IncorrectParameters => {
  if (params.length > specs.length) return new IncorrectParameters({ reason: `at most ${specs.length} parameters` })
  const values = new Array<number | string | undefined>(specs.length)
  for (let i = 0; i < specs.length; i++) {
    const value = check(at(params, i), specs[i]!)
    if (value instanceof IncorrectParameters) return value
    values[i] = value
  }
  return values
}
