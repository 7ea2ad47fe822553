/**
 * @since 0.1.0
 */

/**
 * The byte channel every transport provides, and the transport error.
 *
 * @since 0.1.0
 */
export * as Channel from "./Channel.ts"

/**
 * A host-side AT client over any channel.
 *
 * @since 0.1.0
 */
export * as Client from "./Client.ts"

/**
 * Channels over Node-style streams (sockets, serial ports, stdio).
 *
 * @since 0.1.0
 */
export * as NodeChannel from "./NodeChannel.ts"

/**
 * The shared server side: a channel becomes a modem session; graceful shutdown of many.
 *
 * @since 0.1.0
 */
export * as Server from "./Server.ts"
