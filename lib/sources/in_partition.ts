/** One part of a fleet split in `count`: the `index`-th (0-based). */
export interface Partition {
  /** Which part, 0 ≤ index < count. */
  index: number;
  /** How many parts. */
  count: number;
}

/**
 * Whether a machine belongs to a partition: `fnv1a32(machine) mod count === index`, a hash of the machine's
 * name alone. Why a hash and not the machine's position in the list (every `count`-th, or contiguous blocks): a
 * machine's part then depends on its name and `count` only, never on which other machines exist, so adding or
 * removing machines elsewhere moves no one, every partition computes the same split without seeing the others
 * (a CSV partition knows only the machines it loaded), and a Graphite partition asks only for its own machines.
 * The cost is balance: parts are equal in expectation, not exactly (100 machines in 4 parts: about 25 ± 4).
 * Every aggregator of a machine goes with it. FNV-1a over the UTF-16 code units, 32 bits: stable across
 * runtimes and releases (never `Math.random`, never a per-process seed).
 *
 * @param machine The machine (shard) name; for a series without a machine label, its key.
 * @param partition The part and the number of parts.
 * @returns `true` when the machine is in the part.
 * @throws {RangeError} When `count` is not an integer ≥ 1 or `index` not an integer in 0..count−1.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inPartition } from "./in_partition.ts";
 * const machines = Array.from({ length: 100 }, (_, i) => `n${200 + i}-primary`);
 * const parts = [0, 1, 2, 3].map((index) => machines.filter((m) => inPartition(m, { index, count: 4 })));
 * assert.equal(parts.flat().length, 100); // every machine in exactly one part
 * assert.ok(parts.every((p) => p.length > 10));
 * ```
 */
export function inPartition(machine: string, partition: Partition): boolean {
  const { index, count } = partition;
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(
      `Cannot assign a partition: count must be an integer ≥ 1, current value is ${count}`,
    );
  }
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(
      `Cannot assign a partition: index must be an integer in 0..${count - 1}, current value is ${index}`,
    );
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < machine.length; i++) {
    h ^= machine.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % count === index;
}
