/**
 * Runs async work over items with at most `limit` in flight, keeping results in input order. Private to
 * `lib/sources`.
 *
 * @param items The inputs.
 * @param limit Most calls in flight at once (>= 1).
 * @param fn The work; it should not throw (a throw rejects the whole map).
 * @returns One result per item, in item order.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mapPool } from "./_pool.ts";
 * assert.deepEqual(await mapPool([1, 2, 3], 2, (x) => Promise.resolve(x * 2)), [2, 4, 6]);
 * ```
 */
export async function mapPool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
) {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(
      `Cannot run requests: concurrency must be an integer >= 1, current value is ${limit}`,
    );
  }
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
