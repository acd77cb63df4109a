import type { Series } from "../series/types.ts";
import type { Anomaly } from "../detect/types.ts";
import { quantileSorted } from "../series/summarize.ts";

/** Options for {@link hydrate}. */
export interface HydrateOptions {
  /** Context before the peak, ms. @default 12 h */
  before?: number;
  /** Context after the peak, ms. @default 12 h */
  after?: number;
}

/** An anomaly with the statistics of the 24 h around it (the original scripts' fields and more). */
export interface HydratedAnomaly extends Anomaly {
  /** The context window, epoch ms (inclusive), and its grid points. */
  context: { from: number; to: number; points: number };
  /** Largest value in the window (`null` when none is valid). */
  max_value: number | null;
  /** Mean of the valid values in the window. */
  avg_value: number | null;
  /** Fraction of the window's points that hold a value, 0..1. */
  valid_pct: number;
  /** Smallest value. */
  min_value: number | null;
  /** Median. */
  p50_value: number | null;
  /** 95th percentile. */
  p95_value: number | null;
  /** The value 24 h before the peak. */
  value_24h_before: number | null;
  /** The value 72 h before the peak. */
  value_72h_before: number | null;
  /** Fraction of consecutive valid pairs in the window with exactly the same value, 0..1. */
  flat_pct: number;
  /** Why the context could not be computed (the series is missing from the source), when that happened. */
  error?: string;
}

const clean = (v: number) => (v === v ? Number(v.toPrecision(6)) : null);

/**
 * Hydrates anomalies with the 24 h around each one (±12 h of the peak, configurable), from the series the
 * anomalies were detected on: max, average and valid fraction as the original scripts had them, plus min, p50,
 * p95, the value 24 h and 72 h earlier and the flat fraction. An anomaly whose series is not among `series`
 * keeps its record, with `error` saying so.
 *
 * @param anomalies Anomalies from `detect`.
 * @param series The series they came from (keys must match).
 * @param options See {@link HydrateOptions}.
 * @returns One hydrated record per anomaly, in the same order.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hydrate } from "./hydrate.ts";
 * const H = 3_600_000;
 * const values = new Float64Array(100).fill(1);
 * values[50] = 9;
 * values[51] = NaN;
 * const series = [{ key: "k", labels: {}, start: 0, step: H, values }];
 * const anomaly = { machine: "", aggregator: "", timestamp: "", severity: "high" as const, series: "k", start: 50 * H,
 *   id: "a-000000000ab", end: 50 * H, detectedAt: 50 * H, peakAt: 50 * H, score: 1, observed: 9, expected: 1, reasons: [] };
 * const [h] = hydrate([anomaly], series);
 * assert.equal(h.max_value, 9);
 * assert.equal(h.valid_pct, 24 / 25);
 * ```
 */
export function hydrate(
  anomalies: readonly Anomaly[],
  series: readonly Series[],
  options: HydrateOptions = {},
): HydratedAnomaly[] {
  const { before = 12 * 3_600_000, after = 12 * 3_600_000 } = options;
  const byKey = new Map(series.map((s) => [s.key, s]));
  const hydrated: HydratedAnomaly[] = anomalies.map((a) => {
    const from = a.peakAt - before, to = a.peakAt + after;
    const s = byKey.get(a.series);
    if (!s) {
      return {
        ...a,
        context: { from, to, points: 0 },
        max_value: null,
        avg_value: null,
        valid_pct: 0,
        min_value: null,
        p50_value: null,
        p95_value: null,
        value_24h_before: null,
        value_72h_before: null,
        flat_pct: 0,
        error: `series ${a.series} was not in the source`,
      };
    }
    const { start, step, values } = s;
    const i0 = Math.ceil((from - start) / step), i1 = Math.floor((to - start) / step);
    const points = Math.max(0, i1 - i0 + 1);
    const valid: number[] = [];
    let sum = 0, pairs = 0, flat = 0, prev = NaN;
    for (let i = i0; i <= i1; i++) {
      const v = i >= 0 && i < values.length ? values[i] : NaN;
      if (v !== v) continue;
      valid.push(v);
      sum += v;
      if (prev === prev) {
        pairs++;
        if (v === prev) flat++;
      }
      prev = v;
    }
    const sorted = Float64Array.from(valid).sort();
    const at = (t: number) => {
      const i = Math.round((t - start) / step);
      return i >= 0 && i < values.length ? clean(values[i]) : null;
    };
    return {
      ...a,
      context: { from, to, points },
      max_value: sorted.length ? clean(sorted[sorted.length - 1]) : null,
      avg_value: sorted.length ? clean(sum / sorted.length) : null,
      valid_pct: points ? valid.length / points : 0,
      min_value: sorted.length ? clean(sorted[0]) : null,
      p50_value: sorted.length ? clean(quantileSorted(sorted, 0.5)) : null,
      p95_value: sorted.length ? clean(quantileSorted(sorted, 0.95)) : null,
      value_24h_before: at(a.peakAt - 24 * 3_600_000),
      value_72h_before: at(a.peakAt - 72 * 3_600_000),
      flat_pct: pairs ? flat / pairs : 0,
    };
  });
  return hydrated;
}
