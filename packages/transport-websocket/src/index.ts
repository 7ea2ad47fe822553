/**
 * @since 0.1.0
 */

/**
 * A WebSocket listener serving a modem (origin check, loopback by default) and a WebSocket client channel.
 *
 * @since 0.1.0
 */
export * as WebSocketTransport from "./WebSocketTransport.ts"
