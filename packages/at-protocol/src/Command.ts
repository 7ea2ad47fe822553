/**
 * The shared model of an AT command: what the parser produces on the modem side and what the formatter writes on
 * the host side.
 *
 * @since 0.1.0
 */

/**
 * One parameter of a set command.
 *
 * - `Integer`: `0` or `[+-]?[1-9][0-9]*` (sec_tags go up to 4294967295). The grammar sets no size limit: a
 *   number beyond ±`Number.MAX_SAFE_INTEGER` parses as ±`Infinity` rather than as an inexact value, so it fails
 *   every range check instead of passing one by rounding.
 * - `String`: a double-quoted string, without the quotes. There are no escapes; CR and LF inside are data.
 * - `Empty`: nothing, or only spaces, between commas (`AT%JWT=,,`).
 *
 * @since 0.1.0
 * @category models
 */
export type Parameter =
  | { readonly _tag: "Integer"; readonly value: number }
  | { readonly _tag: "String"; readonly value: string }
  | { readonly _tag: "Empty" }

/**
 * The four forms of a command: `AT+X` (execute), `AT+X=...` (set), `AT+X?` (read), `AT+X=?` (test).
 *
 * @since 0.1.0
 * @category models
 */
export type Form = "execute" | "set" | "read" | "test"

/**
 * One command of a command line.
 *
 * `name` is upper-cased and keeps its prefix: `"%JWT"`, `"+CFUN"`, `"#XFOO"`. Basic (V.250) commands have no
 * prefix: `"E"` for `ATE0`, `"Z"`, `"&F"`; their optional number is their one `Integer` parameter
 * (`ATE0` is `{ name: "E", form: "set", params: [Integer 0] }`, `ATE` is `{ name: "E", form: "execute" }`).
 *
 * `params` is non-empty for `"set"` (`AT+CMEE=` has `[Empty]`) and empty for every other form.
 *
 * @since 0.1.0
 * @category models
 */
export interface Command {
  readonly name: string
  readonly form: Form
  readonly params: ReadonlyArray<Parameter>
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const integer = (value: number): Parameter => ({ _tag: "Integer", value })

/**
 * @since 0.1.0
 * @category constructors
 */
export const string = (value: string): Parameter => ({ _tag: "String", value })

/**
 * @since 0.1.0
 * @category constructors
 */
export const empty: Parameter = { _tag: "Empty" }

const noParams: ReadonlyArray<Parameter> = []
const oneEmpty: ReadonlyArray<Parameter> = [empty]

/**
 * Builds a command. The name is upper-cased (ASCII). Parameters are kept only for the `"set"` form; a set command
 * without parameters gets one `Empty` parameter, because that is what `AT+X=` means on the wire.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (name: string, form: Form, params?: ReadonlyArray<Parameter>): Command => ({
  name: upperAscii(name),
  form,
  params: form !== "set" ? noParams : params === undefined || params.length === 0 ? oneEmpty : params
})

/**
 * Whether a command name is an extended command (`+`, `%` or `#` prefix) rather than a basic one (`E`, `&F`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isExtendedName = (name: string): boolean => {
  const c = name.charCodeAt(0)
  return c === 0x2b || c === 0x25 || c === 0x23
}

/** Upper-cases ASCII letters only, so the result never depends on the host's locale. */
const upperAscii = (s: string): string => s.replace(/[a-z]+/g, (m) => m.toUpperCase())
