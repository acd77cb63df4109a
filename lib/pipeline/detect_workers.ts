import { type Config, isLive } from "../sources/config.ts";
import { fleetSize } from "../sources/fleet_size.ts";
import { parseDurationMs } from "../series/parse_duration.ts";

/** Series a live fleet must have for `workers: "auto"` to score them on worker threads. */
const AUTO_MIN_SERIES = 1000;
/**
 * Or points a live fleet's cycle scores (its series × (`lookback` + `history`) at the config's `step`): about a
 * second of one core's detect, where the workers' start (0.1–0.2 s, their code compiled cold) is repaid. 600
 * series × 16 days at 1 minute is 13.8 M.
 */
const AUTO_MIN_POINTS = 4_000_000;

/**
 * How many worker threads `watch` and `detect` score a live fleet on (`openDetectPool`): the config's `workers`, or for `auto`
 * one per core (at most 8) for a live fleet of at least 1 000 series (machines × aggregators) or whose cycle
 * scores at least 4 M points (series × (`lookback` + `history`) / `step`), else 1 (the own thread: below
 * that a cycle takes about a second or less, and the workers' start and copies would be much of it).
 *
 * @param config A parsed config.
 * @param cores The machine's cores. @default navigator.hardwareConcurrency
 * @returns 1 for none, else the pool's size.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectWorkers } from "./detect_workers.ts";
 * import { parseConfig } from "../sources/config.ts";
 * const fleet = (machines: number, workers?: number, history = "26h") =>
 *   parseConfig({ source: "graphite", url: "http://g.invalid", workers, history,
 *     machines: { prefix: "n", from: 1, to: machines, suffix: "" } }, "inline");
 * assert.equal(detectWorkers(fleet(100), 4), 1);
 * assert.equal(detectWorkers(fleet(200), 4), 4);
 * assert.equal(detectWorkers(fleet(200), 16), 8);
 * assert.equal(detectWorkers(fleet(100, 3), 4), 3);
 * // 100 machines × 6 aggregators with the default 15 days of history: 13.8 M points at 1 minute.
 * assert.equal(detectWorkers(fleet(100, undefined, "15d"), 2), 2);
 * assert.equal(detectWorkers(fleet(100, 1, "15d"), 2), 1);
 * ```
 */
export function detectWorkers(config: Config, cores = navigator.hardwareConcurrency || 1): number {
  if (config.workers !== "auto") return config.workers;
  const asked = isLive(config) ? fleetSize(config) : 0;
  const points = asked * (parseDurationMs(config.lookback) + parseDurationMs(config.history)) /
    parseDurationMs(config.step);
  return asked >= AUTO_MIN_SERIES || points >= AUTO_MIN_POINTS ? Math.max(1, Math.min(8, cores)) : 1;
}
