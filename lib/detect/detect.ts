import type { Series } from "../series/types.ts";
import { thresholdAt } from "../model/threshold_at.ts";
import { episodeId } from "./anomaly_id.ts";
import type { Model, Profile } from "../model/schema.ts";
import type { Anomaly, Reason } from "./types.ts";
import { flaggedRuns } from "./flagged_runs.ts";
import { episodeOnset } from "./episode_onset.ts";
import { episodeVerdict } from "./episode_verdict.ts";
import { scoreOfLogP, scoreSeries, type SeriesScores, stepBound } from "../model/score_series.ts";
import { seasonalExpectation } from "../series/seasonal_expectation.ts";
import { fromLocal, localTimeView } from "../series/local_time.ts";
import { expectationOptions } from "./expectation_options.ts";
import { DETECTORS } from "../detectors/registry.ts";
import type { Params } from "../detectors/types.ts";
import { formatNumber } from "../format/format_number.ts";
import { formatDuration } from "../format/format_duration.ts";
import { derivedOf } from "../series/derived.ts";

/** Options for {@link detect}. */
export interface DetectOptions {
  /** Threshold profile. @default the model's profile */
  profile?: Profile;
  /** An explicit ensemble threshold 0..1, overriding the profile. @default undefined */
  threshold?: number;
  /** Only report episodes that end at or after this time, epoch ms. @default -Infinity */
  from?: number;
  /** Only report episodes that start at or before this time, epoch ms. @default Infinity */
  until?: number;
  /** Flagged points this close belong to one episode, ms. @default the model's (6 h) */
  episodeGap?: number;
  /** Shorter episodes need `singlePointMargin` more, ms. @default the model's (2 h) */
  minDuration?: number;
  /** Extra score (fraction of 1 − threshold) a short episode needs. @default the model's (0.1) */
  singlePointMargin?: number;
  /** Keep every scored series' per-point scores in the result (for heatmaps and charts). @default false */
  keepScores?: boolean;
  /**
   * Compute each scored series' band (expected, lower, upper) with its scores; `{ from }` from that time on
   * only, or from the time a function gives per series (a watch cycle writes its new points only).
   * @default false
   */
  band?: boolean | { from: number | ((series: Series) => number) };
  /**
   * Called once per scored series, in order, with its scores and its anomalies, while the next is not scored
   * yet: a consumer (the write-back) streams results without every series' scores held at once.
   * @default undefined
   */
  onScored?: (scored: ScoredSeries) => void;
}

/** One scored series as {@link DetectOptions.onScored} sees it. */
export interface ScoredSeries {
  /** The series as scored. */
  series: Series;
  /** Its per-point scores (and band, with `band`). */
  scores: SeriesScores;
  /** The threshold its points were held against (0..1, at its step). */
  threshold: number;
  /** Its anomalies. */
  anomalies: Anomaly[];
}

/** A series that was not scored, and why. */
export interface SeriesNote {
  /** Series key. */
  series: string;
  /** Short reason code. */
  reason: "too_short" | "short_history" | "other_step" | "all_missing" | "constant" | "other_family";
  /** A sentence for humans. */
  detail: string;
}

/** Reasons of notes on series that were scored all the same (what judged them); the others were not scored. */
export const SCORED_NOTES: ReadonlySet<SeriesNote["reason"]> = new Set(["short_history", "other_step"]);

/** What {@link detect} found. */
export interface DetectResult {
  /** Anomalous episodes, by start time then series. */
  anomalies: Anomaly[];
  /** Series that could not be scored, each with its reason. */
  notes: SeriesNote[];
  /** Profile used. */
  profile: Profile;
  /** Ensemble threshold used, 0..1. */
  threshold: number;
  /** Series scored. */
  scored: number;
  /** Per-point scores by series key, with the series as scored (on the model's step); only with `keepScores`. */
  scores?: Map<string, { series: Series; scores: SeriesScores }>;
  /**
   * Anomalies operators' feedback dismissed (like an episode marked normal), each with the decision's id in
   * `dismissedBy` and its first reason saying why; not in `anomalies`, never alerted. Set by the pipeline,
   * which reads the feedback file (`detect` itself knows nothing of it).
   */
  dismissed?: (Anomaly & { dismissedBy: string })[];
}

