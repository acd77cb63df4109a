import { checkTimeZone, fromLocal, localTimeView } from "../series/local_time.ts";
import { clockHint } from "../series/clock_hint.ts";
import type { Series } from "../series/types.ts";
import { resample } from "../series/resample.ts";
import { DEFAULT_TEMPLATE } from "../series/template.ts";
import { DEFAULT_DETECTORS, DETECTORS } from "../detectors/registry.ts";
import { LOCAL_MIN_POINTS, localZScoresAt } from "../detectors/local_z.ts";
import { formatDuration } from "../format/format_duration.ts";
import { DEFAULT_TAIL_FRACTION, fitCalibration, fitRunLength, tailFloor } from "./calibration.ts";
import { type FamilyModel, type Model, type Profile, SCHEMA_VERSION } from "./schema.ts";
import { CARRIED_DAYS } from "../series/seasonal_expectation.ts";
import { seasonality, valueRange } from "./family_stats.ts";
import { combineRaw, logPOfScore, OWN_DAYS, RUN_LENGTH, sumsWithMemory } from "./score_series.ts";
import { quantileSorted } from "../series/summarize.ts";
import { profileThresholds } from "./profile_thresholds.ts";
import { weeklyDayChange, weeklyGains, withWeeklyGain } from "../series/weekly_day_change.ts";

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
  /** Shortest usable training series, ms (the trailing baselines score from the first hours). @default 12 hours */
  minHistory?: number;
  /**
   * Spans confirmed anomalous (`deno task feedback --anomalous`): their points are left out of the
   * normal-behaviour statistics (calibration, ranges, thresholds), as gaps. @default []
   */
  exclude?: readonly { series: string; from: number; until: number }[];
  /** Which quantile of per-series-day maximum scores sets each profile's threshold. */
  profileQuantiles?: { permissive: number; strict: number };
  /**
   * The IANA time zone whose wall clock the metric's days follow (people's working days, a nightly job at 02:00
   * local time): the detectors read every series on that clock, here and in detection, so a daily rhythm that
   * moves by an hour in UTC when the clocks change is still "the same time yesterday". Recorded in the model.
   * @default "UTC"
   */
  timeZone?: string;
}

const HOUR = 3_600_000, DAY = 86_400_000;
/** At most this many passes of the refit of the sums with memory (it stops when no new incident is flagged). */
const MAX_PASSES = 12;
/** Fewest scores off its atom a sum with memory's refit reads its tail from. */
const MIN_OFF = 100;
/** Fewest scores a calibration is fitted from: the family's, each part of a warm-up split's, a sum's refit. */
const MIN_SAMPLE = 100;

/**
 * Detectors whose family calibration needs a week of their scores in training: `rhythm_loss` judges a day's
 * shape against earlier days carried over the weekly profile, so its null differs by the day of the week, and
 * calibrated on a few weekdays it judged the first weekend as a lost rhythm (1-minute fleets with 9 days of
 * history: 16 false events where 8 without it; calibrated on each series' own first week instead, 11). With
 * less, it is left out.
 */
const WEEK_OF_SCORES: ReadonlySet<string> = new Set(["rhythm_loss"]);

