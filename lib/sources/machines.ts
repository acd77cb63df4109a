import type { Config } from "./config.ts";
import { inPartition, type Partition } from "./in_partition.ts";

/**
 * The shard names of a configuration: the list as given, or the numbered range expanded
 * (`{prefix: "n", from: 200, to: 299, suffix: "-primary-meraki-com"}` → n200-primary-meraki-com … n299-…),
 * and with a partition only the machines {@link inPartition} assigns to it (so a partition asks the source
 * for its own machines alone).
 *
 * @param machines The configuration's `machines`.
 * @param partition The configuration's `partition`. @default undefined (every machine)
 * @returns Shard names, in configuration order.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { machineNames } from "./machines.ts";
 * assert.deepEqual(machineNames({ prefix: "n", from: 200, to: 201, suffix: "-x" }), ["n200-x", "n201-x"]);
 * const range = { prefix: "n", from: 200, to: 299, suffix: "-x" };
 * const parts = [0, 1, 2].map((index) => machineNames(range, { index, count: 3 }));
 * assert.deepEqual(parts.flat().sort(), machineNames(range).sort());
 * ```
 */
export function machineNames(machines: Config["machines"], partition?: Partition): string[] {
  const out: string[] = [];
  if (Array.isArray(machines)) out.push(...machines);
  else {for (let i = machines.from; i <= machines.to; i++) {
      out.push(`${machines.prefix}${i}${machines.suffix}`);
    }}
  return partition ? out.filter((m) => inPartition(m, partition)) : out;
}
