/**
 * @since 0.1.0
 */

/**
 * The version `atmodem --version` prints.
 *
 * @since 0.1.0
 * @category constants
 */
export const VERSION = "0.0.0"
