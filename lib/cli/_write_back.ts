/**
 * The CLI's write-back settings. Private to `lib/cli/`.
 *
 * @module
 */

/** How long `detect` and `report` wait for carbon to take what they wrote, ms. */
export const WRITE_BACK_WAIT = 30_000;

/** The `--write-back` flag and its help line. */
export const WRITE_BACK_FLAG = { "write-back": { type: "string" as const } };
