import type { Config } from "../sources/config.ts";
import { isLive } from "../sources/config.ts";
import { crop } from "../series/crop.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import { loadModel } from "../model/load_model.ts";
import { modelFingerprint } from "../model/model_fingerprint.ts";
import { hydrate } from "../hydrate/hydrate.ts";
import { peerBaseline } from "../fleet/peer_baseline.ts";
import { runDetection, type RunDetectionOptions } from "./run_detection.ts";
import { scoredFleet } from "./_scored_fleet.ts";
import {
  PARTITION_FORMAT,
  PARTITION_VERSION,
  type PartitionOutput,
  type PartitionSeries,
} from "./partition_types.ts";

/** Options for {@link runPartition}: those of a detection run, without a trained-here model. */
export type RunPartitionOptions =
  & Pick<
    RunDetectionOptions,
    "until" | "model" | "loaded" | "profile" | "threshold" | "now" | "token" | "fetch" | "log" | "writeBack"
  >
  & {
    /** The configuration as recorded in the output (no secrets). @default the config */
    record?: unknown;
  };

const HOUR = 3_600_000;

const base64 = (values: Float64Array) =>
  new Uint8Array(values.buffer, values.byteOffset, values.byteLength).toBase64();

/**
 * One partition's share of a detection run (`config.partition`: its machines only, every aggregator of each),
 * with what the merge needs to judge the whole fleet (`mergePartitions`): its anomalies hydrated from its own
 * series, and per series its values from `max(hydrate.before, 72 h)` before the window (to hydrate a peer outlier
 * found at the merge), its peer baseline (so the merge needs no history) and its combined score over the window.
 * A live part's window ends at "now" rounded down to the config's `interval` (parts started seconds apart
 * share one window), unless `until` is given. It alerts nobody: the alert-once state lives with the merge.
 * The model must be one trained once on the whole fleet: a partition never trains its own.
 *
 * @param config A parsed config with a `partition`.
 * @param options See {@link RunPartitionOptions}.
 * @returns The partition's output, to write with `savePartition`.
 * @throws {TypeError} When the config has no partition, or no model is given.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runPartition } from "./run_partition.ts";
 * import { parseConfig } from "../sources/config.ts";
 * import { train } from "../model/train.ts";
 * import { fetchSource } from "../sources/fetch_source.ts";
 * const data = [new URL("../../data", import.meta.url).pathname];
 * const whole = parseConfig({ source: "replay", data }, "inline");
 * const model = train((await fetchSource(whole)).series);
 * const part = await runPartition({ ...whole, partition: { index: 0, count: 2 } }, { loaded: model, now: 0 });
 * assert.deepEqual(part.partition, { index: 0, count: 2 });
 * assert.ok(part.series.length > 0 && part.series.length < (await fetchSource(whole)).series.length);
 * ```
 */
export async function runPartition(config: Config, options: RunPartitionOptions): Promise<PartitionOutput> {
  const { partition } = config;
  if (!partition) {
    throw new TypeError(
      `Cannot run a partition: the config names none (--partition i/N or "partition"), current value is undefined`,
    );
  }
  const modelPath = options.model ?? config.model;
  const model = options.loaded ??
    (modelPath ? await loadModel(modelPath, { family: config.family }) : undefined);
  if (!model) {
    throw new TypeError(
      `Cannot run partition ${partition.index}/${partition.count}: it needs the one model trained on the whole ` +
        `fleet (--model FILE or "model" in the config; \`deno task train\` without --partition), current value is undefined`,
    );
  }
  // Each series' combined score over the window only (the report's heatmap): the window is the last `lookback`
  // of what is scored, so no more than that is kept while the others are scored.
  const lookback = parseDurationMs(config.lookback);
  const kept = new Map<string, { start: number; step: number; combined: Float64Array }>();
  // The parts of a live fleet start seconds apart: each ends its window at "now" rounded down to the interval,
  // so they share one window unless the scheduler gives them one --until.
  const interval = parseDurationMs(config.interval);
  const aligned = isLive(config) && !options.until && options.now !== undefined
    ? new Date(Math.floor(options.now / interval) * interval).toISOString()
    : options.until;
  const det = await runDetection(config, {
    ...options,
    until: aligned,
    loaded: model,
    onScored: ({ series: s, scores }) => {
      const i0 = Math.max(0, scores.combined.length - Math.floor(lookback / s.step) - 1);
      kept.set(s.key, { start: s.start + i0 * s.step, step: s.step, combined: scores.combined.slice(i0) });
    },
  });
  const { series, run, from, until, detected } = det;
  const window = { from, until };
  const before = parseDurationMs(config.hydrate.before), after = parseDurationMs(config.hydrate.after);
  const hydrated = hydrate(detected.anomalies, series, { before, after });
  const scored = new Set(scoredFleet(series, detected.notes).map((s) => s.key));
  const contextFrom = from - Math.max(before, 72 * HOUR);
  const out: PartitionSeries[] = series.map((s) => {
    const context = crop(s, contextFrom, until);
    const baseline = scored.has(s.key) ? peerBaseline(s, window) : NaN;
    const grid = kept.get(s.key);
    let cut: PartitionSeries["scores"];
    if (grid) {
      const i0 = Math.max(0, Math.ceil((from - grid.start) / grid.step));
      cut = {
        start: grid.start + i0 * grid.step,
        step: grid.step,
        combined: base64(grid.combined.slice(i0)),
      };
    }
    return {
      key: s.key,
      labels: s.labels,
      start: context.start,
      step: context.step,
      values: base64(context.values),
      scored: scored.has(s.key),
      baseline: baseline === baseline ? baseline : null,
      ...(cut ? { scores: cut } : {}),
    };
  });
  const now = isLive(config) ? options.now ?? until : until;
  return {
    format: PARTITION_FORMAT,
    version: PARTITION_VERSION,
    partition,
    model: { fingerprint: await modelFingerprint(model), family: model.family, step: model.trainedOn.step },
    live: isLive(config),
    now,
    config: options.record ?? config,
    settings: { fleet: config.fleet, hydrate: config.hydrate },
    window,
    run,
    detection: {
      profile: detected.profile,
      threshold: detected.threshold,
      scored: detected.scored,
      notes: detected.notes,
    },
    anomalies: hydrated,
    ...(detected.dismissed?.length ? { dismissed: detected.dismissed } : {}),
    series: out,
  };
}