const HOUR = 3_600_000, DAY = 86_400_000;
/** Shortest series scored: the trailing baselines' scales warm up over the first hours. */
const MIN_HISTORY = 6 * HOUR, MIN_POINTS = 24;

/**
 * Which baselines judge a series with `span` of history, for its note. `weekly`: what the model knows of the
 * family's weekly rhythm — `unknown` (less than a week of a fleet), `none`, or `rhythm` (its day-over-day profile,
 * over which the days before are carried). Where it is known, sustained change is judged from the fourth day.
 * `shape`: the family's ensemble holds rhythm loss, which waits for three earlier days.
 */
function baselinesNote(span: number, weekly: "unknown" | "none" | "rhythm", shape: boolean): string {
  const sustained = weekly === "unknown"
    ? "; level shift and stall with them"
    : "; level shift and stall from 3 days";
  const lags = weekly === "rhythm"
    ? "the 1–3 d lags (their median, carried over the family's weekly rhythm)"
    : weekly === "none"
    ? "the 1–3 d lags (their median; the family has no weekly rhythm)"
    : "the 1–3 d lags (their median)";
  const joins = span < 2 * DAY
    ? "the recent past only (the trailing day); the 1 d lag joins at 2 days (the 2 d and 3 d lags a day after each), the 7 d and 14 d lags at 15" +
      sustained
    : `the recent past and ${lags}; the 7 d and 14 d lags join at 15 days${sustained}` +
      (weekly === "unknown" ? ", so a weekly rhythm may look unusual until then" : "");
  return `${hours(span)} of history: scored against ${joins}` +
    (shape && span < 4 * DAY ? "; the usual daily shape (rhythm loss) from 4 days" : "");
}

/** What is left out of a series scored at `step` by a model trained at `modelStep`: `bound` (see `stepBound`). */
function otherStepNote(step: number, modelStep: number, bound: ReadonlySet<string>): string {
  const names = [...bound].map((n) => n.replaceAll("_", " ")).join(", ");
  return `scored at a ${hours(step)} step with a model trained at ${hours(modelStep)}: ${names} left out ` +
    `(${bound.size > 1 ? "their calibrations hold" : "its calibration holds"} at ${hours(modelStep)} only; ` +
    `train at ${hours(step)} to use ${bound.size > 1 ? "them" : "it"})`;
}

const round = (v: number, digits = 4) => (v === v ? Number(v.toPrecision(digits)) : null);

const fmt = (v: number) => formatNumber(v, { missing: "missing" });
const hours = (ms: number) => formatDuration(ms);

/** A sentence for one detector at point `index` of `values`: the detector's own `explain`, with the model's params for it. */
function explain(
  name: string,
  raw: number,
  values: Float64Array,
  index: number,
  e: number,
  params: Params | undefined,
  step: number,
): string {
  const detector = DETECTORS[name];
  return detector && params
    ? detector.explain(raw, values[index], e, params, { step, values, index })
    : `raw score ${fmt(raw)}`;
}

