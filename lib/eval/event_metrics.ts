/**
 * Event-level precision, recall and F1 of detected episodes against labelled anomalies.
 *
 * @module
 */

import { ANOMALY_KINDS, type AnomalyKind, type AnomalyLabel } from "../presence.ts";

/** A detected episode on one series; an `Anomaly` (lib/detect/types.ts) satisfies it. */
export interface PredictedEvent {
  /** The series key. */
  series: string;
  /** First flagged point, epoch ms (inclusive). */
  start: number;
  /** Last flagged point, epoch ms (inclusive). */
  end: number;
}

/** A series' time coverage, to compute the series-months behind the false-event rate. */
export interface SeriesCoverage {
  /** The series key (only used for error messages). */
  key: string;
  /** Start of coverage, epoch ms. */
  start: number;
  /** End of coverage, epoch ms, exclusive (e.g. `start + points × step` for a `Series`). */
  end: number;
}

/** Options of {@linkcode eventMetrics}. */
export interface EventMetricsOptions {
  /**
   * Series-months observed (number of series × months each covers), the denominator of
   * `falseEventsPerSeriesMonth`. Give this or `series`; when both are given this wins.
   * @default {undefined}
   */
  seriesMonths?: number;
  /**
   * The evaluated series with their coverage; series-months = Σ (end − start) / 30.4375 days (a mean month).
   * Used only when `seriesMonths` is absent.
   * @default {undefined}
   */
  series?: ReadonlyArray<SeriesCoverage>;
  /**
   * How long after a label's end (ms) a detection may start and still count: detectors are causal and some
   * anomalies (a stall, a rhythm loss) are only recognisable late.
   * @default {21_600_000} (6 h)
   */
  slack?: number;
  /**
   * How long before a label's start (ms) a detection may end and still count.
   * @default {3_600_000} (1 h)
   */
  leadSlack?: number;
  /**
   * The label kinds to evaluate. Labels of other kinds are left out of `labels`, `detected` and recall, and a
   * predicted event that matches only such labels is neither a true positive nor a false event (it is counted
   * in `ignoredEvents`), so a detector meant for some kinds is not penalised for also catching the others.
   * @default {ANOMALY_KINDS}
   */
  kinds?: ReadonlyArray<AnomalyKind>;
}

/** Recall of one anomaly kind. */
export interface KindMetrics {
  /** Labels of this kind. */
  labels: number;
  /** Of those, how many were detected. */
  detected: number;
  /** `detected / labels`; `NaN` when there is no label of this kind. */
  recall: number;
  /** Median detection delay over the detected labels of this kind (see `EventMetrics.medianDelayMs`). */
  medianDelayMs: number;
}

/** What {@linkcode eventMetrics} returns. */
export interface EventMetrics {
  /** `tp / (tp + fp)`; with no counted prediction: 1 when there is no label either, else 0. */
  precision: number;
  /** `detected / labels`; 1 when there is no label (nothing was missed). */
  recall: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  f1: number;
  /** Predicted events that match at least one evaluated label. */
  tp: number;
  /** Predicted events that match no label at all (false events). */
  fp: number;
  /** Predicted events that match only labels of kinds left out by `kinds` (neither tp nor fp). */
  ignoredEvents: number;
  /** Evaluated labels that at least one predicted event matches. */
  detected: number;
  /** Evaluated labels (those of the `kinds` asked for). */
  labels: number;
  /** `fp / seriesMonths`; 0 when `fp` is 0 (even for 0 series-months), `Infinity` for false events over 0. */
  falseEventsPerSeriesMonth: number;
  /**
   * Median over detected labels of (start of the earliest matching event − label start), ms; the mean of the
   * two middle values for an even count; `NaN` when nothing was detected. Raw, not clamped: it is negative
   * when detections tend to start before the labelled start (within `leadSlack`, or an event already
   * running).
   */
  medianDelayMs: number;
  /** Per evaluated kind, in the order of `kinds` (every kind asked for appears, even with 0 labels). */
  perKind: Record<AnomalyKind, KindMetrics>;
  /** The false events, in input order, for inspection. */
  falseEvents: PredictedEvent[];
  /** The evaluated labels no event matched, in input order. */
  missed: AnomalyLabel[];
}

