import { type Config, isLive } from "../sources/config.ts";
import { fetchSource, type SourceRun } from "../sources/fetch_source.ts";
import type { Series } from "../series/types.ts";
import { crop } from "../series/crop.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import { parseWhen } from "../series/parse_when.ts";
import type { Model, Profile } from "../model/schema.ts";
import { loadModel } from "../model/load_model.ts";
import { train } from "../model/train.ts";
import { thresholdAt } from "../model/threshold_at.ts";
import { logPOfScore, scoreOfLogP } from "../model/score_series.ts";
import { detect } from "../detect/detect.ts";
import { SEVERITIES, type Severity } from "../detect/types.ts";
import type { AnomalyLabel } from "../presence.ts";
import { episodeTimeline } from "../backtest/episode_timeline.ts";
import { scoredAt } from "../backtest/scored_at.ts";
import { replayAlerts, type ReplayAlertsOptions } from "../backtest/replay_alerts.ts";
import { summarizeSends } from "../backtest/summarize_sends.ts";
import type {
  BacktestResult,
  EpisodeTimeline,
  ProfileBacktest,
  SendSummary,
  SweepPoint,
} from "../backtest/types.ts";

/** Options for {@link runBacktest}. */
export interface RunBacktestOptions {
  /** A model file. @default the config's `model`; none: for files, one is trained on the history before `from` */
  model?: string;
  /** A model already in memory; wins over `model`. @default undefined */
  loaded?: Model;
  /** The first cycle's "now": ISO 8601, epoch seconds or relative to the end (`-30d`). @default "-30d" */
  from?: string;
  /** The last "now", as `from`. @default the end of the data (files), the clock (live) */
  until?: string;
  /** Time between cycles, ms. @default the config's interval (5 min) */
  interval?: number;
  /** Labelled anomalies: time to detect and recall per kind. @default none */
  labels?: readonly AnomalyLabel[];
  /** Thresholds on the alerts-per-day curve: this many, half a decade of tail probability apart. @default 9 */
  sweep?: number;
  /** The clock, epoch ms ("now" of a live source). Required for a live source. */
  now?: number;
  /** Grafana's token. @default undefined */
  token?: string;
  /** Injectable fetch, for tests. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Progress lines. @default none */
  log?: (message: string) => void;
}

/**
 * The backtest: replays a span of history as the watch loop would have run it, for both profiles and every
 * minimum severity, and says how many alerts each would have sent. The series are fetched once (for a live
 * source the span plus the config's history before it), scored once with the model (`detect`, causal: a point's
 * score uses only the points before it), and each series' episodes are recorded as they grew
 * (`episodeTimeline`) at each profile's threshold and along a sweep of thresholds; the alert planning is then
 * replayed every `interval` (`replayAlerts`: fleet incidents, alerts, once per episode, quiet hours) on an
 * in-memory state, and summarised (`summarizeSends`).
 *
 * @param config A parsed config (its lookback, fleet and alerts settings are the replayed watch's).
 * @param options See {@link RunBacktestOptions}.
 * @returns The per-profile summaries, the curve and what ran.
 * @throws {TypeError} When a live source has no model or no clock.
 * @throws {RangeError} When the span is empty.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runBacktest } from "./run_backtest.ts";
 * import { parseConfig } from "../sources/config.ts";
 * const config = parseConfig({ source: "replay", data: [new URL("../../data", import.meta.url).pathname] }, "inline");
 * const result = await runBacktest(config, { from: "-2d", interval: 3_600_000, sweep: 3 });
 * assert.equal(result.run.span.cycles, 49);
 * assert.deepEqual(result.profiles.map((p) => p.profile), ["strict", "permissive"]);
 * assert.equal(result.sweep.length, 3);
 * ```
 */
