/**
 * @since 0.1.0
 */

/**
 * The `atmodem-sim` command line.
 *
 * @since 0.1.0
 */
export * as Cli from "./Cli.ts"

/**
 * Checked simulator configuration and its defaults (state directory, ports).
 *
 * @since 0.1.0
 */
export * as Config from "./Config.ts"

/**
 * `atmodem-sim identity`: the identity of a state directory.
 *
 * @since 0.1.0
 */
export * as IdentityReport from "./IdentityReport.ts"

/**
 * Running the simulator as a process (exit codes, signals, stderr logging).
 *
 * @since 0.1.0
 */
export * as Main from "./Main.ts"

/**
 * The simulator program: the modem on the configured transports.
 *
 * @since 0.1.0
 */
export * as Simulator from "./Simulator.ts"

/**
 * @since 0.1.0
 */
export { VERSION } from "./Version.ts"