/** One month (365.25 / 12 days = 30.4375 days) in milliseconds, the unit of `falseEventsPerSeriesMonth`. */
const MONTH_MS = 2_629_800_000;

/**
 * Scores detected events against labels, event by event.
 *
 * A predicted event matches a label of the same series when `[event.start, event.end]` overlaps
 * `[label.start − leadSlack, label.end + slack]` (all inclusive). A label is detected when at least one
 * event matches it; an event is a true positive when it matches at least one label (so two events on one
 * label are two true positives and one detected label), otherwise a false event. Runs in O((E + L) log L)
 * for typical data (labels grouped per series and sorted).
 *
 * @param predicted The detected events (e.g. `Anomaly[]`, or `eventsFromFlags` output).
 * @param labels The ground truth (e.g. from `loadLabels`).
 * @param options The series-months (or the series), slacks and kinds.
 * @returns Counts, precision/recall/F1, false-event rate, delays and per-kind recall.
 * @throws {TypeError} Neither `seriesMonths` nor `series` given.
 * @throws {RangeError} A negative or non-finite slack or `seriesMonths`; an event or label whose start/end is
 *   not finite or whose start is after its end (the message gives its index and series).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { eventMetrics } from "./event_metrics.ts";
 *
 * const h = 3_600_000;
 * const spike = { series: "a", machine: "m", aggregator: "x", kind: "spike" as const };
 * const labels = [{ ...spike, start: 10 * h, end: 11 * h }];
 * const m = eventMetrics(
 *   [{ series: "a", start: 13 * h, end: 14 * h }, { series: "b", start: 10 * h, end: 10 * h }],
 *   labels,
 *   { seriesMonths: 2 },
 * );
 * assert.deepEqual([m.tp, m.fp, m.detected, m.precision, m.recall], [1, 1, 1, 0.5, 1]);
 * assert.equal(m.falseEventsPerSeriesMonth, 0.5);
 * assert.equal(m.medianDelayMs, 3 * h);
 * assert.equal(m.perKind.spike.recall, 1);
 * ```
 */