/** The step most series use. */
function commonStep(series: readonly Series[]): number {
  const counts = new Map<number, number>();
  for (const s of series) counts.set(s.step, (counts.get(s.step) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0][0];
}

/**
 * Trains a model for one family of series: fits every detector, calibrates each detector's raw scores on the
 * training data (so scores of different detectors and shards are comparable), learns the normal ranges
 * (p05/p50/p95/p99), seasonality and the ensemble thresholds of the `permissive` and `strict` profiles: the
 * p95 / p99 of the per-series-day maximum ensemble score on normal days, read from a Gumbel fit to its bulk.
 * Slots after the newest point of any series (a live source's edge, not yet written) are not training data.
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
    minHistory = DAY / 2,
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
  const mine = excludeSpans(series, options.exclude ?? []).filter((s) =>
    (s.labels.family ?? family) === family
  );
  if (mine.length === 0) {
    throw new RangeError(
      `Cannot train: no series of family "${family}", current value is ${series.length} series`,
    );
  }
  const step = commonStep(mine);
  const resampled = mine.map((s) => (s.step < step && step % s.step === 0 ? resample(s, step) : s));
  const odd = resampled.find((s) => s.step !== step);
  if (odd) {
    throw new RangeError(
      `Cannot train: series ${odd.key} has step ${odd.step} ms, not a divisor of the common step, current value is ${odd.step}`,
    );
  }
  const train = beforeLiveEdge(resampled);
  const points = train.reduce((a, s) => a + s.values.length, 0);
  const minPoints = Math.max(10, Math.round(minHistory / step));
  const usable = train.filter((s) => s.values.length >= minPoints);
  if (usable.length === 0) {
    throw new RangeError(
      `Cannot train: every series is shorter than ${
        minHistory / HOUR
      } hours (${minPoints} points at this step), current value is ` +
        `${Math.max(...train.map((s) => s.values.length))} points`,
    );
  }

  // The series on the wall clock of the time zone, if one is given: what the detectors fit and score (and the
  // seasonality summary reads).
  const zone = options.timeZone && options.timeZone !== "UTC" ? checkTimeZone(options.timeZone) : undefined;
  const viewOf = zone ? new Map(train.map((s) => [s, localTimeView(s, zone)])) : undefined;
  const views = viewOf ? usable.map((s) => viewOf.get(s)!) : undefined;
  const seen = views ? views.map((v) => v.series) : usable;
  // Without a zone: did the rhythm move with a zone's clock change in this history?
  const hint = zone ? undefined : clockHint(usable);
  const detectors: Record<string, Record<string, unknown>> = {};
  for (const name of detectorNames) {
    detectors[name] = DETECTORS[name].fit(seen, detectorOptions[name] ?? {});
  }
  const skipped: { detector: string; reason: string }[] = [];
  // A lag that predicts the training data no better than its trailing level carries no rhythm, only the noise of
  // one more point: comparing with it adds false alarms and finds nothing the level-based detectors miss.
  const rhythm = detectors.seasonal_lag?.rhythm;
  if (typeof rhythm === "number" && rhythm >= 1) {
    for (const detector of ["seasonal_lag", "rhythm_loss"].filter((d) => detectors[d])) {
      skipped.push({
        detector,
        reason: `no rhythm at its shortest lag in the training data: the lag predicts ${
          rhythm.toFixed(2)
        }× worse than the trailing level`,
      });
    }
  }

  // A trailing window of a few points is no level (a 2-hour window at 1 hour holds 2): local_z says nothing.
  const local = detectors.local_z?.window;
  if (typeof local === "number" && !localZScoresAt({ window: local }, step)) {
    skipped.push({
      detector: "local_z",
      reason: `its ${formatDuration(local)} window holds fewer than ${LOCAL_MIN_POINTS} points at a ${
        formatDuration(step)
      } step`,
    });
  } else if (
    typeof local === "number" && detectors.seasonal_lag && !(typeof rhythm === "number" && rhythm >= 1)
  ) {
    // One short-term expectation: the same time on earlier days where they predict the training data better
    // than the trailing level, the last 2 hours where they do not.
    skipped.push({
      detector: "local_z",
      reason: `the same time on earlier days predicts the training data better than the trailing level${
        typeof rhythm === "number" ? ` (${rhythm.toFixed(2)}×)` : ""
      }: seasonal_lag judges the short term`,
    });
  }

  // Calibration: each detector's raw scores on all training series, subsampled by stride (none for a detector
  // already left out).
  const left = new Set(skipped.map((s) => s.detector));
  const none = new Float64Array(0);
  // Each series' own gains on the family's weekly profile (its level and swing), where the family has one:
  // scored with them here as detection scores it.
  const weeklyGain = Object.values(detectors).some((p) => Array.isArray(p.weekly))
    ? weeklyGains(seen, weeklyDayChange(seen))
    : {};
  const raw = seen.map((s, k) => {
    const params = withWeeklyGain(detectors, weeklyGain[s.key]);
    return detectorNames.map((name) => {
      if (left.has(name)) return none;
      const r = DETECTORS[name].score(s, params[name]);
      return views ? fromLocal(views[k], r) : r;
    });
  });
  const calibration: FamilyModel["calibration"] = {};
  const earlyCalibration: FamilyModel["calibration"] = {};
  const earlyUntil: Record<string, number> = {};
  const perDay = Math.max(1, Math.round(DAY / step));
  const longest = usable.reduce((a, s) => Math.max(a, s.values.length), 0);
  detectorNames.forEach((name, d) => {
    if (name === "static_breach" || left.has(name)) return;
    // A detector with a warm-up: its scores there and after, each calibrated on its own where both parts have
    // enough of them (a trailing window's first hours judge by half a rhythm and score far heavier).
    const warm = RUN_LENGTH.has(name) ? undefined : DETECTORS[name].warmUp?.(detectors[name], step);
    // Only where the scores after it span a week: a later part of a few weekdays has not seen a weekend, and
    // its lighter tail then judged the first weekend's change as anomalous (the warm-up's heavier scores, pooled
    // in, had covered it).
    if (warm !== undefined && longest - warm >= 7 * perDay) {
      const part = (from: number, to: number) => {
        const values: number[] = [];
        let valid = 0, total = 0;
        for (const r of raw) total += Math.max(0, Math.min(to, r[d].length) - from);
        const stride = Math.max(1, Math.ceil(total / maxSamples));
        for (const r of raw) {
          for (let i = from, k = 0; i < Math.min(to, r[d].length); i++, k++) {
            const v = r[d][i];
            if (v !== v) continue;
            valid++;
            if (k % stride === 0) values.push(v);
          }
        }
        return { sample: Float64Array.from(values), valid };
      };
      const early = part(0, warm), later = part(warm, Infinity);
      if (early.sample.length >= MIN_SAMPLE && later.sample.length >= MIN_SAMPLE) {
        earlyCalibration[name] = { ...fitCalibration(early.sample), n: early.valid };
        calibration[name] = { ...fitCalibration(later.sample), n: later.valid };
        earlyUntil[name] = warm * step;
        return;
      }
    }
    if (WEEK_OF_SCORES.has(name)) {
      const span = raw.reduce((a, r) => Math.max(a, scoredSpan(r[d])), 0);
      if (span < 7 * perDay) {
        skipped.push({
          detector: name,
          reason: span === 0
            ? `it scores nothing at a ${
              formatDuration(step)
            } step (its hourly bins need a step that divides an ` +
              `hour or a day)`
            : `its scores span ${
              (span / perDay).toFixed(1)
            } days of the training data, and its calibration ` +
              `needs a week (its usual shape differs by the day of the week)`,
        });
        return;
      }
    }
    let total = 0;
    for (const r of raw) total += r[d].length;
    const stride = Math.max(1, Math.ceil(total / maxSamples));
    const sample = new Float64Array(Math.ceil(total / stride) + raw.length);
    let m = 0, k = 0, valid = 0;
    for (const r of raw) {
      const arr = r[d];
      for (let i = 0; i < arr.length; i++, k++) {
        if (arr[i] !== arr[i]) continue;
        valid++;
        if (k % stride === 0) sample[m++] = arr[i];
      }
    }
    if (m < MIN_SAMPLE) {
      // Too little history for a family calibration (a 1 d lag on a day and a half): a run-length detector is
      // left out; any other stays and calibrates itself on each series' own scores at detection.
      if (RUN_LENGTH.has(name)) {
        skipped.push({ detector: name, reason: `only ${m} scores in the training data` });
      }
      return;
    }
    if (RUN_LENGTH.has(name)) {
      // Run lengths, in hours (one grid step is their unit), from every point, not the subsample: a memoryless
      // run model. One missing point (Graphite's live edge not yet written, a dropped packet) is not a dropout.
      const all = new Float64Array(total);
      let o = 0;
      for (const r of raw) all.set(r[d], (o += r[d].length) - r[d].length);
      calibration[name] = fitRunLength(all, { unit: step / HOUR, first: name === "missing_data" ? 2 : 1 });
      return;
    }
    // The subsample stands for every valid score: n (and with it the tail's floor) counts them all.
    calibration[name] = { ...fitCalibration(sample.subarray(0, m)), n: valid };
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
  // Thresholds: quantiles of the per-series-day maximum of L = −log10 p on the training data. With under ten
  // series-days of training, hourly maxima stand in, raised to a day by a Bonferroni correction over its hours.
  const ensemble = { digits: 8 };
  const trainedPoints = usable.reduce((a, s) => a + s.values.length, 0);
  const days = usable.reduce((a, s) => a + Math.max(0, Math.floor(s.values.length / perDay) - 1), 0);
  const block = days >= 10 ? perDay : Math.max(1, Math.round(HOUR / step));
  const raise = Math.log10(perDay / block);
  // Blocks counted back from the series' end, after its first day: where the baselines are warmed up, and the
  // same blocks whatever minute the training data starts at (one minute less of it moved a 3-day model's
  // strict threshold from 5.2 to 7.5 decades).
  // The sums with memory are refitted below, from the combined scores of a first pass (kept only for that).
  const memory = sumsWithMemory({ calibration });
  const thresholdsOf = (keep: boolean) => {
    // Each series' block maxima of L (its own are read again for its own threshold, see ownShifts).
    const perSeries: number[][] = usable.map(() => []);
    const combinedOf = usable.map((s, k) => {
      const { combined } = combineRaw(
        { ensemble, trainedOn: { points: trainedPoints } },
        { calibration, earlyCalibration, earlyUntil },
        keptNames,
        kept.map(([, d]) => raw[k][d]),
        s.key,
        step,
      );
      for (let d0 = combined.length - block; d0 >= perDay; d0 -= block) {
        let m = -Infinity;
        for (let j = d0; j < d0 + block; j++) if (combined[j] > m) m = combined[j];
        if (m > -Infinity) perSeries[k].push(raise - logPOfScore(m, ensemble.digits));
      }
      return keep ? combined : undefined;
    });
    // A threshold beyond what the calibrations can express would make the model blind: keep it a decade under
    // the strongest evidence the ensemble can give (the rarest calibrated p, Bonferroni-corrected).
    const reach = Math.max(...Object.values(calibration).map((c) => -Math.log10(tailFloor(c)))) -
      Math.log10(keptNames.length);
    const blockMax = Float64Array.from(perSeries.flat()).sort();
    const thresholds = profileThresholds(
      blockMax,
      profileQuantiles,
      perDay,
      ensemble.digits,
      reach - 1,
    );
    return { thresholds, combinedOf, perSeries, blockMax };
  };
  let { thresholds, combinedOf, perSeries, blockMax } = thresholdsOf(memory.size > 0);

  // A score that rests at an atom most of the time (level shift's CUSUM at 0) is a sum with memory: an incident
  // in the training data holds it up until it drains (a day at ×3 keeps it high for three more), so the
  // incidents are most of its top scores, and a tail fitted there is the incidents' (on a fleet trained with
  // incidents, level shift's tail fell 3× slower than on the same fleet without, and a night at the daytime
  // level scored 3 decades less). Refitted without what the first pass flags, from where the sum leaves the atom
  // to where it drains back, and the thresholds with it. That first refit reads the tail where the first pass
  // did, in the body of all scores (p80–p95), which is mostly the sum's first steps off its atom: a tail far too
  // light (a sum's normal p99.9 got p = 6e-10), but one that flags generously, so the incidents the first pass
  // missed (a night at the daytime level) leave normal life too. Later passes read the tail of the sum's
  // excursions where every other score's is read, the p80–p95 of the time off its atom, and flag again with it,
  // until no new incident is flagged. Flags only add up, so the passes end.
  // Each sum is refitted on its own in a series' first two weeks, where its expectation is the days just before
  // carried forward, and after, on the weekly lags: a sum of the first's larger deviations has a longer tail,
  // and pooled, it held the later one's up (or, narrowed, let it fall far too light).
  const drop = usable.map((s) => new Uint8Array(s.values.length));
  const sums = kept.filter(([name]) => memory.has(name));
  const sumsOf = usable.map((_, k) => sums.map(([, d]) => raw[k][d]));
  const carried = Math.round((CARRIED_DAYS * DAY) / step);
  for (let pass = 0; sums.length > 0 && pass < MAX_PASSES; pass++) {
    const atoms = sums.map(([name]) => calibration[name].knots[0]);
    const grew = flagIncidents(drop, sumsOf, atoms, combinedOf as Float64Array[], thresholds.strict);
    if (pass > 0 && !grew) break;
    let fitted = false;
    sums.forEach(([name], m) => {
      const of = sumsOf.map((r) => r[m]);
      const fit = (normal: Float64Array, part: boolean) => {
        const stride = Math.max(1, Math.ceil(normal.length / maxSamples));
        const sample = stride === 1 ? normal : normal.filter((_, i) => i % stride === 0);
        let off = 0;
        for (let i = 0; i < sample.length; i++) if (sample[i] > atoms[m]) off++;
        if (sample.length < MIN_SAMPLE || (part && off < MIN_OFF)) return undefined;
        const tailFraction = pass === 0
          ? DEFAULT_TAIL_FRACTION
          : (DEFAULT_TAIL_FRACTION * Math.max(off, MIN_OFF)) / sample.length;
        return { ...fitCalibration(sample, { tailFraction }), n: normal.length };
      };
      const early = fit(normalLife(of, drop, 0, carried), true);
      const later = fit(normalLife(of, drop, carried), true);
      if (early && later) {
        earlyCalibration[name] = early;
        earlyUntil[name] = carried * step;
        calibration[name] = later;
        fitted = true;
        return;
      }
      // Too little of either: one calibration throughout.
      delete earlyCalibration[name];
      delete earlyUntil[name];
      const pooled = fit(normalLife(of, drop), false);
      if (pooled) calibration[name] = pooled, fitted = true;
    });
    if (!fitted) break;
    ({ thresholds, combinedOf, perSeries, blockMax } = thresholdsOf(true));
  }
  const seriesShift = block === perDay ? ownShifts(usable, perSeries, blockMax) : {};

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
        seasonality: seasonality(viewOf ? train.map((s) => viewOf.get(s)!.series) : train),
        calibration,
        ...(Object.keys(earlyCalibration).length ? { earlyCalibration } : {}),
        ...(Object.keys(earlyUntil).length ? { earlyUntil } : {}),
        thresholds,
        ...(Object.keys(seriesShift).length ? { seriesShift } : {}),
        ...(Object.keys(weeklyGain).length ? { weeklyGain } : {}),
      },
    },
    ...(zone ? { timeZone: zone } : {}),
    ...(hint ? { clockHint: hint } : {}),
    detectors,
    ...(skipped.length ? { skippedDetectors: skipped } : {}),
    ensemble,
    events: { episodeGap: 6 * 3_600_000, minDuration: 2 * 3_600_000, singlePointMargin: 0.1 },
  };
  return model;
}

/**
 * The series up to the newest point any of them holds. Slots after it are empty in every series: a live source's
 * edge not yet written (Graphite's current minute, a collector that reports late), or a window that reaches past
 * the data, not a dropout of the whole fleet. Kept, they would be runs of missing data that every series ends
 * with (two empty minutes made a 2-minute gap look 100× more common than it is) and would fall in the last daily
 * block of every series, raising the profile thresholds (a 3-day model's strict from 5.2 to 7.9 decades: a
 * two-minute spike then went unreported). A series whose own data stops earlier keeps its gap up to that point.
 */
function beforeLiveEdge(series: readonly Series[]): readonly Series[] {
  let newest = -Infinity;
  for (const s of series) {
    let i = s.values.length - 1;
    while (i >= 0 && s.values[i] !== s.values[i]) i--;
    if (i >= 0) newest = Math.max(newest, s.start + i * s.step);
  }
  if (newest === -Infinity) return series;
  return series.map((s) => {
    const n = Math.min(s.values.length, Math.floor((newest - s.start) / s.step) + 1);
    return n > 0 && n < s.values.length ? { ...s, values: s.values.subarray(0, n) } : s;
  });
}

/** The series with the given spans' points set missing (copies only the series a span names). */
function excludeSpans(
  series: readonly Series[],
  spans: readonly { series: string; from: number; until: number }[],
): readonly Series[] {
  if (spans.length === 0) return series;
  return series.map((s) => {
    const mine = spans.filter((x) => x.series === s.key);
    if (mine.length === 0) return s;
    const values = s.values.slice();
    for (const x of mine) {
      const i0 = Math.max(0, Math.ceil((x.from - s.start) / s.step));
      const i1 = Math.min(values.length - 1, Math.floor((x.until - s.start) / s.step));
      values.fill(NaN, i0, i1 + 1);
    }
    return { ...s, values };
  });
}

/**
 * Marks, in `drop`, the incidents a pass flags: points whose combined score reaches `strict`, widened back and
 * forth while a sum with memory stays above its atom (from where the sum left its atom to where it drains back).
 * Marks only add up from pass to pass. Returns whether any point was newly marked.
 *
 * @param sums Per series, the raw scores of each sum with memory.
 * @param atoms Each sum's atom, in the same order.
 */
function flagIncidents(
  drop: Uint8Array[],
  sums: Float64Array[][],
  atoms: number[],
  combined: Float64Array[],
  strict: number,
): boolean {
  let grew = false;
  drop.forEach((dr, k) => {
    const c = combined[k], n = dr.length;
    const above = (j: number) => atoms.some((a, m) => sums[k][m][j] > a);
    for (let i = 0; i < n; i++) {
      if (!(c[i] >= strict)) continue;
      for (let j = i; j >= 0 && (j === i || (!dr[j] && above(j))); j--) if (!dr[j]) dr[j] = 1, grew = true;
      let j = i + 1;
      while (j < n && (above(j) || c[j] >= strict)) {
        if (!dr[j]) dr[j] = 1, grew = true;
        j++;
      }
      i = j - 1;
    }
  });
  return grew;
}

/** One detector's valid training scores outside the marked incidents, at points `from` to `to` of each series. */
function normalLife(raw: Float64Array[], drop: Uint8Array[], from = 0, to = Infinity): Float64Array {
  const kept: number[] = [];
  raw.forEach((r, k) => {
    const dr = drop[k];
    for (let i = from; i < Math.min(r.length, to); i++) if (!dr[i] && r[i] === r[i]) kept.push(r[i]);
  });
  return Float64Array.from(kept);
}

/**
 * Each series' rise above its family's threshold, where its normal days run hotter than the family's: how much
 * higher the median of its daily maxima of L is than the median of all the family's, less two standard errors
 * of a median of its days (1.2533 σ / √days, σ from the family's interquartile range), so that series which
 * differ only by chance keep the family's threshold. A median, so up to half of a series' days may hold
 * incidents. The calibrations are fitted to the family's pooled scores: a low count (a few events per step,
 * whose Poisson jumps the family's smoother series never make) or a noisier shard puts its normal jumps far in
 * their tails, every day. Series with fewer than {@link OWN_DAYS} days keep the family's.
 *
 * @param series The training series.
 * @param perSeries Each series' daily maxima of L.
 * @param all All of them, ascending (the family's).
 * @returns The rise in decades of L per series key, only where positive.
 */
function ownShifts(
  series: readonly Series[],
  perSeries: number[][],
  all: Float64Array,
): Record<string, number> {
  const mid = quantileSorted(all, 0.5);
  const sd = (quantileSorted(all, 0.75) - quantileSorted(all, 0.25)) / 1.349;
  const out: Record<string, number> = {};
  series.forEach((s, k) => {
    const days = perSeries[k].length;
    if (days < OWN_DAYS) return;
    const own = quantileSorted(Float64Array.from(perSeries[k]).sort(), 0.5);
    const rise = own - mid - (2 * 1.2533 * sd) / Math.sqrt(days);
    if (rise > 0) out[s.key] = rise;
  });
  return out;
}

/** Points from a score array's first finite value to its last, both included (0 with none). */
function scoredSpan(r: Float64Array): number {
  let first = 0, last = r.length - 1;
  while (first <= last && r[first] !== r[first]) first++;
  while (last >= first && r[last] !== r[last]) last--;
  return last - first + 1;
}
