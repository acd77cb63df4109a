/**
 * A seeded generator of a realistic "presence" corpus: `agg_length_behind_ratio` per shard × aggregator with a
 * daily and weekly rhythm, noise, harmless bumps, the odd missing point, and labelled anomalies.
 *
 * @module
 */
import { offsetSpans } from "../series/local_time.ts";
import type { Series } from "../series/types.ts";
import { createRng, type Rng } from "../prng.ts";
import { type AnomalyKind, type AnomalyLabel, PRESENCE_AGGREGATORS } from "../presence.ts";
import type { EvalSpanOptions, IncidentSizes } from "./types.ts";

export type { AnomalyKind, AnomalyLabel } from "../presence.ts";
export type { EvalSpanOptions, IncidentSizes } from "./types.ts";

const SECOND = 1_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const MAX_POINTS = 50_000_000;
const KINDS: readonly AnomalyKind[] = ["spike", "stall", "flatline", "dropout", "level_shift", "rhythm_loss"];
const RECENT_KINDS: readonly AnomalyKind[] = ["stall", "spike", "flatline", "dropout"];

/** Options for {@link generateCorpus}. */
export interface GenerateOptions {
  /**
   * Seed of every random choice; the same options give the same corpus, bit for bit.
   * @default {42}
   */
  seed?: number;
  /**
   * Number of shards (machines `n200-primary-meraki-com`, `n201-…`, …), 1 to 1000.
   * @default {6}
   */
  shards?: number;
  /**
   * Length of every series in days (> 0; the grid has `round(days × 24 h / step)` points).
   * @default {182}
   */
  days?: number;
  /**
   * Grid step in milliseconds, an integer from 1 000 (1 s) to 3 600 000 (1 h). Anomaly durations are kept in
   * hours, so a finer step means more points per anomaly; spikes and bumps stay short (at most 10 points).
   * @default {3_600_000}
   */
  step?: number;
  /**
   * The end of the data ("now"), epoch ms UTC: the last point is at `end - step`. Never taken from the clock.
   * @default {Date.UTC(2026, 10, 24)} (2026-11-24T00:00:00Z)
   */
  end?: number;
  /**
   * Aggregator names (the last Graphite path component), one series per shard for each.
   * @default {PRESENCE_AGGREGATORS} (the six `ProbeTablesAggregator.*` aggregators)
   */
  aggregators?: readonly string[];
  /**
   * Labelled anomalies per series per 30 days of the eligible span (after `cleanDays`, before the final day
   * when `recent` is on); `0` gives no historical anomalies.
   * @default {1}
   */
  anomalyRate?: number;
  /**
   * Plant up to four labelled anomalies (a stall still climbing at the end, a spike, a flatline, a dropout) on
   * different shards and aggregators inside the final 24 h, for a "live" run at `end`.
   * @default {true}
   */
  recent?: boolean;
  /**
   * Days at the start of every series left free of labelled anomalies, as normal history to learn from.
   * @default {21}
   */
  cleanDays?: number;
  /**
   * A weekly rhythm: weekends lower than weekdays (by 20–45 %, with half the daily swing). Off, every day has the
   * same shape — for a store too short to hold the 7-day lag (a 72 h Graphite), where a Monday can only be
   * compared with a Sunday.
   * @default {true}
   */
  weekly?: boolean;
  /**
   * The IANA time zone whose wall clock the daily and weekly rhythm follow (the peak hour and the weekend are
   * local), so the rhythm moves by an hour in UTC when the clocks change; labels and times stay UTC.
   * @default {"UTC"}
   */
  timeZone?: string;
  /**
   * Noise multiplier: every series' log-normal noise σ (10–18 % at 1) is multiplied by it, so `2` gives twice
   * the noise of `data/`. Bumps, missing points and the rest of the corpus stay the same for a given seed.
   * @default {1}
   */
  noise?: number;
  /**
   * Incident sizes per kind, replacing the default ranges of the kinds given (see {@link IncidentSizes});
   * kinds not given keep the defaults. With any size given, spikes are no longer capped at 10 points.
   * @default {undefined} (the default sizes described on {@link generateCorpus})
   */
  sizes?: IncidentSizes;
  /**
   * Kinds of the historical labelled anomalies (dealt evenly from a shuffled deck); `[]` gives none.
   * @default {ANOMALY_KINDS} (all six)
   */
  kinds?: readonly AnomalyKind[];
  /**
   * Labelled anomalies on every series in a final evaluation span (see {@link EvalSpanOptions}). When given it
   * replaces `recent`, and historical anomalies end at least a day before the span.
   * @default {undefined}
   */
  evalSpan?: EvalSpanOptions;
}

