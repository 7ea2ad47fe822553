/**
 * @since 0.1.0
 */

/**
 * An in-process byte pair and a listener serving a modem to in-process clients.
 *
 * @since 0.1.0
 */
export * as MemoryTransport from "./MemoryTransport.ts"
