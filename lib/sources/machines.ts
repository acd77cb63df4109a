import type { Config } from "./config.ts";

/**
 * The shard names of a configuration: the list as given, or the numbered range expanded
 * (`{prefix: "n", from: 200, to: 299, suffix: "-primary-meraki-com"}` → n200-primary-meraki-com … n299-…).
 *
 * @param machines The configuration's `machines`.
 * @returns Shard names.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { machineNames } from "./machines.ts";
 * assert.deepEqual(machineNames({ prefix: "n", from: 200, to: 201, suffix: "-x" }), ["n200-x", "n201-x"]);
 * ```
 */
export function machineNames(machines: Config["machines"]): string[] {
  if (Array.isArray(machines)) return [...machines];
  const out: string[] = [];
  for (let i = machines.from; i <= machines.to; i++) out.push(`${machines.prefix}${i}${machines.suffix}`);
  return out;
}
