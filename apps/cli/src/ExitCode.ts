/**
 * The exit codes of `atmodem`, stable for scripts (tests pin them).
 *
 * | code | meaning |
 * |---|---|
 * | 0 | success |
 * | 1 | the modem answered `ERROR` or `+CME ERROR` |
 * | 2 | usage: bad flags or arguments, unusable `--port`, unreadable file or one that cannot be written |
 * | 3 | connection: cannot open the target, or it closed or broke |
 * | 4 | timeout: no connection or no complete answer in time (silent peer, garbage, wrong baud) |
 * | 5 | check failed: a token does not verify, a credential differs from the file |
 * | 6 | unexpected response: `OK`, but not the answer the command returns (identity answers of the wrong shape) |
 * | 70 | internal error (a bug: please report it) |
 * | 130 | interrupted (Ctrl-C) |
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export const OK = 0
/** @since 0.1.0 */
export const COMMAND_REJECTED = 1
/** @since 0.1.0 */
export const USAGE = 2
/** @since 0.1.0 */
export const CONNECTION = 3
/** @since 0.1.0 */
export const TIMEOUT = 4
/** @since 0.1.0 */
export const CHECK_FAILED = 5
/** @since 0.1.0 */
export const UNEXPECTED_RESPONSE = 6
/** @since 0.1.0 */
export const INTERRUPTED = 130
/** A bug in atmodem (an unexpected exception); the message asks to report it. @since 0.1.0 */
export const INTERNAL = 70