export async function runBacktest(config: Config, options: RunBacktestOptions = {}): Promise<BacktestResult> {
  const { log = () => {}, sweep: sweepCount = 9 } = options;
  const live = isLive(config);
  const modelPath = options.model ?? config.model;
  const given = options.loaded ??
    (modelPath ? await loadModel(modelPath, { family: config.family }) : undefined);
  if (live && !given) {
    throw new TypeError(
      `Cannot backtest ${config.source}: a live source needs a model (--model FILE or "model" in the config)`,
    );
  }
  if (live && options.now === undefined) {
    throw new TypeError(
      `Cannot backtest ${config.source}: a live source needs "now" (the clock), current value is undefined`,
    );
  }
  const interval = options.interval ?? parseDurationMs(config.interval);
  const lookback = parseDurationMs(config.lookback);
  const t0 = performance.now();
  let series: Series[], run: SourceRun, until: number, from: number;
  if (live) {
    until = options.until ? parseWhen("--until", options.until, options.now!) : options.now!;
    from = parseWhen("--from", options.from ?? "-30d", until);
    ({ series, run } = await fetchSource(config, {
      from: from - lookback - parseDurationMs(config.history),
      until,
      token: options.token,
      fetch: options.fetch,
    }));
  } else {
    ({ series, run } = await fetchSource(config));
    const end = Math.max(...series.map((s) => s.start + (s.values.length - 1) * s.step));
    until = options.until ? parseWhen("--until", options.until, end) : end;
    from = parseWhen("--from", options.from ?? "-30d", end);
    series = series.map((s) => crop(s, -Infinity, until)).filter((s) => s.values.length > 0);
  }
  if (!(from < until)) {
    throw new RangeError(
      `Cannot backtest: --from must be before --until, current value is ${new Date(from).toISOString()} .. ${
        new Date(until).toISOString()
      }`,
    );
  }
  const fetchMs = performance.now() - t0;
  log(`${run.answered}/${run.asked} series from ${run.source} in ${(fetchMs / 1000).toFixed(1)} s`);
  const model = given ?? train(
    series.map((s) => crop(s, -Infinity, from - 1)).filter((s) => s.values.length > 0),
    { family: config.family, now: from },
  );
  if (!given) log(`trained on ${model.trainedOn.series} series before ${new Date(from).toISOString()}`);
  const family = model.families[model.family];
  const digits = model.ensemble.digits, step = model.trainedOn.step;
  const profiles: Profile[] = ["strict", "permissive"];
  const thresholds = sweepThresholds(
    family.thresholds.strict,
    family.thresholds.permissive,
    sweepCount,
    digits,
  );
  const lines = thresholds.map(() => [] as EpisodeTimeline[]);
  const t1 = performance.now();
  const detected = detect(model, series, {
    from: Infinity, // only the scores are wanted here: the episodes are built below, at every threshold
    onScored: ({ series: s, scores }) => {
      const range = family.seriesRanges[s.key];
      const varied = !!range && range.p05 !== null && range.p99 !== null && range.p05 !== range.p99;
      const at = scoredAt(s, varied);
      thresholds.forEach(({ threshold }, j) => {
        lines[j].push(episodeTimeline(s, scores, thresholdAt(threshold, step, s.step, digits), {
          ...model.events,
          digits,
          scoredAt: at,
        }));
      });
    },
  });
  const scoreMs = performance.now() - t1;
  log(`scored ${detected.scored} series in ${(scoreMs / 1000).toFixed(1)} s`);
  const t2 = performance.now();
  const replay: Omit<ReplayAlertsOptions, "minSeverities"> = {
    from,
    until,
    interval,
    lookback,
    step,
    fleet: {
      minShards: config.fleet.minShards,
      minFraction: config.fleet.minFraction,
      window: parseDurationMs(config.fleet.window),
    },
    quietHours: config.alerts.quietHours,
    quietAllow: config.alerts.quietAllow,
  };
  let cycles = 0;
  const byProfile = new Map<Profile, ProfileBacktest>();
  const sweep: SweepPoint[] = thresholds.map(({ threshold, decades, profile }, j) => {
    const out = replayAlerts(lines[j], replay);
    cycles = out.cycles;
    const summaries = Object.fromEntries(
      SEVERITIES.map((m) => [m, summarizeSends(out.sent[m]!, { from, until, labels: options.labels })]),
    ) as Record<Severity, SendSummary>;
    if (profile) byProfile.set(profile, { profile, threshold, minSeverity: summaries });
    return {
      threshold: Number(threshold.toFixed(6)),
      decades: Number(decades.toFixed(3)),
      ...(profile ? { profile } : {}),
      alertsPerDay: Object.fromEntries(
        SEVERITIES.map((m) => [m, summaries[m].alertsPerDay.mean]),
      ) as Record<Severity, number>,
    };
  });
  const replayMs = performance.now() - t2;
  log(`replayed ${cycles} cycles at ${thresholds.length} thresholds in ${(replayMs / 1000).toFixed(1)} s`);
  const notes: string[] = [];
  if (config.fleet.peers) {
    notes.push(
      "Peer outliers (fleet.peers) are not replayed: watch compares each shard with its peers against a baseline " +
        "that moves with every cycle's window, so a watch with fleet.peers on may send a few alerts more.",
    );
  }
  if (live) {
    notes.push(
      "Scored once over the span and the history before it: a live watch fetches only its window and history each " +
        "cycle, so detectors with running state may differ slightly at the start of the span.",
    );
  }
  return {
    run: {
      ...run,
      span: { from, until, interval, lookback, cycles },
      series: series.length,
      scored: detected.scored,
      model: { family: model.family, step, trained: !given, createdAt: model.createdAt },
      timing: { fetchMs: Math.round(fetchMs), scoreMs: Math.round(scoreMs), replayMs: Math.round(replayMs) },
    },
    profiles: profiles.map((p) => byProfile.get(p)!),
    sweep,
    notes,
  };
}

/**
 * The thresholds to replay: both profiles', and `count` in all, half a decade of tail probability apart, from one
 * decade under the permissive profile upwards (the profiles take the nearest places).
 */
function sweepThresholds(strict: number, permissive: number, count: number, digits: number) {
  const decadesOf = (t: number) => -logPOfScore(t, digits);
  const lo = decadesOf(permissive) - 1;
  const points: Array<{ threshold: number; decades: number; profile?: Profile }> = [];
  for (let i = 0; i < count; i++) {
    const decades = lo + 0.5 * i;
    points.push({ threshold: scoreOfLogP(-decades, digits), decades });
  }
  for (const [profile, threshold] of [["strict", strict], ["permissive", permissive]] as const) {
    const decades = decadesOf(threshold);
    const near = points.findIndex((p) => !p.profile && Math.abs(p.decades - decades) < 0.25);
    if (near >= 0) points.splice(near, 1);
    points.push({ threshold, decades, profile });
  }
  while (points.length > Math.max(2, count)) points.splice(points.findIndex((p) => !p.profile), 1);
  return points.sort((a, b) => a.threshold - b.threshold);
}
