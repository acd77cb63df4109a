/**
 * The charts' shared look: one font stack, neutral greys, one severity palette, one score scheme. Private to
 * `lib/report/charts/`.
 *
 * @module
 */

/** System font stack (no web fonts: the report makes no external requests). */
export const FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif";
/** Text and the series line. */
export const INK = "#212529";
/** Secondary text. */
export const MUTED = "#495057";
/** Expected value, other shards, quiet bars. */
export const FAINT = "#868e96";
/** Expected band. */
export const BAND = "#adb5bd";
/** Cells without data. */
export const NO_DATA = "#dee2e6";
/** Hairlines and frames. */
export const RULE = "#ced4da";
/** Colour scheme of the anomaly score on its 0..1 domain. */
export const SCORE_SCHEME = "reds";
/** The report's column width, px. */
export const WIDTH = 960;
/** Font size of chart text, px. */
export const FONT_SIZE = 11;
/** Inline style of every Plot svg (inline so the element looks right wherever it is inserted). */
export const PLOT_STYLE = { fontFamily: FONT, fontSize: `${FONT_SIZE}px`, color: INK, background: "white" };
