/**
 * Which wall clock a fleet's daily rhythm follows, read from a clock change in its history: on the day after the
 * clocks change, "the same time yesterday" on UTC's clock is an hour off for a rhythm that follows them, and the
 * same local time is not. Used by `train` to say when a model without a time zone should have one.
 *
 * @module
 */

import type { Series } from "./types.ts";
import { DAY, medianOf } from "./robust.ts";
import { offsetSpans, utcOffset } from "./local_time.ts";

/** One zone per set of change dates: any zone that changes on the same dates reads a rhythm the same way. */
export const CLOCK_RULES: readonly { zone: string; who: string }[] = [
  { zone: "America/New_York", who: "the United States and Canada" },
  { zone: "Europe/Berlin", who: "the European Union and the United Kingdom" },
  { zone: "Australia/Sydney", who: "south-eastern Australia" },
  { zone: "Pacific/Auckland", who: "New Zealand" },
];

/** What {@link clockHint} found. */
export interface ClockHint {
  /** A zone whose clock the rhythm follows. */
  zone: string;
  /** Who changes clocks on its dates. */
  who: string;
  /** The change read, epoch ms. */
  change: number;
  /** The median over series of the ratio of the week-after's error on the zone's clock to that on UTC's. */
  ratio: number;
  /** Series whose error is lower on the zone's clock, and series read. */
  better: number;
  read: number;
}

/**
 * Finds a clock change of a common zone in the series' span (a week of history before it and after it) and
 * compares, over the week after it, how well each series' value a week before predicts it at the same UTC time
 * and at the same local time: the mean absolute log ratio of (x + c) to the week before's (c a tenth of the
 * series' typical level, so values near 0 do not explode); a week back, so that weekdays meet weekdays. Where
 * the rhythm follows UTC, the same UTC time predicts better; where there is none, the two are alike; where it
 * follows the zone, the same local time predicts better in most series. The hint is given when the series
 * predicted better at the same local time are too many to be chance (one-sided sign test, p < 0.001: 10 of 10,
 * 28 of 36).
 *
 * @param series The fleet's series, on a step that divides an hour (at most 64 are read, evenly picked).
 * @returns The first zone whose change the rhythm followed, or `undefined`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clockHint } from "./clock_hint.ts";
 * import { generateCorpus } from "../synth/generate.ts";
 * const end = Date.UTC(2026, 2, 20);
 * const ny = generateCorpus({ seed: 2, shards: 6, days: 30, end, timeZone: "America/New_York" });
 * assert.equal(clockHint(ny.series)?.zone, "America/New_York");
 * const utc = generateCorpus({ seed: 2, shards: 6, days: 30, end });
 * assert.equal(clockHint(utc.series), undefined);
 * ```
 */
export function clockHint(series: readonly Series[]): ClockHint | undefined {
  const pick = Math.max(1, Math.ceil(series.length / 64));
  const read = series.filter((s, k) => k % pick === 0 && s.step > 0 && 3_600_000 % s.step === 0);
  if (read.length === 0) return undefined;
  const from = Math.min(...read.map((s) => s.start));
  const to = Math.max(...read.map((s) => s.start + s.values.length * s.step));
  for (const { zone, who } of CLOCK_RULES) {
    const spans = offsetSpans(zone, from, to);
    for (let k = 1; k < spans.length; k++) {
      const span = spans[k];
      const ratios: number[] = [];
      for (const s of read) {
        const r = weekAfterRatio(s, span.at, span.offset - spans[k - 1].offset);
        if (r === r && r !== 1) ratios.push(r);
      }
      const better = ratios.filter((r) => r < 1).length;
      if (ratios.length > 0 && binomialTail(ratios.length, better) < 0.001) {
        const ratio = medianOf(Float64Array.from(ratios), ratios.length);
        return { zone, who, change: span.at, ratio, better, read: ratios.length };
      }
    }
  }
  return undefined;
}

/** P(X ≥ k) for X ~ Binomial(n, ½). */
function binomialTail(n: number, k: number): number {
  let p = 0, term = Math.pow(0.5, n); // C(n, 0) / 2^n
  for (let j = 0; j <= n; j++) {
    if (j >= k) p += term;
    term = (term * (n - j)) / (j + 1);
  }
  return p;
}

/**
 * One series' error over the week after a change at the same local time as a week before, over that at the
 * same UTC time (NaN where the series does not hold the week before and the week after, or an error is 0).
 */
function weekAfterRatio(s: Series, change: number, delta: number): number {
  const { values, start, step } = s;
  const week = Math.round((7 * DAY) / step), shift = Math.round(delta / step);
  const first = Math.ceil((change - start) / step);
  if (first - week - Math.abs(shift) < 0 || first + week > values.length) return NaN;
  const c = 0.1 * typical(values, first - week, first) + 1e-12;
  let utc = 0, local = 0, m = 0;
  for (let i = first; i < first + week; i++) {
    const x = values[i], a = values[i - week], b = values[i - week + shift];
    if (x !== x || a !== a || b !== b) continue;
    const lx = Math.log(Math.max(x, 0) + c);
    utc += Math.abs(lx - Math.log(Math.max(a, 0) + c));
    local += Math.abs(lx - Math.log(Math.max(b, 0) + c));
    m++;
  }
  if (m < week / 2) return NaN;
  return utc > 0 && local > 0 ? local / utc : NaN;
}

/** The median of the valid values in `from..to`. */
function typical(values: Float64Array, from: number, to: number): number {
  const buf = new Float64Array(to - from);
  let m = 0;
  for (let i = from; i < to; i++) if (values[i] === values[i]) buf[m++] = values[i];
  return m ? medianOf(buf, m) : 0;
}

/**
 * The hint as one line for the command line and the model summary (the change dated on the zone's clock).
 *
 * @param hint What {@link clockHint} found.
 * @returns The advice, naming the zone, the change and the evidence.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clockHintText } from "./clock_hint.ts";
 * const hint = { zone: "Europe/Berlin", who: "the European Union", change: Date.UTC(2026, 2, 29, 1), ratio: 0.9, better: 30, read: 36 };
 * assert.match(clockHintText(hint), /^the daily rhythm moved with the clocks of the European Union on 2026-03-29: .* --timezone Europe\/Berlin/);
 * ```
 */
export function clockHintText(hint: ClockHint): string {
  return `the daily rhythm moved with the clocks of ${hint.who} on ${
    new Date(hint.change + utcOffset(hint.zone, hint.change)).toISOString().slice(0, 10)
  }: in ${hint.better} of ${hint.read} series the same local time a week before predicted the week after ` +
    `better than the same UTC time (error ×${hint.ratio.toFixed(2)}); train with --timezone ${hint.zone} ` +
    `(or the zone of yours that changes on those dates) to follow it`;
}