interface Plan {
  kind: AnomalyKind;
  /** First labelled index. */
  start: number;
  /** Labelled points. */
  length: number;
  /** For a stall: points of the climb (the rest of the label is the recovery). */
  climb: number;
}

interface Shape {
  base: number;
  amplitude: number;
  peakHour: number;
  width: number;
  weekend: number;
  sigma: number;
  growth: number;
}

/** The options of a generated corpus: every base option resolved; the extras only when they were given. */
export type ResolvedGenerateOptions =
  & Required<Omit<GenerateOptions, "noise" | "sizes" | "kinds" | "evalSpan" | "timeZone">>
  & Pick<GenerateOptions, "noise" | "sizes" | "kinds" | "evalSpan" | "timeZone">;

/** A generated corpus: the series, the ground-truth labels, and the options that produced them. */
export interface Corpus {
  /** One series per shard × aggregator, all on one grid, shard-major order (aggregator varies fastest). */
  series: Series[];
  /** Every labelled anomaly, sorted by start time then series key. */
  labels: AnomalyLabel[];
  /** The options with every default filled in, enough to regenerate the corpus exactly. */
  options: ResolvedGenerateOptions;
}

/**
 * Generates the synthetic presence corpus: for every shard × aggregator, a series keyed
 * `statsd.<machine>.gauges.aggregator.agg_length_behind_ratio.<aggregator>` with labels
 * `{machine, aggregator, family: "presence"}`, plus the ground-truth anomaly labels. Pure and deterministic:
 * no clock, no I/O.
 *
 * Normal behaviour: a per-series base level between 0.002 and 0.05 (shards differ by about an order of
 * magnitude), a business-hours daily rhythm peaking between 13:00 and 17:00 UTC (amplitude 30–60 % of base),
 * lower weekends, a slow drift, log-normal noise (σ 10–18 %), a few unlabelled 1–2 point bumps (×1.3–1.8) per
 * week and an unlabelled isolated missing point every ten days or so. Values are never negative.
 *
 * Labelled anomalies (never overlapping, at least 4 days apart on one series, none in the first `cleanDays`):
 * `spike` 1–3 points at ×6–20 the expected value; `stall` a linear climb for 3–12 h to ×6–20, then a 1–2 h
 * recovery (the label covers the climb and the recovery points still above normal); `flatline` one exact
 * constant (the last value before it) for 6–36 h; `dropout` `NaN` for 4–24 h; `level_shift` ×3–6 for 1–4 days;
 * `rhythm_loss` a constant level near the daily peak plus noise for 2–4 days.
 *
 * @param options Generator options; every field has a default.
 * @returns The series, the labels sorted by start, and the resolved options.
 * @throws {RangeError} When an option is out of range or the corpus would exceed 50 million points.
 * @throws {TypeError} When `aggregators` is empty or holds a duplicate, an empty name, or a `/`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateCorpus } from "./generate.ts";
 * const corpus = generateCorpus({ shards: 2, days: 40 });
 * assert.ok(corpus.series.length === 2 * 6);
 * assert.ok(corpus.series[0].values.length === 40 * 24);
 * assert.ok(corpus.series[0].key.startsWith("statsd.n200-primary-meraki-com.gauges.aggregator."));
 * assert.ok(corpus.labels.some((label) => label.kind === "stall"));
 * ```
 */
