import type { Config } from "./config.ts";
import { machineNames } from "./machines.ts";

/**
 * How many series a live config asks its source for: its machines (those of its partition) × its aggregators.
 *
 * @param config A parsed config.
 * @returns The number of series a fetch asks for.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fleetSize } from "./fleet_size.ts";
 * import { parseConfig } from "./config.ts";
 * const config = parseConfig({ source: "graphite", url: "http://g.invalid",
 *   machines: { prefix: "n", from: 1, to: 10, suffix: "" }, aggregators: ["A", "B"] }, "inline");
 * assert.equal(fleetSize(config), 20);
 * ```
 */
export function fleetSize(config: Pick<Config, "machines" | "partition" | "aggregators">): number {
  return machineNames(config.machines, config.partition).length * config.aggregators.length;
}
