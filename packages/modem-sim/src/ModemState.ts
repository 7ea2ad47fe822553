/**
 * The modem's volatile state: functional mode, error reporting, echo, clock and the power-off warning. It
 * resets at every power-on; only credentials and identity persist.
 *
 * @since 0.1.0
 */

/** The modem clock: unset until `+CCLK`/`%CCLK` or the network sets it; then it runs on. */
export type ModemClock =
  | { readonly _tag: "Unset" }
  | {
      readonly _tag: "Set"
      /** Modem UTC time minus the host clock (`Clock.currentTimeMillis`), in milliseconds. */
      readonly offsetMs: number
      /** Time zone in quarter hours (−48..+48), or 99 for unknown. */
      readonly timeZone: number
      /** Daylight saving adjustment 0..2 (`%CCLK`). */
      readonly dst: number
    }

export interface ModemState {
  /** Last `+CFUN` mode that powered the modem off (0) or on. */
  powered: boolean
  /** LTE is active (`+CFUN` 1, 2 or 21). Credential writes and key generation are refused then. */
  lte: boolean
  /** GNSS is active (`+CFUN` 1 or 31). */
  gnss: boolean
  /** `+CMEE` mode. */
  cmee: 0 | 1
  /** Echo of received command lines (`ATE1`). */
  echo: boolean
  clock: ModemClock
  /** The power-off warning is active (low supply voltage): writes and key generation answer 528. */
  powerOffWarning: boolean
  /** Injected faults, for testing host software's error paths. */
  faults: Faults
}

/** Failures a test can switch on (a real modem shows them rarely and cannot be made to on demand). */
export interface Faults {
  /** `%KEYGEN` fails with 523 (key generation failed). */
  keyGeneration: boolean
}

/** The state at power-on (spec: CFUN 0, CMEE 0, no echo, no valid time unless the network provides it). */
export const initial = (options: { readonly networkTime: boolean }): ModemState => ({
  powered: false,
  lte: false,
  gnss: false,
  cmee: 0,
  echo: false,
  clock: options.networkTime ? { _tag: "Set", offsetMs: 0, timeZone: 0, dst: 0 } : { _tag: "Unset" },
  powerOffWarning: false,
  faults: { keyGeneration: false }
})

/** What `AT+CFUN?` reports: 0 powered off, 1 when LTE or GNSS runs, 4 (flight mode) otherwise. */
export const reportedFunctionalMode = (state: ModemState): 0 | 1 | 4 =>
  !state.powered ? 0 : state.lte || state.gnss ? 1 : 4
