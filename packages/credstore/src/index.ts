/**
 * @since 0.1.0
 */
export * as ContentValidator from "./ContentValidator.ts"
export * as Credential from "./Credential.ts"
export * as CredentialStorage from "./CredentialStorage.ts"
export * as CredStore from "./CredStore.ts"
export * as CredStoreError from "./CredStoreError.ts"
export * as FileStore from "./FileStore.ts"
export * as StateDirectory from "./StateDirectory.ts"