export function generateCorpus(options: GenerateOptions = {}): Corpus {
  const {
    seed = 42,
    shards = 6,
    days = 182,
    step = HOUR,
    end = Date.UTC(2026, 10, 24),
    aggregators = PRESENCE_AGGREGATORS,
    anomalyRate = 1,
    recent = true,
    cleanDays = 21,
    weekly = true,
    noise = 1,
    sizes,
    kinds = KINDS,
    evalSpan,
  } = options;
  validate({ seed, shards, days, step, end, aggregators, anomalyRate, cleanDays });
  validateExtras(noise, sizes, kinds, evalSpan, Math.round((days * DAY) / step), step);
  const n = Math.round((days * DAY) / step);
  const start = end - n * step;
  const toPoints = (hours: number) => Math.max(1, Math.round((hours * HOUR) / step));
  const maxShort = Math.min(10, toPoints(3));
  const gap = toPoints(4 * 24);
  const margin = Math.max(2, toPoints(12));
  const dayPoints = toPoints(24);

  const shardRng = createRng(mix(seed, 1, 0, 0));
  const shardSize = shardSizes(shards, shardRng);
  const aggFactors = aggregators.map(() => Math.exp(shardRng.uniform(Math.log(0.5), Math.log(1.6))));
  const machines = Array.from({ length: shards }, (_, i) => `n${200 + i}-primary-meraki-com`);

  // Plans: historical anomalies per series, kinds dealt from a shuffled deck so every kind is spread evenly.
  const lo = Math.min(n, Math.round((cleanDays * DAY) / step));
  const spanPoints = evalSpan ? Math.round((evalSpan.days * DAY) / step) : 0;
  // historical labels end before index `hi`
  const hi = evalSpan ? n - spanPoints - dayPoints : recent ? n - dayPoints - gap : n;
  const eligibleDays = Math.max(0, ((hi - lo) * step) / DAY);
  const planRng = createRng(mix(seed, 2, 0, 0));
  const deck: AnomalyKind[] = [];
  const plans: Plan[][] = [];
  for (let s = 0; s < shards; s++) {
    for (let a = 0; a < aggregators.length; a++) {
      const rng = createRng(mix(seed, 3, s, a));
      const expected = (anomalyRate * eligibleDays) / 30;
      const count = Math.floor(expected) + (rng.next() < expected % 1 ? 1 : 0);
      const placed: Plan[] = [];
      for (let k = 0; k < count; k++) {
        if (kinds.length === 0) break;
        if (deck.length === 0) deck.push(...shuffle([...kinds], planRng));
        const plan = sizePlan(deck.pop()!, rng, toPoints, maxShort, step, sizes);
        for (let attempt = 0; attempt < 200 && hi - plan.length > lo; attempt++) {
          plan.start = rng.int(lo, hi - plan.length);
          const clear = placed.every((p) =>
            plan.start >= p.start + p.length + gap || plan.start + plan.length + gap <= p.start
          );
          if (clear) {
            placed.push(plan);
            break;
          }
        }
      }
      plans.push(placed);
    }
  }
  if (evalSpan) {
    const { perSeries, kinds: spanKinds = KINDS } = evalSpan;
    const slot = Math.floor(spanPoints / perSeries);
    const spanDeck: AnomalyKind[] = [];
    const deckRng = createRng(mix(seed, 6, 0, 0));
    for (let p = 0; p < plans.length && spanKinds.length > 0; p++) {
      const rng = createRng(mix(seed, 7, p, 0));
      for (let k = 0; k < perSeries; k++) {
        if (spanDeck.length === 0) spanDeck.push(...shuffle([...spanKinds], deckRng));
        const plan = sizePlan(spanDeck.pop()!, rng, toPoints, maxShort, step, sizes);
        const edge = Math.min(toPoints(6), Math.floor(slot / 8));
        const room = slot - 2 * edge;
        if (plan.length > room) {
          plan.length = room;
          plan.climb = Math.min(plan.climb, room);
        }
        plan.start = n - spanPoints + k * slot + edge + rng.int(0, room - plan.length);
        plans[p].push(plan);
      }
    }
  } else if (recent) {
    const rng = createRng(mix(seed, 4, 0, 0));
    const shardOrder = shuffle(Array.from({ length: shards }, (_, i) => i), rng);
    const aggOrder = shuffle(aggregators.map((_, i) => i), rng);
    const count = Math.min(RECENT_KINDS.length, Math.max(shards, aggregators.length));
    for (let k = 0; k < count; k++) {
      const s = shardOrder[k % shards];
      const a = aggOrder[k % aggregators.length];
      plans[s * aggregators.length + a].push(
        recentPlan(RECENT_KINDS[k], n, dayPoints, rng, toPoints, maxShort),
      );
    }
  }

  const series: Series[] = [];
  const labels: AnomalyLabel[] = [];
  for (let s = 0; s < shards; s++) {
    for (let a = 0; a < aggregators.length; a++) {
      const machine = machines[s];
      const aggregator = aggregators[a];
      const key = `statsd.${machine}.gauges.aggregator.agg_length_behind_ratio.${aggregator}`;
      const rng = createRng(mix(seed, 5, s, a));
      const shape: Shape = {
        base: clamp(shardSize[s] * aggFactors[a] * Math.exp(0.15 * rng.normal()), 0.002, 0.05),
        amplitude: rng.uniform(0.3, 0.6),
        peakHour: rng.uniform(13, 17),
        width: rng.uniform(3.5, 5),
        weekend: rng.uniform(0.55, 0.8),
        sigma: rng.uniform(0.1, 0.18) * noise,
        growth: rng.uniform(-0.1, 0.25),
      };
      const seriesPlans = plans[s * aggregators.length + a];
      const { level, expected, values } = normalSeries(shape, start, step, n, rng, weekly, options.timeZone);
      const guard = new Uint8Array(n);
      for (const plan of seriesPlans) {
        guard.fill(1, Math.max(0, plan.start - margin), Math.min(n, plan.start + plan.length + margin));
      }
      addBumps(values, guard, step, maxShort, rng);
      addMissing(values, guard, step, rng);
      for (const plan of seriesPlans) {
        plant(plan, values, expected, level, shape, rng, sizes);
        labels.push({
          series: key,
          machine,
          aggregator,
          kind: plan.kind,
          start: start + plan.start * step,
          end: start + (plan.start + plan.length - 1) * step,
        });
      }
      series.push({ key, labels: { machine, aggregator, family: "presence" }, start, step, values });
    }
  }
  labels.sort((x, y) => x.start - y.start || (x.series < y.series ? -1 : x.series > y.series ? 1 : 0));
  return {
    series,
    labels,
    options: {
      seed,
      shards,
      days,
      step,
      end,
      aggregators: [...aggregators],
      anomalyRate,
      recent,
      cleanDays,
      weekly,
      // The extras appear only when given, so the default options read as they always did.
      ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
      ...(options.noise === undefined ? {} : { noise }),
      ...(sizes === undefined ? {} : { sizes: structuredClone(sizes) }),
      ...(options.kinds === undefined ? {} : { kinds: [...kinds] }),
      ...(evalSpan === undefined ? {} : { evalSpan: structuredClone(evalSpan) }),
    },
  };
}

