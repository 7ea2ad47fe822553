/**
 * @since 0.1.0
 */
export * as CmeError from "./CmeError.ts"
export * as CommandTable from "./CommandTable.ts"
export * as Entropy from "./Entropy.ts"
export * as Identity from "./Identity.ts"
export * as IdentityStore from "./IdentityStore.ts"
export * as Modem from "./Modem.ts"
export * as ModemState from "./ModemState.ts"
export * as Profile from "./Profile.ts"
export * as Session from "./Session.ts"
export * as Setup from "./Setup.ts"
