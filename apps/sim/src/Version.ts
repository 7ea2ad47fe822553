/**
 * The version of `atmodem-sim` (kept equal to package.json's by a test; a constant so that the single executable
 * needs no package.json at run time).
 *
 * @since 0.1.0
 */
export const VERSION = "0.0.0"
