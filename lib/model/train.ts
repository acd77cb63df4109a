import type { Series } from "../series/types.ts";
import { resample } from "../series/resample.ts";
import { DEFAULT_TEMPLATE } from "../series/template.ts";
import { DEFAULT_DETECTORS, DETECTORS } from "../detectors/registry.ts";
import { fitCalibration } from "./calibration.ts";
import { type FamilyModel, type Model, type Profile, SCHEMA_VERSION } from "./schema.ts";
import { seasonality, valueRange } from "./_family_stats.ts";
import { combineRaw, logPOfScore, scoreOfLogP } from "../detect/score_series.ts";
import { quantileSorted } from "../series/summarize.ts";
import { displayable } from "../display/displayable.ts";
import { modelSummary } from "../display/model_summary.ts";

/** Options for {@link train}. */
export interface TrainOptions {
  /** The family to learn; series whose `family` label differs are ignored. @default "presence" */
  family?: string;
  /** Unit of the metric; `minutes` adds the static breach levels. @default "ratio" */
  unit?: "ratio" | "minutes" | "other";
  /** Default detection profile stored in the model. @default "strict" */
  profile?: Profile;
  /** Detectors of the ensemble. @default DEFAULT_DETECTORS (+ static_breach for minutes) */
  detectors?: string[];
  /** Per-detector fit options, by name. @default {} */
  detectorOptions?: Record<string, Record<string, unknown>>;
  /** Template that produced the labels (recorded in the model). @default DEFAULT_TEMPLATE */
  template?: string;
  /** Creation time, epoch ms (lib never reads the clock). @default the end of the training data */
  now?: number;
  /** Calibration samples kept per detector (strided subsample). @default 200000 */
  maxSamples?: number;
  /** Shortest usable training series, ms (the seasonal baselines need days of history). @default 3 days */
  minHistory?: number;
  /** Which quantile of per-series-day maximum scores sets each profile's threshold. */
  profileQuantiles?: { permissive: number; strict: number };
}

const DAY = 86_400_000;