function validateExtras(
  noise: number,
  sizes: IncidentSizes | undefined,
  kinds: readonly AnomalyKind[],
  evalSpan: EvalSpanOptions | undefined,
  n: number,
  step: number,
): void {
  const fail = (detail: string, value: unknown) =>
    new RangeError(`Cannot generate corpus: ${detail}, current value is ${value}`);
  if (!Number.isFinite(noise) || noise < 0) throw fail("noise must be a finite number >= 0", noise);
  for (const [kind, size] of Object.entries(sizes ?? {})) {
    if (!KINDS.includes(kind as AnomalyKind)) throw fail("sizes must be keyed by anomaly kind", kind);
    for (const [field, range] of Object.entries(size as Record<string, readonly number[]>)) {
      if (
        !Array.isArray(range) || range.length !== 2 || !range.every((v) => Number.isFinite(v) && v > 0) ||
        range[0] > range[1]
      ) {
        throw fail(`sizes.${kind}.${field} must be [lo, hi] with 0 < lo <= hi`, JSON.stringify(range));
      }
    }
  }
  const known = (list: readonly AnomalyKind[], name: string) => {
    for (const kind of list) if (!KINDS.includes(kind)) throw fail(`${name} must hold anomaly kinds`, kind);
  };
  known(kinds, "kinds");
  if (evalSpan === undefined) return;
  known(evalSpan.kinds ?? [], "evalSpan.kinds");
  const points = Math.round((evalSpan.days * DAY) / step);
  if (!Number.isFinite(evalSpan.days) || evalSpan.days <= 0 || points + Math.round(DAY / step) > n) {
    throw fail("evalSpan.days must be > 0 and leave at least a day before it", evalSpan.days);
  }
  if (!Number.isInteger(evalSpan.perSeries) || evalSpan.perSeries < 1 || points / evalSpan.perSeries < 4) {
    throw fail("evalSpan.perSeries must be an integer >= 1 leaving 4 points per anomaly", evalSpan.perSeries);
  }
}

