/**
 * A series seen on the wall clock of a time zone: where people's days drive a metric, its daily rhythm moves by
 * an hour in UTC when the clocks change for daylight saving time, and "the same time yesterday" is 23 or 25
 * hours back. Detectors read days by the grid (a day is `DAY / step` points), so they are given the series on
 * the zone's clock instead: the same values, each at its local time. The hour the clocks skip in spring holds
 * no point and is filled by interpolating its neighbours (a gap there would be a dropout); the hour they repeat
 * in autumn holds two points per slot, which are averaged. A zone without a change in the series' span is the
 * same array with its start moved by the offset.
 *
 * @module
 */

import type { Series } from "./types.ts";

const MINUTE = 60_000, HOUR = 3_600_000;

const formats = new Map<string, Intl.DateTimeFormat>();

/** The zone's formatter (cached), or a RangeError naming the zone when it is not an IANA time zone. */
function formatOf(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (f) return f;
  try {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
  } catch {
    throw new RangeError(
      `Unknown time zone "${zone}": expected an IANA name such as Europe/Berlin, America/New_York or UTC`,
    );
  }
  formats.set(zone, f);
  return f;
}

/**
 * Checks a time zone name.
 *
 * @param zone An IANA time zone name.
 * @returns The name, as given.
 * @throws {RangeError} Not a time zone this runtime knows.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkTimeZone } from "./local_time.ts";
 * assert.equal(checkTimeZone("Europe/Berlin"), "Europe/Berlin");
 * assert.throws(() => checkTimeZone("Mars/Olympus"), /Unknown time zone "Mars\/Olympus"/);
 * ```
 */
export function checkTimeZone(zone: string): string {
  formatOf(zone);
  return zone;
}

/**
 * The zone's offset from UTC at a time, ms (local time − UTC: +1 h in Berlin in winter, −4 h in New York in
 * summer).
 *
 * @param zone An IANA time zone name.
 * @param t Epoch ms.
 * @returns The offset, ms.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { utcOffset } from "./local_time.ts";
 * assert.equal(utcOffset("America/New_York", Date.UTC(2026, 0, 15)), -5 * 3_600_000);
 * assert.equal(utcOffset("America/New_York", Date.UTC(2026, 6, 15)), -4 * 3_600_000);
 * assert.equal(utcOffset("UTC", 0), 0);
 * ```
 */
export function utcOffset(zone: string, t: number): number {
  const name = formatOf(zone).formatToParts(t).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /^GMT([+-])(\d{1,2})(?::(\d{2}))?$/.exec(name);
  if (!m) return 0; // "GMT": UTC itself
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * HOUR + Number(m[3] ?? 0) * MINUTE);
}

/** One stretch of constant offset: from `at` (epoch ms) on, local time is UTC + `offset`. */
export interface OffsetSpan {
  at: number;
  offset: number;
}

const spansCache = new Map<string, OffsetSpan[]>();

/**
 * The zone's offsets over a span of time: the offset at `from`, then one entry per change (to the minute),
 * found by reading the offset every 6 hours and bisecting where it differs.
 *
 * @param zone An IANA time zone name.
 * @param from Epoch ms.
 * @param to Epoch ms.
 * @returns Spans in time order; the first starts at `from`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { offsetSpans } from "./local_time.ts";
 * // Berlin moved to summer time at 01:00 UTC on 29 March 2026.
 * const spans = offsetSpans("Europe/Berlin", Date.UTC(2026, 2, 20), Date.UTC(2026, 3, 5));
 * assert.deepEqual(spans.map((s) => s.offset / 3_600_000), [1, 2]);
 * assert.equal(spans[1].at, Date.UTC(2026, 2, 29, 1));
 * ```
 */
export function offsetSpans(zone: string, from: number, to: number): OffsetSpan[] {
  const key = `${zone}|${from}|${to}`;
  const hit = spansCache.get(key);
  if (hit) return hit;
  const spans: OffsetSpan[] = [{ at: from, offset: utcOffset(zone, from) }];
  const probe = 6 * HOUR;
  for (let a = from; a < to;) {
    const b = Math.min(to, a + probe);
    const before = spans[spans.length - 1].offset, after = utcOffset(zone, b);
    if (after !== before) {
      // The change lies in (a, b]: bisect to the minute.
      let lo = Math.floor(a / MINUTE) * MINUTE, hi = Math.ceil(b / MINUTE) * MINUTE;
      while (hi - lo > MINUTE) {
        const mid = lo + Math.max(1, Math.floor((hi - lo) / 2 / MINUTE)) * MINUTE;
        if (utcOffset(zone, mid) === before) lo = mid;
        else hi = mid;
      }
      spans.push({ at: hi, offset: after });
    }
    a = b;
  }
  if (spansCache.size > 256) spansCache.clear();
  spansCache.set(key, spans);
  return spans;
}

