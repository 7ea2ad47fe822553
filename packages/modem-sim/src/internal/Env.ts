import type { CredStore } from "@atmodem/credstore"
import type { Signer } from "@atmodem/jwt-core"
import type { Entropy } from "../Entropy.ts"
import type { Identity } from "../Identity.ts"
import type { ModemState } from "../ModemState.ts"
import type { Profile } from "../Profile.ts"
import type { KeyCache } from "./KeyCache.ts"

/**
 * Everything a command handler may use, resolved once when the modem is made (no service lookups per
 * command). Handlers run one at a time under the modem's lock, so they may change `state` in place.
 */
export interface Env {
  readonly profile: Profile
  readonly identity: Identity
  readonly state: ModemState
  readonly credentials: CredStore.CredStore["Service"]
  readonly signer: Signer.Signer["Service"]
  readonly entropy: Entropy["Service"]
  readonly keys: KeyCache
}