function validate(
  o: Required<
    Omit<GenerateOptions, "recent" | "weekly" | "noise" | "sizes" | "kinds" | "evalSpan" | "timeZone">
  >,
): void {
  const fail = (detail: string, value: unknown) =>
    new RangeError(`Cannot generate corpus: ${detail}, current value is ${value}`);
  if (!Number.isSafeInteger(o.seed)) throw fail("seed must be a safe integer", o.seed);
  if (!Number.isInteger(o.shards) || o.shards < 1 || o.shards > 1000) {
    throw fail("shards must be an integer from 1 to 1000", o.shards);
  }
  if (!Number.isInteger(o.step) || o.step < SECOND || o.step > HOUR) {
    throw fail("step must be an integer number of ms from 1000 (1 s) to 3600000 (1 h)", o.step);
  }
  if (!Number.isFinite(o.days) || o.days <= 0 || Math.round((o.days * DAY) / o.step) < 2) {
    throw fail("days must be a positive number giving at least 2 points", o.days);
  }
  if (!Number.isSafeInteger(o.end)) throw fail("end must be an integer epoch ms", o.end);
  if (!Number.isFinite(o.anomalyRate) || o.anomalyRate < 0) {
    throw fail("anomalyRate must be a finite number >= 0", o.anomalyRate);
  }
  if (!Number.isFinite(o.cleanDays) || o.cleanDays < 0) {
    throw fail("cleanDays must be a finite number >= 0", o.cleanDays);
  }
  const points = Math.round((o.days * DAY) / o.step) * o.shards * o.aggregators.length;
  if (points > MAX_POINTS) {
    throw fail(
      `the corpus must hold at most ${MAX_POINTS} points (shards × aggregators × days / step)`,
      points,
    );
  }
  if (!Array.isArray(o.aggregators) || o.aggregators.length === 0) {
    throw new TypeError(`Cannot generate corpus: aggregators must be a non-empty array, current value is []`);
  }
  const seen = new Set<string>();
  for (const name of o.aggregators) {
    if (typeof name !== "string" || name === "" || name.includes("/") || seen.has(name)) {
      throw new TypeError(
        `Cannot generate corpus: aggregators must be unique non-empty names without "/", current value is ${
          JSON.stringify(name)
        }`,
      );
    }
    seen.add(name);
  }
}

