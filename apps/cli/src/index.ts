/**
 * `atmodem`, the host tool for real and simulated nRF91 modems, as a library: the command line itself
 * (`Cli.run`), and the pieces it is made of — targets, connections with timeouts, and decoders for what
 * `%KEYGEN`, `%ATTESTTOKEN` and `%CMNG` return.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Cli from "./Cli.ts"

/** @since 0.1.0 */
export * as Cme from "./Cme.ts"

/** @since 0.1.0 */
export * as Connection from "./Connection.ts"

/** @since 0.1.0 */
export * as Cose from "./Cose.ts"

/** @since 0.1.0 */
export * as Credentials from "./Credentials.ts"

/** @since 0.1.0 */
export * as Csr from "./Csr.ts"

/** @since 0.1.0 */
export * as ExitCode from "./ExitCode.ts"

/** @since 0.1.0 */
export * as Failure from "./Failure.ts"

/** @since 0.1.0 */
export * as Io from "./Io.ts"

/** @since 0.1.0 */
export * as KeyFile from "./KeyFile.ts"

/** @since 0.1.0 */
export * as Output from "./Output.ts"

/** @since 0.1.0 */
export * as Root from "./Root.ts"

/** @since 0.1.0 */
export * as Target from "./Target.ts"

/** @since 0.1.0 */
export * as Version from "./Version.ts"
