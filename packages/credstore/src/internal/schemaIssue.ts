/**
 * Where a schema check failed, e.g. ` (at entries.3.password)`. Never the issue's text: it can quote the value,
 * and stored credentials hold keys and passwords.
 */
export const issuePath = (error: { readonly issue?: unknown }): string => {
  const path = (error.issue as { readonly path?: ReadonlyArray<PropertyKey> } | undefined)?.path
  return path === undefined || path.length === 0 ? "" : ` (at ${path.map(String).join(".")})`
}
