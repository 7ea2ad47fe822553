/**
 * The nRF91 AT command grammar in both directions, pure and without I/O.
 *
 * Modem side: `Framer` (bytes → lines) → `CommandParser` (line → commands) → `ResponseWriter` (information lines
 * and final results). Host side: `CommandFormatter` (commands → line) → `ResponseReader` (bytes → responses and
 * unsolicited lines). `Command` is the model both sides share.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Command from "./Command.ts"

/**
 * @since 0.1.0
 */
export * as CommandFormatter from "./CommandFormatter.ts"

/**
 * @since 0.1.0
 */
export * as CommandParser from "./CommandParser.ts"

/**
 * @since 0.1.0
 */
export * as Framer from "./Framer.ts"

/**
 * @since 0.1.0
 */
export * as ResponseReader from "./ResponseReader.ts"

/**
 * @since 0.1.0
 */
export * as ResponseWriter from "./ResponseWriter.ts"