/** A 32-bit hash of the seed and three small integers, used to give every stream its own generator. */
function mix(seed: number, purpose: number, i: number, j: number): number {
  let h = 0x811c9dc5;
  for (const word of [seed % 4294967296, Math.floor(seed / 4294967296), purpose, i, j]) {
    h = Math.imul(h ^ (word | 0), 0x01000193);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Shard sizes spread log-evenly over 0.004–0.04 (an order of magnitude), in a random shard order. */
function shardSizes(shards: number, rng: Rng): number[] {
  const ranks = shuffle(Array.from({ length: shards }, (_, i) => i), rng);
  return ranks.map((rank) => {
    const position = shards === 1 ? 0.5 : rank / (shards - 1);
    return Math.exp(Math.log(0.004) + position * Math.log(10) + 0.1 * rng.normal());
  });
}

function sizePlan(
  kind: AnomalyKind,
  rng: Rng,
  toPoints: (hours: number) => number,
  maxShort: number,
  step: number,
  sizes: IncidentSizes | undefined,
): Plan {
  if (sizes?.[kind]) return sizedPlan(kind, sizes, rng, toPoints, step);
  switch (kind) {
    case "spike": {
      const length = rng.int(1, maxShort);
      return { kind, start: 0, length, climb: 0 };
    }
    case "stall": {
      const climb = Math.max(3, toPoints(rng.uniform(3, 12)));
      const recovery = toPoints(rng.uniform(1, 2)) - 1; // points between the peak and normal again
      return { kind, start: 0, length: climb + recovery, climb };
    }
    case "flatline":
      return { kind, start: 0, length: Math.max(3, toPoints(rng.uniform(6, 36))), climb: 0 };
    case "dropout":
      return { kind, start: 0, length: Math.max(2, toPoints(rng.uniform(4, 24))), climb: 0 };
    case "level_shift":
      return { kind, start: 0, length: toPoints(rng.uniform(24, 96)), climb: 0 };
    case "rhythm_loss":
      return { kind, start: 0, length: toPoints(rng.uniform(48, 96)), climb: 0 };
  }
}

/** A plan with the caller's sizes for its kind (durations in wall time, converted to points at `step`). */
function sizedPlan(
  kind: AnomalyKind,
  sizes: IncidentSizes,
  rng: Rng,
  toPoints: (hours: number) => number,
  step: number,
): Plan {
  const hours = (range: readonly [number, number]) => rng.uniform(range[0], range[1]);
  switch (kind) {
    case "spike": {
      const minutes = hours(sizes.spike!.minutes);
      return { kind, start: 0, length: Math.max(1, Math.round((minutes * 60_000) / step)), climb: 0 };
    }
    case "stall": {
      const climb = Math.max(3, toPoints(hours(sizes.stall!.climbHours)));
      const recovery = toPoints(rng.uniform(1, 2)) - 1;
      return { kind, start: 0, length: climb + recovery, climb };
    }
    case "flatline":
      return { kind, start: 0, length: Math.max(3, toPoints(hours(sizes.flatline!.hours))), climb: 0 };
    case "dropout":
      return { kind, start: 0, length: Math.max(2, toPoints(hours(sizes.dropout!.hours))), climb: 0 };
    case "level_shift":
      return { kind, start: 0, length: Math.max(2, toPoints(hours(sizes.level_shift!.hours))), climb: 0 };
    case "rhythm_loss":
      return { kind, start: 0, length: Math.max(2, toPoints(hours(sizes.rhythm_loss!.hours))), climb: 0 };
  }
}

/** The anomalies of the final day; all start at or after index `n - dayPoints` and end by `n - 1`. */
function recentPlan(
  kind: AnomalyKind,
  n: number,
  dayPoints: number,
  rng: Rng,
  toPoints: (hours: number) => number,
  maxShort: number,
): Plan {
  const first = Math.max(0, n - dayPoints);
  switch (kind) {
    case "stall": {
      // Still climbing at the end of the data: the live case.
      const climb = Math.min(n - first, Math.max(3, toPoints(rng.uniform(5, 9))));
      return { kind, start: n - climb, length: climb, climb };
    }
    case "spike": {
      const length = rng.int(1, Math.min(2, maxShort));
      const start = Math.max(first, n - 1 - toPoints(rng.uniform(3, 8)));
      return { kind, start, length: Math.min(length, n - start), climb: 0 };
    }
    case "flatline": {
      const start = Math.min(n - 1, first + toPoints(rng.uniform(1, 3)));
      return {
        kind,
        start,
        length: Math.min(n - start, Math.max(3, toPoints(rng.uniform(8, 14)))),
        climb: 0,
      };
    }
    default: {
      const length = Math.max(2, toPoints(rng.uniform(4, 7)));
      const last = n - 1 - toPoints(rng.uniform(1, 3));
      const start = Math.max(first, last - length + 1);
      return { kind: "dropout", start, length: last - start + 1, climb: 0 };
    }
  }
}

/** The normal series: `level` (base × drift), `expected` (level × weekly × daily) and noisy `values`. */
function normalSeries(
  shape: Shape,
  start: number,
  step: number,
  n: number,
  rng: Rng,
  weekly: boolean,
  zone?: string,
): { level: Float64Array; expected: Float64Array; values: Float64Array } {
  // The wall clock's offset from UTC per stretch (none: UTC).
  const spans = zone ? offsetSpans(zone, start, start + n * step) : [{ at: start, offset: 0 }];
  let span = 0;
  const level = new Float64Array(n);
  const expected = new Float64Array(n);
  const values = new Float64Array(n);
  const totalDays = Math.ceil((n * step) / DAY) + 2;
  const wobble = new Float64Array(totalDays);
  for (let d = 1; d < totalDays; d++) wobble[d] = 0.7 * wobble[d - 1] + 0.05 * rng.normal();
  const twoW2 = 2 * shape.width * shape.width;
  for (let i = 0; i < n; i++) {
    const utc = start + i * step;
    while (span + 1 < spans.length && spans[span + 1].at <= utc) span++;
    const t = utc + spans[span].offset;
    const since = (i * step) / DAY;
    const d = Math.floor(since);
    const drift = Math.exp(shape.growth * (i / n) + wobble[d] + (wobble[d + 1] - wobble[d]) * (since - d));
    const dayIndex = Math.floor(t / DAY);
    const dow = (((dayIndex + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday, 6 = Saturday
    const weekend = weekly && (dow === 0 || dow === 6);
    const hour = (t - dayIndex * DAY) / HOUR;
    let distance = Math.abs(hour - shape.peakHour);
    if (distance > 12) distance = 24 - distance;
    const daily = 2 * Math.exp(-(distance * distance) / twoW2) - 1; // in [-1, 1], 1 at the peak hour
    const amplitude = weekend ? shape.amplitude * 0.5 : shape.amplitude;
    level[i] = shape.base * drift;
    expected[i] = level[i] * (weekend ? shape.weekend : 1) * (1 + amplitude * daily);
    values[i] = expected[i] * Math.exp(shape.sigma * rng.normal());
  }
  return { level, expected, values };
}

/** Geometric gap to the next event with per-point probability `p`. */
function skip(p: number, rng: Rng): number {
  return 1 + Math.floor(Math.log(1 - rng.next()) / Math.log(1 - p));
}

function addBumps(values: Float64Array, guard: Uint8Array, step: number, maxShort: number, rng: Rng): void {
  const p = Math.min(0.5, (3 * step) / (7 * DAY));
  const maxBump = Math.max(1, Math.min(5, Math.round((2 * maxShort) / 3)));
  for (let i = skip(p, rng); i < values.length; i += skip(p, rng)) {
    const length = rng.int(1, maxBump);
    const factor = rng.uniform(1.3, 1.8);
    if (guard.subarray(i, i + length).some((g) => g === 1)) continue;
    for (let k = i; k < Math.min(values.length, i + length); k++) values[k] *= factor;
    i += length;
  }
}

function addMissing(values: Float64Array, guard: Uint8Array, step: number, rng: Rng): void {
  const p = Math.min(0.1, step / (10 * DAY));
  for (let i = skip(p, rng); i < values.length; i += skip(p, rng)) {
    if (guard[i] || Number.isNaN(values[i - 1]) || Number.isNaN(values[i + 1] ?? 0)) continue;
    values[i] = NaN;
  }
}

function plant(
  plan: Plan,
  values: Float64Array,
  expected: Float64Array,
  level: Float64Array,
  shape: Shape,
  rng: Rng,
  sizes: IncidentSizes | undefined,
): void {
  const { start, length } = plan;
  const stop = start + length;
  const factorOf = (range: readonly [number, number] | undefined, lo: number, hi: number) =>
    range ? rng.uniform(range[0], range[1]) : rng.uniform(lo, hi);
  switch (plan.kind) {
    case "spike": {
      const floor = sizes?.spike?.factor[0] ?? 6;
      const factor = factorOf(sizes?.spike?.factor, 6, 20);
      for (let i = start; i < stop; i++) {
        values[i] = expected[i] * (i === start ? factor : Math.max(floor, factor * rng.uniform(0.6, 1)));
      }
      return;
    }
    case "stall": {
      let mean = 0;
      for (let i = start; i < start + plan.climb; i++) mean += expected[i] / plan.climb;
      const v0 = expected[start];
      const peak = mean * factorOf(sizes?.stall?.factor, 6, 20);
      for (let k = 0; k < plan.climb; k++) {
        values[start + k] = (v0 + ((peak - v0) * (k + 1)) / plan.climb) * Math.exp(0.03 * rng.normal());
      }
      const recovery = length - plan.climb;
      for (let q = 1; q <= recovery; q++) {
        const i = start + plan.climb + q - 1;
        values[i] = expected[i] + ((peak - expected[i]) * (recovery + 1 - q)) / (recovery + 1);
      }
      return;
    }
    case "flatline": {
      const before = start > 0 ? values[start - 1] : NaN;
      const constant = Number.isNaN(before) ? expected[start] : before;
      values.fill(constant, start, stop);
      return;
    }
    case "dropout":
      values.fill(NaN, start, stop);
      return;
    case "level_shift": {
      const factor = factorOf(sizes?.level_shift?.factor, 3, 6);
      for (let i = start; i < stop; i++) values[i] *= factor;
      return;
    }
    case "rhythm_loss": {
      let mean = 0;
      for (let i = start; i < stop; i++) mean += level[i] / length;
      const constant = mean * (1 + shape.amplitude * rng.uniform(0.9, 1.2));
      for (let i = start; i < stop; i++) values[i] = constant * Math.exp(shape.sigma * rng.normal());
      return;
    }
  }
}
