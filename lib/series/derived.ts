const store = new WeakMap<Float64Array, Map<string, unknown>>();

/**
 * What has been computed from one values array, by name: several detectors need the same derived series (the
 * seasonal expectation, the log ratio to it) of the same series within one scoring, and compute it once.
 * Entries live as long as the values array, or until cleared: `detect` clears a series' entries once it is
 * scored, so a watch that keeps its series across cycles does not also keep several arrays of their size each
 * (with 10 000 series × 16 days at 1 minute, 1.85 GB of values held another 5 GB of derived arrays). Treat the
 * values as read-only while entries exist.
 *
 * @param values A series' values.
 * @returns Its entries (a new empty map the first time).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { derivedOf } from "./derived.ts";
 * const values = new Float64Array([1, 2, 3]);
 * derivedOf(values).set("double", values.map((v) => 2 * v));
 * assert.deepEqual([...derivedOf(values).get("double") as Float64Array], [2, 4, 6]);
 * derivedOf(values).clear();
 * assert.equal(derivedOf(values).size, 0);
 * ```
 */
export function derivedOf(values: Float64Array): Map<string, unknown> {
  let entries = store.get(values);
  if (!entries) store.set(values, entries = new Map());
  return entries;
}
