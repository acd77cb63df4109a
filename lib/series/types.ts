/**
 * The one data type every stage shares: a metric on a regular time grid.
 *
 * @module
 */

/**
 * A metric series on a regular grid: `time(i) = start + i * step`, times in epoch
 * milliseconds UTC, a missing point is `NaN`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Series } from "./types.ts";
 * const s: Series = { key: "a.b", labels: {}, start: 0, step: 60_000, values: new Float64Array([1, NaN, 3]) };
 * assert.ok(s.values.length === 3);
 * ```
 */
export interface Series {
  /** The Graphite path or display name the series came from. */
  key: string;
  /** Labels parsed from the key with a template, e.g. `{machine, aggregator}`; may be empty. */
  labels: Record<string, string>;
  /** Time of the first point, epoch milliseconds UTC. */
  start: number;
  /** Grid step in milliseconds (> 0). */
  step: number;
  /** One value per grid point; `NaN` where the point is missing. */
  values: Float64Array;
}