/** Builds the episodes of one scored series. */
function episodes(
  series: Series,
  scores: SeriesScores,
  threshold: number,
  opts:
    & Required<Pick<DetectOptions, "from" | "until" | "episodeGap" | "minDuration" | "singlePointMargin">>
    & { digits: number }
    & {
      /** The seasonal expectation the model's seasonal_lag uses (lags, minLags), for "expected" in the record. */
      expectation: { lags?: number[]; minLags?: number };
      /** The model's time zone: the expectation is read on its wall clock, as the detectors read it. */
      timeZone?: string;
      /** The model's params by detector, for the reasons. */
      params: Model["detectors"];
    },
): Anomaly[] {
  const { values, start, step } = series;
  const { combined, logP, raw, names } = scores;
  const out: Anomaly[] = [];
  const gap = Math.max(1, Math.round(opts.episodeGap / step));
  let expected: Float64Array | undefined;
  const close = (firstFlagged: number, last: number) => {
    // A stuck value or a gap is dated from its onset, which the causal score itself measured (no look-ahead).
    const first = episodeOnset(scores, firstFlagged, step);
    const t0 = start + first * step, t1 = start + last * step;
    if (t1 < opts.from || t0 > opts.until) return;
    let peak = firstFlagged, flagged = 0;
    for (let i = firstFlagged; i <= last; i++) {
      if (combined[i] > combined[peak]) peak = i;
      if (combined[i] >= threshold) flagged++;
    }
    const score = combined[peak];
    const duration = t1 - t0 + step;
    const severity = episodeVerdict(score, duration, threshold, opts, flagged);
    if (!severity) return;
    if (!expected) {
      const view = opts.timeZone ? localTimeView(series, opts.timeZone) : undefined;
      expected = view
        ? fromLocal(view, seasonalExpectation(view.series, opts.expectation))
        : seasonalExpectation(series, opts.expectation);
    }
    const reasons: Reason[] = [];
    names.forEach((name, d) => {
      // The detector's strongest point in the episode: its smallest log p (the first of equals), converted to a
      // calibrated score once, for that point only.
      const lp = logP[d];
      let best = -1;
      for (let i = first; i <= last; i++) if (lp[i] < 0 && (best < 0 || lp[i] < lp[best])) best = i;
      const c = best < 0 ? NaN : scoreOfLogP(lp[best], opts.digits);
      if (!(c >= 0.75 * threshold)) return;
      reasons.push({
        detector: name,
        score: round(c, 3)!,
        detail: explain(name, raw[d][best], values, best, expected![best], opts.params[name], step),
      });
    });
    reasons.sort((a, b) => b.score - a.score);
    out.push({
      machine: series.labels.machine ?? "",
      aggregator: series.labels.aggregator ?? "",
      timestamp: new Date(t0).toISOString(),
      severity,
      id: episodeId("anomaly", series.key, t0),
      series: series.key,
      start: t0,
      end: t1,
      detectedAt: start + firstFlagged * step,
      peakAt: start + peak * step,
      score: round(score, 3)!,
      observed: round(values[peak], 6),
      expected: round(expected[peak], 6),
      reasons,
    });
  };
  for (const [first, last] of flaggedRuns(combined, threshold, gap)) close(first, last);
  return out;
}

/**
 * Detects anomalies: scores each series with the model's calibrated ensemble, thresholds it with the profile
 * (or an explicit threshold), groups flagged points into episodes (points within `episodeGap` are one episode,
 * so a continuing incident is reported once), drops short blips unless they are strong, and grades severity
 * from the score and the duration. Each series is scored at its own step (a model trained on hourly exports
 * scores 1-minute data: the detectors' windows are durations and the threshold follows the step). Series that
 * are too short (under 6 hours), all missing, constant (unless they varied in training: then they are stuck,
 * and scored) or of another family are not scored and each gets a note saying why; a series with under 15 days
 * of history is scored with a note saying which baselines judged it.
 *
 * @param model A trained model.
 * @param series Series to score (full history: the detectors need days of context).
 * @param options See {@link DetectOptions}.
 * @returns Anomalies and notes.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detect } from "./detect.ts";
 * import { train } from "../model/train.ts";
 * import { generateCorpus } from "../synth/generate.ts";
 * const { series } = generateCorpus({ shards: 1, days: 40, aggregators: ["A"] });
 * const { anomalies, notes } = detect(train(series), series);
 * assert.ok(Array.isArray(anomalies) && notes.length === 0);
 * ```
 */
