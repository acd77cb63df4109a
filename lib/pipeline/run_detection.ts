import { clockHintText } from "../series/clock_hint.ts";
import { type Config, isLive } from "../sources/config.ts";
import { fetchSource, type SourceRun } from "../sources/fetch_source.ts";
import { fleetSize } from "../sources/fleet_size.ts";
import type { Series } from "../series/types.ts";
import { crop } from "../series/crop.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import { parseWhen } from "../series/parse_when.ts";
import type { Model, Profile } from "../model/schema.ts";
import { loadModel } from "../model/load_model.ts";
import { train } from "../model/train.ts";
import { detect, type DetectResult, type ScoredSeries } from "../detect/detect.ts";
import type { DetectPool } from "../detect/detect_pool.ts";
import type { Anomaly } from "../detect/types.ts";
import type { FeedbackDecision } from "../feedback/types.ts";
import { mergeDetections } from "../detect/merge_detections.ts";
import type { WriteBack } from "./write_back.ts";
import type { HistoryCache } from "./history_cache.ts";
import { readFeedback } from "../feedback/read_feedback.ts";
import { activeDecisions } from "../feedback/active_decisions.ts";
import { anomalousSpans } from "../feedback/anomalous_spans.ts";
import { applyFeedback } from "../feedback/apply_feedback.ts";

/** What one detection run found, with what it ran on: detect, report, watch and the notebooks share it. */
export interface Detection {
  /** The configuration it ran with. */
  config: Config;
  /** Every series fetched (the window and the history before it; for files all of them, up to "now"). */
  series: Series[];
  /** What the source answered: asked, answered, failed with reasons. */
  run: SourceRun;
  /** The model used. */
  model: Model;
  /** Whether the model was trained here (on the history before the window). */
  trained: boolean;
  /** Start of the window, epoch ms. */
  from: number;
  /** End of the window ("now"), epoch ms. */
  until: number;
  /** The end of the data: the last point of the files, or "now" for a live source. */
  end: number;
  /** What detect found (from `from - extra` to `until`). */
  detected: DetectResult;
  /** Where the time went, ms (see {@link DetectionTimings}). */
  timings: DetectionTimings;
}

/**
 * Where a detection run's time went, ms. A live first fetch scores each answer as it arrives: the scoring is
 * counted in `detect`, and `fetch` is the rest of the time the fetch took.
 */
export interface DetectionTimings {
  /** Fetching (waiting for and parsing answers; for files, reading them), scoring excluded. */
  fetch: number;
  /** Training, when there was no model (files only). */
  train: number;
  /** Scoring, thresholds and episodes, the write-back's hook excluded. */
  detect: number;
  /** Turning each scored series into write-back lines and queueing them (the sending is not waited for). */
  writeBack: number;
}

/** Options for {@link runDetection}. */
export interface RunDetectionOptions {
  /** "Now" as a time (ISO 8601, epoch, or relative like `-1h`). @default the end of the data for files, `now` for a live source */
  until?: string;
  /** Start of the window, as `until`. @default `until` − `window` */
  from?: string;
  /** Length of the window. @default the config's lookback (24h) */
  window?: string;
  /** A model file. @default the config's `model`; none: for files, one is trained on the history before the window */
  model?: string;
  /** A model already in memory (a watch loop's, loaded or trained once); wins over `model`. @default undefined */
  loaded?: Model;
  /** Threshold profile. @default the config's profile */
  profile?: Profile;
  /** An explicit ensemble threshold 0..1. @default the profile's */
  threshold?: number;
  /** Keep the per-point scores (heatmaps, charts). @default false */
  keepScores?: boolean;
  /**
   * Write each scored series' results back to carbon while detecting, over the window (or from `since` on, as
   * watch writes only what is new since its last cycle). @default undefined (no write-back)
   */
  writeBack?: { to: WriteBack; since?: number };
  /** Called once per scored series with its scores and anomalies, as `detect`'s `onScored` (after the
   * write-back's): a partition keeps each one's combined score over the window without keeping every detector's.
   * @default undefined */
  onScored?: (scored: ScoredSeries) => void;
  /** Detect over this much more history before the window, ms (for trends). @default 0 */
  extra?: number;
  /** The clock, epoch ms: "now" of a live source (files take the end of their data). Required for a live source. */
  now?: number;
  /** Grafana's token (the caller reads it from the environment). @default undefined */
  token?: string;
  /** Injectable fetch, for tests. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Progress lines. @default none */
  log?: (message: string) => void;
  /** Read the config's feedback file (false: ignore it, e.g. to compare with and without). @default true */
  feedback?: boolean;
  /**
   * A live source's series kept from earlier runs (a watch's `historyCache`): only what is new is fetched,
   * and then the series are scored (the first time, when it fetches everything, as the answers arrive).
   * @default undefined (fetch the whole range)
   */
  history?: HistoryCache;
  /**
   * Called when a stage ends: `fetch` (a live first fetch has scored the answers as they arrived) and `detect`
   * (the write-back's lines are queued within it), e.g. to read the peak memory of each. @default none
   */
  onStage?: (stage: "fetch" | "detect") => void;
  /**
   * Score on these worker threads (`openDetectPool`) instead of this one: the same anomalies, scored on every
   * core. Not used with `keepScores` or `onScored` (every point's scores stay in the workers). @default undefined
   */
  pool?: DetectPool;
}

