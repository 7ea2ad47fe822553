import type { Command } from "@atmodem/at-protocol"
import { Effect } from "effect"
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

/** An optional integer parameter within [min, max]. */
export const optionalInteger = (
  params: ReadonlyArray<Parameter>,
  index: number,
  name: string,
  min: number,
  max: number
): Effect.Effect<number | undefined, IncorrectParameters> => {
  const param = at(params, index)
  if (param === undefined) return Effect.succeed(undefined)
  if (param._tag !== "Integer") return incorrect(`${name} must be an integer`)
  if (param.value < min || param.value > max) return incorrect(`${name} must be in ${min}..${max}`)
  return Effect.succeed(param.value)
}

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
): Effect.Effect<string | undefined, IncorrectParameters> => {
  const param = at(params, index)
  if (param === undefined) return Effect.succeed(undefined)
  if (param._tag !== "String") return incorrect(`${name} must be a quoted string`)
  return Effect.succeed(param.value === "" ? undefined : param.value)
}

/** What {@link read} expects at one position. */
export type Spec =
  | { readonly name: string; readonly kind: "integer"; readonly min: number; readonly max: number }
  | { readonly name: string; readonly kind: "string" }

/**
 * Reads optional parameters by position without Effect (for hot paths): each value, `undefined` when absent or
 * empty (an empty string counts as absent), or the first problem as an `IncorrectParameters`.
 */
export const read = (
  params: ReadonlyArray<Parameter>,
  specs: ReadonlyArray<Spec>
): ReadonlyArray<number | string | undefined> | IncorrectParameters => {
  if (params.length > specs.length) return new IncorrectParameters({ reason: `at most ${specs.length} parameters` })
  const values: Array<number | string | undefined> = []
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!
    const param = at(params, i)
    if (param === undefined) values.push(undefined)
    else if (spec.kind === "integer") {
      if (param._tag !== "Integer") return new IncorrectParameters({ reason: `${spec.name} must be an integer` })
      if (param.value < spec.min || param.value > spec.max)
        return new IncorrectParameters({ reason: `${spec.name} must be in ${spec.min}..${spec.max}` })
      values.push(param.value)
    } else {
      if (param._tag !== "String") return new IncorrectParameters({ reason: `${spec.name} must be a quoted string` })
      values.push(param.value === "" ? undefined : param.value)
    }
  }
  return values
}