/** The step most series use. */
function commonStep(series: readonly Series[]): number {
  const counts = new Map<number, number>();
  for (const s of series) counts.set(s.step, (counts.get(s.step) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0][0];
}

/**
 * Profile thresholds from the per-series-day maxima of the ensemble's L = −log10 p. Training data is not clean
 * (it holds the very incidents we want to find), so the upper quantiles are not read off directly: a Gumbel
 * distribution (the law of maxima) is fitted to the bulk — the p50 and p90 of the daily maxima of L — and its
 * p95 / p99 are used.
 */
function profileThresholds(sortedL: Float64Array, q: { permissive: number; strict: number }, digits: number) {
  if (sortedL.length < 10) return { permissive: scoreOfLogP(-8, digits), strict: scoreOfLogP(-12, digits) };
  const gumbel = (p: number) => -Math.log(-Math.log(p));
  const q50 = quantileSorted(sortedL, 0.5), q90 = quantileSorted(sortedL, 0.9);
  const beta = (q90 - q50) / (gumbel(0.9) - gumbel(0.5));
  const mu = q50 - beta * gumbel(0.5);
  const at = (p: number) => scoreOfLogP(-Math.max(q50, mu + beta * gumbel(p)), digits);
  return { permissive: at(q.permissive), strict: at(q.strict) };
}

/**
 * Trains a model for one family of series: fits every detector, calibrates each detector's raw scores on the
 * training data (so scores of different detectors and shards are comparable), learns the normal ranges
 * (p05/p50/p95/p99), seasonality and the ensemble thresholds of the `permissive` and `strict` profiles: the
 * p95 / p99 of the per-series-day maximum ensemble score on normal days, read from a Gumbel fit to its bulk.
 *
 * @param series Training series (on one step; finer series are averaged to the common step).
 * @param options See {@link TrainOptions}.
 * @returns The model (plain JSON).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { train } from "./train.ts";
 * import { generateCorpus } from "../synth/generate.ts";
 * const { series } = generateCorpus({ shards: 1, days: 30, aggregators: ["A"], recent: false });
 * const model = train(series);
 * assert.ok(model.families.presence.thresholds.strict > 0);
 * ```
 */
export function train(series: readonly Series[], options: TrainOptions = {}): Model {
  const {
    family = "presence",
    unit = "ratio",
    profile = "strict",
    detectorOptions = {},
    template = DEFAULT_TEMPLATE,
    maxSamples = 200_000,
    profileQuantiles = { permissive: 0.95, strict: 0.99 },
    minHistory = 3 * DAY,
  } = options;
  const detectorNames = options.detectors ??
    (unit === "minutes" ? [...DEFAULT_DETECTORS, "static_breach"] : [...DEFAULT_DETECTORS]);
  for (const name of detectorNames) {
    if (!DETECTORS[name]) {
      throw new RangeError(
        `Cannot train: unknown detector "${name}"; known: ${
          Object.keys(DETECTORS).join(", ")
        }, current value is ${name}`,
      );
    }
  }
  const mine = series.filter((s) => (s.labels.family ?? family) === family);
  if (mine.length === 0) {
    throw new RangeError(
      `Cannot train: no series of family "${family}", current value is ${series.length} series`,
    );
  }
  const step = commonStep(mine);
  const train = mine.map((s) => (s.step < step && step % s.step === 0 ? resample(s, step) : s));
  const odd = train.find((s) => s.step !== step);
  if (odd) {
    throw new RangeError(
      `Cannot train: series ${odd.key} has step ${odd.step} ms, not a divisor of the common step, current value is ${odd.step}`,
    );
  }
  const points = train.reduce((a, s) => a + s.values.length, 0);
  const minPoints = Math.max(10, Math.round(minHistory / step));
  const usable = train.filter((s) => s.values.length >= minPoints);
  if (usable.length === 0) {
    throw new RangeError(
      `Cannot train: every series is shorter than ${
        minHistory / DAY
      } days (${minPoints} points at this step), current value is ` +
        `${Math.max(...train.map((s) => s.values.length))} points`,
    );
  }

  const detectors: Record<string, Record<string, unknown>> = {};
  for (const name of detectorNames) {
    detectors[name] = DETECTORS[name].fit(usable, detectorOptions[name] ?? {});
  }

  // Calibration: each detector's raw scores on all training series, subsampled by stride.
  const raw = usable.map((s) => detectorNames.map((name) => DETECTORS[name].score(s, detectors[name])));
  const calibration: FamilyModel["calibration"] = {};
  const skipped: { detector: string; reason: string }[] = [];
  detectorNames.forEach((name, d) => {
    if (name === "static_breach") return;
    let total = 0;
    for (const r of raw) total += r[d].length;
    const stride = Math.max(1, Math.ceil(total / maxSamples));
    const sample = new Float64Array(Math.ceil(total / stride) + raw.length);
    let m = 0, k = 0;
    for (const r of raw) {
      const arr = r[d];
      for (let i = 0; i < arr.length; i++, k++) {
        if (k % stride === 0 && arr[i] === arr[i]) sample[m++] = arr[i];
      }
    }
    if (m < 100) {
      skipped.push({
        detector: name,
        reason:
          `only ${m} scores in the training data (it needs more history: the seasonal detectors score from ` +
          `day 7 on)`,
      });
      return;
    }
    // Run-length scores are in hours: one grid step is their unit.
    const unit = name === "flatline" || name === "missing_data" ? step / 3_600_000 : 1;
    calibration[name] = fitCalibration(sample.subarray(0, m), { unit });
  });

  for (const { detector } of skipped) delete detectors[detector];
  const kept = detectorNames.map((name, d) => [name, d] as const).filter(([name]) => detectors[name]);
  if (kept.length === 0) {
    throw new RangeError(
      `Cannot train: no detector could be calibrated (${
        skipped.map((s) => `${s.detector}: ${s.reason}`).join("; ")
      }), ` +
        `current value is ${points} points`,
    );
  }
  const keptNames = kept.map(([name]) => name);
  // Thresholds: quantiles of the per-series-day maximum ensemble score on the training data.
  const ensemble = { digits: 8 };
  const dailyMax: number[] = [];
  for (const [k, s] of usable.entries()) {
    const { combined } = combineRaw(
      { ensemble },
      { calibration },
      keptNames,
      kept.map(([, d]) => raw[k][d]),
      s.key,
    );
    const perDay = Math.max(1, Math.round(DAY / step));
    for (let d0 = 0; d0 + perDay <= combined.length; d0 += perDay) {
      let m = -Infinity;
      for (let j = d0; j < d0 + perDay; j++) if (combined[j] > m) m = combined[j];
      if (m > -Infinity) dailyMax.push(-logPOfScore(m, ensemble.digits));
    }
  }
  const thresholds = profileThresholds(Float64Array.from(dailyMax).sort(), profileQuantiles, ensemble.digits);

  const from = Math.min(...train.map((s) => s.start));
  const to = Math.max(...train.map((s) => s.start + (s.values.length - 1) * s.step));
  const seriesRanges: FamilyModel["seriesRanges"] = {};
  for (const s of train) seriesRanges[s.key] = valueRange(s.values);
  // Pooled range from a strided sample (at most ~maxSamples values).
  const poolStride = Math.max(1, Math.ceil(points / maxSamples));
  const pooled = new Float64Array(Math.ceil(points / poolStride) + train.length);
  let off = 0;
  for (const s of train) for (let i = 0; i < s.values.length; i += poolStride) pooled[off++] = s.values[i];
  const uniq = (key: string) =>
    [...new Set(train.map((s) => s.labels[key]).filter((v): v is string => !!v))].sort();
  const model: Model = {
    schemaVersion: SCHEMA_VERSION,
    createdAt: new Date(options.now ?? to).toISOString(),
    generator: "graphite-anomaly lib/model/train.ts",
    trainedOn: {
      series: train.length,
      points,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      step,
    },
    profile,
    family,
    families: {
      [family]: {
        unit,
        template,
        aggregators: uniq("aggregator"),
        machines: uniq("machine"),
        range: valueRange(pooled.subarray(0, off)),
        seriesRanges,
        seasonality: seasonality(train),
        calibration,
        thresholds,
      },
    },
    detectors,
    ...(skipped.length ? { skippedDetectors: skipped } : {}),
    ensemble,
    events: { episodeGap: 6 * 3_600_000, minDuration: 2 * 3_600_000, singlePointMargin: 0.1 },
  };
  // In a notebook the model renders as a summary (a non-enumerable symbol: the model file is unchanged).
  return displayable(model, (m) => ({ "text/html": modelSummary(m) }));
}