export function eventMetrics(
  predicted: ReadonlyArray<PredictedEvent>,
  labels: ReadonlyArray<AnomalyLabel>,
  options: EventMetricsOptions,
): EventMetrics {
  const { seriesMonths, series, slack = 6 * 3_600_000, leadSlack = 3_600_000, kinds = ANOMALY_KINDS } =
    options;
  checkNonNegative(slack, "slack");
  checkNonNegative(leadSlack, "leadSlack");
  if (seriesMonths === undefined && series === undefined) {
    throw new TypeError(
      "Cannot compute event metrics: pass seriesMonths or series for the false-event rate, " +
        "current value is undefined",
    );
  }
  const months = seriesMonths ?? coverageMonths(series!);
  checkNonNegative(months, "seriesMonths");

  // Labels grouped by series, sorted by widened start, with the running maximum of the widened end.
  const evaluated = new Set<AnomalyKind>(kinds);
  const groups = new Map<string, { index: number[]; lo: number[]; hi: number[]; maxHi: number[] }>();
  const order = labels.map((_, i) => i);
  labels.forEach((label, i) => checkInterval(label, i, "label"));
  order.sort((a, b) => labels[a].start - labels[b].start || a - b);
  for (const i of order) {
    const label = labels[i];
    let group = groups.get(label.series);
    if (group === undefined) groups.set(label.series, group = { index: [], lo: [], hi: [], maxHi: [] });
    const hi = label.end + slack;
    group.index.push(i);
    group.lo.push(label.start - leadSlack);
    group.hi.push(hi);
    group.maxHi.push(Math.max(hi, group.maxHi.at(-1) ?? -Infinity));
  }

  const firstStart = new Float64Array(labels.length).fill(Infinity);
  let tp = 0, fp = 0, ignoredEvents = 0;
  const falseEvents: PredictedEvent[] = [];
  predicted.forEach((event, e) => {
    checkInterval(event, e, "predicted event");
    const group = groups.get(event.series);
    let matchedEvaluated = false, matchedOther = false;
    if (group !== undefined) {
      // Labels [0, k) have lo ≤ event.end; walk back while some of them can still reach event.start.
      for (let j = upperBound(group.lo, event.end) - 1; j >= 0 && group.maxHi[j] >= event.start; j--) {
        if (group.hi[j] < event.start) continue;
        const i = group.index[j];
        if (event.start < firstStart[i]) firstStart[i] = event.start;
        if (evaluated.has(labels[i].kind)) matchedEvaluated = true;
        else matchedOther = true;
      }
    }
    if (matchedEvaluated) tp++;
    else if (matchedOther) ignoredEvents++;
    else {
      fp++;
      falseEvents.push(event);
    }
  });

  const perKind = {} as Record<AnomalyKind, KindMetrics>;
  const delaysByKind = new Map<AnomalyKind, number[]>();
  const countsByKind = new Map<AnomalyKind, number>();
  for (const kind of kinds) {
    delaysByKind.set(kind, []);
    countsByKind.set(kind, 0);
  }
  const delays: number[] = [];
  const missed: AnomalyLabel[] = [];
  labels.forEach((label, i) => {
    if (!evaluated.has(label.kind)) return;
    countsByKind.set(label.kind, countsByKind.get(label.kind)! + 1);
    if (firstStart[i] === Infinity) {
      missed.push(label);
      return;
    }
    const delay = firstStart[i] - label.start;
    delays.push(delay);
    delaysByKind.get(label.kind)!.push(delay);
  });
  for (const kind of kinds) {
    const n = countsByKind.get(kind)!, kindDelays = delaysByKind.get(kind)!;
    perKind[kind] = {
      labels: n,
      detected: kindDelays.length,
      recall: n === 0 ? NaN : kindDelays.length / n,
      medianDelayMs: median(kindDelays),
    };
  }

  const labelCount = delays.length + missed.length;
  const detected = delays.length;
  const precision = tp + fp === 0 ? (labelCount === 0 ? 1 : 0) : tp / (tp + fp);
  const recall = labelCount === 0 ? 1 : detected / labelCount;
  return {
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    tp,
    fp,
    ignoredEvents,
    detected,
    labels: labelCount,
    falseEventsPerSeriesMonth: fp === 0 ? 0 : fp / months,
    medianDelayMs: median(delays),
    perKind,
    falseEvents,
    missed,
  };
}

function coverageMonths(series: ReadonlyArray<SeriesCoverage>): number {
  let total = 0;
  for (const s of series) {
    if (!Number.isFinite(s.start) || !Number.isFinite(s.end) || s.end < s.start) {
      throw new RangeError(
        `Cannot compute event metrics: series "${s.key}" needs finite start ≤ end, ` +
          `current value is ${s.start}..${s.end}`,
      );
    }
    total += s.end - s.start;
  }
  return total / MONTH_MS;
}

function checkNonNegative(value: number, name: string): void {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `Cannot compute event metrics: ${name} must be a finite number ≥ 0, current value is ${value}`,
    );
  }
}

function checkInterval(interval: PredictedEvent, index: number, what: string): void {
  const { start, end } = interval;
  if (!Number.isFinite(start) || !Number.isFinite(end) || start > end) {
    throw new RangeError(
      `Cannot compute event metrics: ${what} ${index} on series "${interval.series}" ` +
        `needs finite start ≤ end, ` +
        `current value is ${start}..${end}`,
    );
  }
}

/** Index of the first element > x in a sorted array. */
function upperBound(sorted: number[], x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
