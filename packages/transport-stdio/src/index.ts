/**
 * @since 0.1.0
 */

/**
 * The modem on stdin/stdout, and a client channel over a spawned process's stdio.
 *
 * @since 0.1.0
 */
export * as StdioTransport from "./StdioTransport.ts"
