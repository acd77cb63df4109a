/**
 * Wording shared by the detectors' `explain`: numbers as reasons print them, windows and lags as durations.
 * Private to `lib/detectors/`.
 *
 * @module
 */
import { formatNumber } from "../format/format_number.ts";
import { formatDuration } from "../format/format_duration.ts";

/** A number in a reason: 3 significant digits, `missing` for NaN. */
export const num = (v: number): string => formatNumber(v, { missing: "missing" });

/** A duration in a reason: `45 min`, `24 h`, `3 d`. */
export const span = (ms: number): string => formatDuration(ms);

/** Lags in a reason: `1 d / 7 d / 14 d`. */
export const lagList = (lags: readonly number[]): string =>
  lags.map((l) => formatDuration(l, { style: "exact" })).join(" / ");
