import { type Config, isLive } from "../sources/config.ts";
import { fleetSize } from "../sources/fleet_size.ts";

/** Series a live fleet must have for `workers: "auto"` to score them on worker threads. */
const AUTO_MIN_SERIES = 1000;

/**
 * How many worker threads `watch` and `detect` score a live fleet on (`openDetectPool`): the config's `workers`, or for `auto`
 * one per core (at most 8) for a live fleet of at least 1 000 series (machines × aggregators), else 1 (the watch's
 * own thread: below that a cycle takes a few seconds, and the workers' start and copies would be most of it).
 *
 * @param config A parsed config.
 * @param cores The machine's cores. @default navigator.hardwareConcurrency
 * @returns 1 for none, else the pool's size.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectWorkers } from "./detect_workers.ts";
 * import { parseConfig } from "../sources/config.ts";
 * const fleet = (machines: number, workers?: number) =>
 *   parseConfig({ source: "graphite", url: "http://g.invalid", workers,
 *     machines: { prefix: "n", from: 1, to: machines, suffix: "" } }, "inline");
 * assert.equal(detectWorkers(fleet(100), 4), 1);
 * assert.equal(detectWorkers(fleet(200), 4), 4);
 * assert.equal(detectWorkers(fleet(200), 16), 8);
 * assert.equal(detectWorkers(fleet(100, 3), 4), 3);
 * ```
 */
export function detectWorkers(config: Config, cores = navigator.hardwareConcurrency || 1): number {
  if (config.workers !== "auto") return config.workers;
  const asked = isLive(config) ? fleetSize(config) : 0;
  return asked >= AUTO_MIN_SERIES ? Math.max(1, Math.min(8, cores)) : 1;
}