export function detect(model: Model, series: readonly Series[], options: DetectOptions = {}): DetectResult {
  const {
    profile = model.profile,
    from = -Infinity,
    until = Infinity,
    episodeGap = model.events.episodeGap,
    minDuration = model.events.minDuration,
    singlePointMargin = model.events.singlePointMargin,
  } = options;
  const family = model.families[model.family];
  if (!family) {
    throw new RangeError(
      `Cannot detect: the model has no family "${model.family}", current value is ${model.family}`,
    );
  }
  const threshold = options.threshold ?? family.thresholds[profile];
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new RangeError(`Cannot detect: the threshold must be within 0..1, current value is ${threshold}`);
  }
  const step = model.trainedOn.step;
  const anomalies: Anomaly[] = [];
  const notes: SeriesNote[] = [];
  let scored = 0;
  const kept = options.keepScores ? new Map<string, { series: Series; scores: SeriesScores }>() : undefined;
  const band: { from?: number | ((series: Series) => number) } | undefined = options.band === true
    ? {}
    : options.band || undefined;
  const expectation = expectationOptions(model);
  const dayChange = (model.detectors.level_shift as { weekly?: unknown } | undefined)?.weekly;
  const weeklyKnown = !Array.isArray(dayChange)
    ? "unknown"
    : dayChange.some((d) => d !== 0)
    ? "rhythm"
    : "none";
  const bound = stepBound(family);
  // rhythm_loss is in the ensemble (train deletes what it leaves out) and waits for 3 earlier days.
  const shape = model.detectors.rhythm_loss !== undefined;
  for (const s of series) {
    const key = s.key;
    if (s.labels.family && s.labels.family !== model.family) {
      notes.push({
        series: key,
        reason: "other_family",
        detail: `family "${s.labels.family}" but the model is for "${model.family}"`,
      });
      continue;
    }
    // Scored at its own step: every detector's windows are durations, and the threshold follows the step.
    let valid = 0, lo = Infinity, hi = -Infinity;
    const vs = s.values;
    for (let i = 0; i < vs.length; i++) {
      const v = vs[i];
      if (v !== v) continue;
      valid++;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const need = Math.max(MIN_POINTS, Math.round(MIN_HISTORY / s.step));
    if (valid === 0) {
      notes.push({ series: key, reason: "all_missing", detail: `all ${s.values.length} points are missing` });
      continue;
    }
    if (s.values.length < need) {
      notes.push({
        series: key,
        reason: "too_short",
        detail: `${s.values.length} points; scoring needs at least ${need} (${
          hours(need * s.step)
        } of history)`,
      });
      continue;
    }
    if (lo === hi && valid >= need) {
      // Constant all along: normal for a metric that was constant in training too (an idle shard's 0), a stuck
      // gauge otherwise — then it is scored, and the flatline detector says since when.
      const range = family.seriesRanges[key];
      const variedInTraining = range && range.p05 !== null && range.p99 !== null && range.p05 !== range.p99;
      if (!variedInTraining) {
        notes.push({
          series: key,
          reason: "constant",
          detail: `constant at ${fmt(lo)} for all ${valid} valid points` +
            (range ? ", as in training" : " (not seen in training)"),
        });
        continue;
      }
    }
    const span = s.values.length * s.step;
    if (span < 15 * DAY) {
      notes.push({ series: key, reason: "short_history", detail: baselinesNote(span, weeklyKnown, shape) });
    }
    if (s.step !== step && bound.size) {
      notes.push({ series: key, reason: "other_step", detail: otherStepNote(s.step, step, bound) });
    }
    scored++;
    const at = thresholdAt(threshold, step, s.step, model.ensemble.digits);
    const bandFrom = typeof band?.from === "function" ? band.from(s) : band?.from;
    const scores = scoreSeries(model, family, s, band ? { band: { threshold: at, from: bandFrom } } : {});
    kept?.set(key, { series: s, scores });
    const found = episodes(s, scores, at, {
      from,
      until,
      episodeGap,
      minDuration,
      singlePointMargin,
      digits: model.ensemble.digits,
      expectation,
      ...(model.timeZone ? { timeZone: model.timeZone } : {}),
      params: model.detectors,
    });
    anomalies.push(...found);
    options.onScored?.({ series: s, scores, threshold: at, anomalies: found });
    // What the detectors derived from this series (expectations, log ratios) is not needed once it is scored.
    derivedOf(s.values).clear();
  }
  anomalies.sort((a, b) => a.start - b.start || a.series.localeCompare(b.series));
  return { anomalies, notes, profile, threshold, scored, ...(kept ? { scores: kept } : {}) };
}
