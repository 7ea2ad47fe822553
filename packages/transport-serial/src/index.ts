/**
 * @since 0.1.0
 */

/**
 * A pseudo-terminal made with socat, for serving the simulator as a serial device on any runtime.
 *
 * @since 0.1.0
 */
export * as Pty from "./Pty.ts"

/**
 * Serial devices through the serialport library (Node): serve the modem on one, or open one as a channel.
 *
 * @since 0.1.0
 */
export * as SerialTransport from "./SerialTransport.ts"
