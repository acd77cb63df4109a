/**
 * The CLI's write-back settings. Private to `lib/cli/`.
 *
 * @module
 */

/** The `--write-back` flag and its help line. */
export const WRITE_BACK_FLAG = { "write-back": { type: "string" as const } };