/** A series on a zone's clock, and where each of the original points landed in it. */
export interface LocalView {
  /** The series with local times as its times (epoch ms as if the wall clock were UTC). */
  series: Series;
  /** Per original point, its index in `series`; `null` when it is the same index (one offset throughout). */
  index: Int32Array | null;
}

/**
 * The series on the zone's wall clock (see the module's description). `UTC` (or any zone with offset 0 over
 * the series' span) gives the series itself.
 *
 * @param series The series, on its UTC grid.
 * @param zone An IANA time zone name.
 * @returns The local series and the index of each original point in it.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { localTimeView } from "./local_time.ts";
 * // Hourly across New York's spring change (07:00 UTC, 8 March 2026): 02:00–03:00 local does not exist.
 * const start = Date.UTC(2026, 2, 8, 4), step = 3_600_000;
 * const values = Float64Array.from({ length: 6 }, (_, i) => 10 * i);
 * const view = localTimeView({ key: "k", labels: {}, start, step, values }, "America/New_York");
 * assert.equal(view.series.start, start - 5 * step); // 23:00 local
 * assert.deepEqual([...view.index!], [0, 1, 2, 4, 5, 6]);
 * assert.deepEqual([...view.series.values], [0, 10, 20, 25, 30, 40, 50]); // the skipped hour interpolated
 * ```
 */
export function localTimeView(series: Series, zone: string): LocalView {
  const { start, step, values } = series;
  const n = values.length;
  const end = start + Math.max(0, n - 1) * step;
  const spans = offsetSpans(zone, start, end);
  if (spans.length === 1) {
    const offset = spans[0].offset;
    return { series: offset === 0 ? series : { ...series, start: start + offset }, index: null };
  }
  const localStart = start + spans[0].offset;
  const index = new Int32Array(n);
  let s = 0, last = 0;
  for (let i = 0; i < n; i++) {
    const t = start + i * step;
    while (s + 1 < spans.length && spans[s + 1].at <= t) s++;
    const k = Math.max(0, Math.round((t + spans[s].offset - localStart) / step));
    index[i] = k;
    if (k > last) last = k;
  }
  const out = new Float64Array(last + 1);
  const count = new Uint8Array(last + 1);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== v) continue;
    const k = index[i];
    out[k] += v;
    count[k]++;
  }
  const filled = new Uint8Array(last + 1);
  for (let i = 0; i < n; i++) filled[index[i]] = 1;
  for (let k = 0; k <= last; k++) out[k] = count[k] ? out[k] / count[k] : NaN;
  // Slots no point landed in (the hour skipped in spring): the line between the points either side.
  for (let k = 0; k <= last; k++) {
    if (filled[k]) continue;
    let a = k - 1, b = k + 1;
    while (b <= last && !filled[b]) b++;
    while (a >= 0 && !filled[a]) a--;
    for (let j = k; j < b; j++) {
      const x = a >= 0 ? out[a] : NaN, y = b <= last ? out[b] : NaN;
      out[j] = a < 0 ? y : b > last ? x : x + ((y - x) * (j - a)) / (b - a);
    }
    k = b - 1;
  }
  return { series: { ...series, start: localStart, values: out }, index };
}

/**
 * Per-point values computed on a {@link LocalView}'s series, back on the original points.
 *
 * @param view The view.
 * @param local One value per point of `view.series`.
 * @returns One value per original point (`local` itself when the indices are the same).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromLocal } from "./local_time.ts";
 * const view = { series: { key: "k", labels: {}, start: 0, step: 1, values: new Float64Array(3) }, index: Int32Array.from([0, 2]) };
 * assert.deepEqual([...fromLocal(view, Float64Array.from([5, 6, 7]))], [5, 7]);
 * ```
 */
export function fromLocal(view: LocalView, local: Float64Array): Float64Array {
  const { index } = view;
  if (!index) return local;
  const out = new Float64Array(index.length);
  for (let i = 0; i < index.length; i++) out[i] = local[index[i]];
  return out;
}
