/**
 * The model the live tests and the live bench detect with: the same fleet's normal behaviour at 1 minute, learned
 * from synthetic history that ends days before the data fed to Graphite (so nothing of it is seen in training).
 *
 * @module
 */
import { generateCorpus } from "../../lib/synth/generate.ts";
import { train } from "../../lib/model/train.ts";
import type { Model } from "../../lib/model/schema.ts";

const HOUR = 3_600_000, STEP = 60_000;

/** Options for {@link fleetModel}. */
export interface FleetModelOptions {
  /** Shards of the history. @default 4 */
  shards?: number;
  /** Days of history. @default 12 */
  days?: number;
  /** Days between the history's end and `end`. @default 3 */
  gapDays?: number;
  /** Plant the generator's "recent" anomalies in the history's last day. @default false */
  recent?: boolean;
}

/**
 * Trains a model on 1-minute synthetic history (seed 9, no weekly rhythm) ending `gapDays` before `end`.
 *
 * @param end The end of the live data, epoch ms.
 * @param options See {@link FleetModelOptions}.
 * @returns The model.
 * @example
 * ```ts ignore
 * await saveModel(fleetModel(end), "model.json");
 * ```
 */
export function fleetModel(end: number, options: FleetModelOptions = {}): Model {
  const { shards = 4, days = 12, gapDays = 3, recent = false } = options;
  const history = generateCorpus({
    shards,
    days,
    step: STEP,
    end: end - gapDays * 24 * HOUR,
    seed: 9,
    recent,
    weekly: false,
  });
  return train(history.series);
}
