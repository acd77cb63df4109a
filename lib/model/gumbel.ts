/**
 * Quantiles of block maxima from a Gumbel distribution fitted to their quartiles.
 *
 * @module
 */

import { quantileSorted } from "../series/summarize.ts";

const gumbel = (p: number) => -Math.log(-Math.log(p));

/**
 * The p-quantile of block maxima of L, from a Gumbel distribution (the law of maxima) fitted to their quartiles,
 * so that up to a quarter of the blocks may hold incidents without moving it; `NaN` with fewer than 10 maxima.
 *
 * @param sortedL Block maxima of L, ascending.
 * @param p The quantile, in (0, 1).
 * @returns The level of L.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gumbelLevel } from "./gumbel.ts";
 * const maxima = Float64Array.from({ length: 40 }, (_, i) => 3 + i / 40).sort();
 * assert.ok(gumbelLevel(maxima, 0.99) > 4);
 * assert.ok(Number.isNaN(gumbelLevel(maxima.subarray(0, 9), 0.99)));
 * ```
 */
export function gumbelLevel(sortedL: Float64Array, p: number): number {
  if (sortedL.length < 10) return NaN;
  const lo = quantileSorted(sortedL, 0.25), hi = quantileSorted(sortedL, 0.75);
  const beta = (hi - lo) / (gumbel(0.75) - gumbel(0.25));
  return lo - beta * gumbel(0.25) + beta * gumbel(p);
}
