import type { Partition } from "./in_partition.ts";

/**
 * Parses `--partition i/N`: part `i` (0-based) of `N`, as a Kubernetes Indexed Job's `JOB_COMPLETION_INDEX`
 * and its `completions` give them.
 *
 * @param text e.g. `"2/4"`.
 * @returns The partition.
 * @throws {SyntaxError} When the text is not two whole numbers around a slash.
 * @throws {RangeError} When `N` < 1 or `i` is not in 0..N−1.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePartition } from "./parse_partition.ts";
 * assert.deepEqual(parsePartition("2/4"), { index: 2, count: 4 });
 * assert.throws(() => parsePartition("4/4"), /index must be in 0\.\.3, current value is "4\/4"/);
 * ```
 */
export function parsePartition(text: string): Partition {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) {
    throw new SyntaxError(
      `Cannot parse --partition: expected i/N (part i of N, from 0), current value is "${text}"`,
    );
  }
  const index = Number(m[1]), count = Number(m[2]);
  if (count < 1 || count > 10_000) {
    throw new RangeError(`Cannot parse --partition: N must be in 1..10000, current value is "${text}"`);
  }
  if (index >= count) {
    throw new RangeError(
      `Cannot parse --partition: index must be in 0..${count - 1}, current value is "${text}"`,
    );
  }
  return { index, count };
}
