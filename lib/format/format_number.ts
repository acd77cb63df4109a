/** Options for {@link formatNumber}. */
export interface FormatNumberOptions {
  /** Significant digits. @default 3 */
  digits?: number;
  /** The text for `null`, `undefined` and `NaN`. @default "–" */
  missing?: string;
  /** Magnitudes outside `[lo, hi)` (and not 0) are written with an exponent; `false`: never. @default [1e-3, 1e6] */
  exponent?: readonly [number, number] | false;
  /** Digits after the point of an exponent. @default 2 */
  exponentDigits?: number;
  /** Integers below this magnitude are written whole (before any exponent). @default 0 (none) */
  integersBelow?: number;
  /** Magnitudes at or above this are rounded to an integer. @default Infinity */
  roundAbove?: number;
  /** Write infinities as `∞` / `−∞`. @default false */
  infinity?: boolean;
  /** A nonzero magnitude below 1 is written as a percentage with this many significant digits (`0.0312` →
   * `3.12 %`); `false`: never. @default false */
  percentBelowOne?: number | false;
}

/**
 * A number for people, the one number formatter of the library: significant digits, an exponent only for
 * extreme magnitudes, a text for missing values. Callers choose the style (a table of 4 digits, an alert of 3,
 * whole numbers above 1000) through the options; nothing else formats numbers by hand.
 *
 * @param v The number (`null`, `undefined` and `NaN` are missing).
 * @param options See {@link FormatNumberOptions}.
 * @returns The text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatNumber } from "./format_number.ts";
 * assert.equal(formatNumber(0.31234), "0.312");
 * assert.equal(formatNumber(1.5e-7), "1.50e-7");
 * assert.equal(formatNumber(12345.6, { roundAbove: 1000 }), "12346");
 * assert.equal(formatNumber(NaN, { missing: "no data" }), "no data");
 * assert.equal(formatNumber(0.0312, { percentBelowOne: 3 }), "3.12 %");
 * ```
 */
export function formatNumber(v: number | null | undefined, options: FormatNumberOptions = {}): string {
  const {
    digits = 3,
    missing = "–",
    exponent = [1e-3, 1e6],
    exponentDigits = 2,
    integersBelow = 0,
    roundAbove = Infinity,
    infinity = false,
    percentBelowOne = false,
  } = options;
  if (v === null || v === undefined || v !== v) return missing;
  if (infinity && !Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < integersBelow) return String(v);
  if (exponent && a !== 0 && (a < exponent[0] || a >= exponent[1])) return v.toExponential(exponentDigits);
  if (a >= roundAbove) return String(Math.round(v));
  if (percentBelowOne && a !== 0 && a < 1) return `${Number((v * 100).toPrecision(percentBelowOne))} %`;
  return String(Number(v.toPrecision(digits)));
}
