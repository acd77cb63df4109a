import type { Series } from "../series/types.ts";
import type { AnomalyLabel } from "../presence.ts";
import { train } from "../model/train.ts";
import type { Model } from "../model/schema.ts";
import { detect } from "../detect/detect.ts";
import { type EventMetrics, eventMetrics } from "./event_metrics.ts";
import { eventsFromFlags } from "./events_from_flags.ts";
import { originalMethod, originalMethodFlags } from "./original_method.ts";

/** Options for {@link evaluate}. */
export interface EvaluateOptions {
  /** A trained model; when omitted one is trained on `trainSeries`. @default undefined */
  model?: Model;
  /** Detectors for the trained model. @default the default ensemble */
  detectors?: string[];
  /** Run the original-method baseline too. @default true */
  baseline?: boolean;
  /** Seed of the baseline's isolation forest. @default 42 */
  seed?: number;
}

/** One method's results at one setting. */
export interface MethodResult {
  /** e.g. `ours (strict)` or `original method`. */
  method: string;
  /** Event-level metrics against the labels. */
  metrics: EventMetrics;
  /** Median delay from label start to the first flagged point of a matching event (detection time), ms. */
  medianDetectionDelayMs: number;
  /** Wall time of training + scoring, ms. */
  ms: number;
}

function medianDetectionDelay(
  events: { series: string; start: number; end: number; detectedAt?: number }[],
  labels: readonly AnomalyLabel[],
  slack: number,
  lead: number,
): number {
  const delays: number[] = [];
  const bySeries = new Map<string, typeof events>();
  for (const e of events) {
    let list = bySeries.get(e.series);
    if (!list) bySeries.set(e.series, list = []);
    list.push(e);
  }
  for (const l of labels) {
    let best = Infinity;
    for (const e of bySeries.get(l.series) ?? []) {
      if (e.start <= l.end + slack && e.end >= l.start - lead) {
        best = Math.min(best, (e.detectedAt ?? e.start) - l.start);
      }
    }
    if (best < Infinity) delays.push(best);
  }
  if (!delays.length) return NaN;
  delays.sort((a, b) => a - b);
  const m = delays.length >> 1;
  return delays.length % 2 ? delays[m] : (delays[m - 1] + delays[m]) / 2;
}

/**
 * Evaluates our detector (both profiles) and the original scripts' method side by side on labelled series:
 * event precision / recall / F1 overall and per kind, false events per series-month, median detection delay.
 * The baseline's flagged windows are grouped into events with the same 6 h episode gap as ours, so it is not
 * penalised for fragmenting one incident into many flags.
 *
 * @param trainSeries Series to train on (may be the same as `testSeries`).
 * @param testSeries Series to evaluate on.
 * @param labels Ground-truth labels of `testSeries`.
 * @param options See {@link EvaluateOptions}.
 * @returns One result per method and setting.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluate } from "./evaluate.ts";
 * import { generateCorpus } from "../synth/generate.ts";
 * const { series, labels } = generateCorpus({ shards: 1, days: 20, aggregators: ["A"], seed: 3 });
 * const results = evaluate(series, series, labels, { baseline: false });
 * assert.deepEqual(results.map((r) => r.method), ["ours (strict)", "ours (permissive)"]);
 * assert.ok(results[0].metrics.recall >= 0 && results[0].metrics.recall <= 1);
 * ```
 */
export function evaluate(
  trainSeries: readonly Series[],
  testSeries: readonly Series[],
  labels: readonly AnomalyLabel[],
  options: EvaluateOptions = {},
): MethodResult[] {
  const { baseline = true, seed = 42 } = options;
  const coverage = testSeries.map((s) => ({
    key: s.key,
    start: s.start,
    end: s.start + s.values.length * s.step,
  }));
  const slack = 6 * 3_600_000, lead = 3_600_000;
  const results: MethodResult[] = [];
  let t0 = performance.now();
  const model = options.model ?? train(trainSeries, { detectors: options.detectors });
  const trainMs = performance.now() - t0;
  for (const profile of ["strict", "permissive"] as const) {
    t0 = performance.now();
    const { anomalies } = detect(model, testSeries, { profile });
    const ms = performance.now() - t0 + trainMs;
    results.push({
      method: `ours (${profile})`,
      metrics: eventMetrics(anomalies, labels, { series: coverage, slack, leadSlack: lead }),
      medianDetectionDelayMs: medianDetectionDelay(anomalies, labels, slack, lead),
      ms,
    });
  }
  if (baseline) {
    t0 = performance.now();
    const params = originalMethod.fit(trainSeries, { seed });
    const events = testSeries.flatMap((s) =>
      eventsFromFlags(s, originalMethodFlags(s, params), { mergeGap: Math.round(slack / s.step) })
    );
    const ms = performance.now() - t0;
    results.push({
      method: "original method",
      metrics: eventMetrics(events, labels, { series: coverage, slack, leadSlack: lead }),
      medianDetectionDelayMs: medianDetectionDelay(events, labels, slack, lead),
      ms,
    });
  }
  return results;
}