/**
 * One detection run, the way `deno task detect`, `report`, `watch` and the notebooks do it: fetches the configured
 * series — the window plus the history the seasonal detectors need (`config.history`), or for files the whole of
 * them, cropped at "now" as if live — loads the model (or, for files without one, trains on the history before
 * the window) and detects. A live source's answers are scored as they arrive.
 *
 * @param config A parsed config (`parseConfig`).
 * @param options See {@link RunDetectionOptions}.
 * @returns The series, the model, the window and what detect found.
 * @throws {TypeError} When a live source or a partition has no model, or a live source no `now`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runDetection } from "./run_detection.ts";
 * import { parseConfig } from "../sources/config.ts";
 * const config = parseConfig({ source: "replay", data: [new URL("../../data", import.meta.url).pathname] }, "inline");
 * const { trained, until, end, detected } = await runDetection(config);
 * assert.ok(trained && until === end && detected.scored > 0);
 * ```
 */
export async function runDetection(config: Config, options: RunDetectionOptions = {}): Promise<Detection> {
  const { log = () => {}, extra = 0 } = options;
  const live = isLive(config);
  // A given model is loaded first, so a bad one fails before anything is fetched.
  const modelPath = options.model ?? config.model;
  const given = options.loaded ??
    (modelPath ? await loadModel(modelPath, { family: config.family }) : undefined);
  if (live && !given) {
    throw new TypeError(
      `Cannot detect from ${config.source}: a live source needs a model (--model FILE or "model" in the config; ` +
        `train one from the same source: \`deno task train --source ${config.source} --url URL --from -30d --out models/presence.json\`)`,
    );
  }
  if (config.partition && !given) {
    const { index, count } = config.partition;
    throw new TypeError(
      `Cannot detect on partition ${index}/${count}: it needs the one model trained on the whole fleet (--model ` +
        `FILE or "model" in the config), never one trained on its part, current value is undefined`,
    );
  }
  if (live && options.now === undefined) {
    throw new TypeError(
      `Cannot detect from ${config.source}: a live source needs "now" (the clock), current value is undefined`,
    );
  }
  const lookback = parseDurationMs(options.window ?? config.lookback);
  const history = parseDurationMs(config.history);
  const windowStart = (now: number) => options.from ? parseWhen("--from", options.from, now) : now - lookback;
  let series: Series[], run: SourceRun, until: number, end: number;
  const timings: DetectionTimings = { fetch: 0, train: 0, detect: 0, writeBack: 0 };
  /** detect, timed (the write-back's hook inside it is counted apart). */
  const timedDetect = (...args: Parameters<typeof detect>) => {
    const t0 = performance.now(), wb0 = timings.writeBack;
    const result = detect(...args);
    timings.detect += performance.now() - t0 - (timings.writeBack - wb0);
    return result;
  };
  // On a pool, each batch is sent off as it arrives and the results are awaited once the fetch is over: the
  // time detect adds is the wait after that.
  const pool = options.pool && !options.keepScores && !options.onScored ? options.pool : undefined;
  const pending: Promise<DetectResult>[] = [];
  // If anything fails before the results are awaited, the batches still queued are dropped and none reaches
  // the write-back after this run has thrown.
  const abandon = new AbortController();
  const dispatch = (model: Model, batch: Series[], opts: ReturnType<typeof detectOptions>) => {
    if (pool) {
      const p = pool.detect(model, batch, { ...opts, signal: abandon.signal });
      p.catch(() => {}); // a failure is thrown by settle, not as an unhandled rejection meanwhile
      pending.push(p);
    } else parts.push(timedDetect(model, batch, opts));
  };
  /** Awaits `p`; if it fails, the batches sent off are given up first. */
  const orAbandon = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (err) {
      abandon.abort();
      throw err;
    }
  };
  const settle = async () => {
    const t0 = performance.now(), wb0 = timings.writeBack;
    parts.push(...await orAbandon(Promise.all(pending.splice(0))));
    timings.detect += performance.now() - t0 - (timings.writeBack - wb0);
  };
  // `fleet`: the series the write-back shares its buffer among.
  const detectOptions = (model: Model, from: number, until: number, fleet: number) => {
    const wb = options.writeBack, also = options.onScored;
    const written = wb
      ? writeBackOptions(
        wb.to,
        model.family,
        { from: Math.max(from, wb.since ?? from), until, fleet },
        (a) => applyFeedback(a, decisions).kept,
        timings,
      )
      : undefined;
    return {
      from: from - extra,
      until,
      profile: options.profile ?? config.profile,
      threshold: options.threshold,
      keepScores: options.keepScores,
      ...written,
      ...(also
        ? {
          onScored: (scored: ScoredSeries) => {
            written?.onScored(scored);
            also(scored);
          },
        }
        : {}),
    };
  };
  // Operators' decisions: confirmed spans stay out of training, episodes like those marked normal are
  // dismissed (in the write-back too). Read every run, so a decision takes effect at the next cycle without
  // retraining; in force at "now".
  const feedback = options.feedback === false ? [] : await readFeedback(config.feedback);
  let decisions: FeedbackDecision[] = [];
  // Live: each answer is scored as it arrives, while the other requests are still in flight.
  const parts: DetectResult[] = [];
  const done = new Set<string>();
  if (live) {
    until = options.until ? parseWhen("--until", options.until, options.now!) : options.now!;
    end = until;
    decisions = activeDecisions(feedback, options.now!);
    const opts = detectOptions(given!, windowStart(until), until, fleetSize(config));
    const onBatch = (batch: Series[]) => {
      dispatch(given!, batch, opts);
      for (const s of batch) done.add(s.key);
    };
    const range = { from: windowStart(until) - history - extra, until };
    const asked = { token: options.token, fetch: options.fetch, onBatch };
    const t0 = performance.now();
    ({ series, run } = await orAbandon(
      options.history
        ? options.history.fetch(range.from, range.until, asked)
        : fetchSource(config, { ...range, ...asked }),
    ));
    timings.fetch = performance.now() - t0 - timings.detect - timings.writeBack;
  } else {
    const t0 = performance.now();
    ({ series, run } = await fetchSource(config));
    timings.fetch = performance.now() - t0;
    // A partition's "now" is the end of all the files (its source run's), the same in every partition.
    end = config.partition
      ? Date.parse(run.until)
      : Math.max(...series.map((s) => s.start + (s.values.length - 1) * s.step));
    until = options.until ? parseWhen("--until", options.until, end) : end;
    // As if live: nothing after "now" exists yet.
    series = series.map((s) => crop(s, -Infinity, until)).filter((s) => s.values.length > 0);
    decisions = activeDecisions(feedback, options.now ?? until);
  }
  options.onStage?.("fetch");
  const from = windowStart(until);
  log(
    `${run.answered}/${run.asked} series from ${run.source}${run.failed ? `, ${run.failed} failed` : ""}`,
  );
  let model: Model, trained = false;
  if (given) {
    model = given;
  } else {
    const t0 = performance.now();
    model = train(historyBefore(series, from), {
      family: config.family,
      timeZone: config.timeZone,
      now: from,
      exclude: anomalousSpans(decisions),
    });
    trained = true;
    timings.train = performance.now() - t0;
    log(`trained on ${model.trainedOn.series} series, ${model.trainedOn.points} points before the window`);
    for (const { detector, reason } of model.skippedDetectors ?? []) log(`left out ${detector}: ${reason}`);
    if (model.clockHint) log(clockHintText(model.clockHint));
  }
  dispatch(model, series.filter((s) => !done.has(s.key)), detectOptions(model, from, until, series.length));
  await settle();
  const merged = mergeDetections(parts, series.map((s) => s.key));
  const { kept, dismissed } = applyFeedback(merged.anomalies, decisions);
  if (dismissed.length) {
    log(`${dismissed.length} anomalies dismissed by feedback (like episodes marked normal)`);
  }
  const detected = { ...merged, anomalies: kept, ...(decisions.length ? { dismissed } : {}) };
  options.onStage?.("detect");
  return { config, series, run, model, trained, from, until, end, detected, timings };
}

/** Each series' points before `from` (the model never sees the window it judges). */
function historyBefore(series: readonly Series[], from: number): Series[] {
  return series.map((s) => ({
    ...s,
    values: s.values.slice(0, Math.max(0, Math.floor((from - s.start) / s.step))),
  }))
    .filter((s) => s.values.length > 0);
}

/** detect's options for a write-back up to `until`: each series' band from where its write begins, and the hook. */
function writeBackOptions(
  wb: WriteBack,
  family: string,
  { from, until, fleet }: { from: number; until: number; fleet: number },
  keep: (anomalies: Anomaly[]) => Anomaly[],
  timings: DetectionTimings,
) {
  const hook = wb.hook(family, from, until, fleet);
  const writeStart = (s: Series) => wb.startFor(s, from, until, fleet);
  return {
    // On a pool, each series' scores come back from where its write begins (see PoolDetectOptions).
    tailFrom: writeStart,
    ...(wb.band ? { band: { from: writeStart } } : {}),
    // What is written as anomalous is what is reported: feedback's dismissals are not.
    onScored: (scored: ScoredSeries) => {
      const t0 = performance.now();
      hook({ ...scored, anomalies: keep(scored.anomalies) });
      timings.writeBack += performance.now() - t0;
    },
  };
}
