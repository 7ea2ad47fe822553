/**
 * @since 0.1.0
 */

/**
 * A TCP listener serving a modem to many clients, and a TCP client channel.
 *
 * @since 0.1.0
 */
export * as TcpTransport from "./TcpTransport.ts"
