import assert from "node:assert/strict";
import { checkTimeZone, fromLocal, localTimeView, offsetSpans, utcOffset } from "./local_time.ts";
import type { Series } from "./types.ts";
import { train } from "../model/train.ts";
import { detect } from "../detect/detect.ts";
import { generateCorpus } from "../synth/generate.ts";
import { modelSummary } from "../display/model_summary.ts";

const MINUTE = 60_000, HOUR = 3_600_000, DAY = 86_400_000;
const NY = "America/New_York";

const series = (start: number, step: number, values: Float64Array, key = "k"): Series => ({
  key,
  labels: { family: "presence" },
  start,
  step,
  values,
});

Deno.test("offsetSpans finds both of a year's changes to the minute, and none in a zone without them", () => {
  const ny = offsetSpans(NY, Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1));
  assert.deepEqual(ny.map((s) => s.offset / HOUR), [-5, -4, -5]);
  assert.equal(ny[1].at, Date.UTC(2026, 2, 8, 7)); // 02:00 EST
  assert.equal(ny[2].at, Date.UTC(2026, 10, 1, 6)); // 02:00 EDT
  const india = offsetSpans("Asia/Kolkata", Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1));
  assert.deepEqual(india, [{ at: Date.UTC(2026, 0, 1), offset: 5.5 * HOUR }]);
  assert.equal(utcOffset("UTC", Date.UTC(2026, 6, 1)), 0);
});

Deno.test("checkTimeZone names the zone it does not know and what it expected", () => {
  assert.throws(
    () => checkTimeZone("Europe/Atlantis"),
    (e: unknown) =>
      e instanceof RangeError && /"Europe\/Atlantis"/.test(e.message) && /IANA name/.test(e.message),
  );
});

Deno.test("localTimeView: one offset throughout is the same values with the start moved; UTC is the series itself", () => {
  const s = series(Date.UTC(2026, 5, 1), 5 * MINUTE, Float64Array.from({ length: 100 }, (_, i) => i));
  const tokyo = localTimeView(s, "Asia/Tokyo");
  assert.equal(tokyo.index, null);
  assert.equal(tokyo.series.values, s.values);
  assert.equal(tokyo.series.start, s.start + 9 * HOUR);
  assert.equal(localTimeView(s, "UTC").series, s);
  assert.equal(fromLocal(tokyo, s.values), s.values);
});

Deno.test("localTimeView: the hour skipped in spring is interpolated, the hour repeated in autumn averaged", () => {
  // 5-minute points from 00:00 to 06:00 UTC on the day New York falls back (06:00 UTC): 02:00 EDT → 01:00 EST.
  const step = 5 * MINUTE;
  const fallStart = Date.UTC(2026, 10, 1, 3), n = 6 * 12;
  const fall = series(fallStart, step, Float64Array.from({ length: n }, (_, i) => i));
  const back = localTimeView(fall, NY);
  // 03:00 UTC is 23:00 EDT; 06:00 UTC (the change) is 01:00 EST, the slot 05:00 UTC (01:00 EDT) had.
  assert.equal(back.series.start, fallStart - 4 * HOUR);
  assert.equal(back.series.values.length, n - 12);
  const at = (utc: number) => back.index![(utc - fallStart) / step];
  assert.equal(at(Date.UTC(2026, 10, 1, 6)), at(Date.UTC(2026, 10, 1, 5)));
  // The repeated slot holds the mean of its two points (index 24 at 05:00 UTC and 36 at 06:00 UTC).
  assert.equal(back.series.values[at(Date.UTC(2026, 10, 1, 5))], (24 + 36) / 2);
  // Every original point reads its own slot back.
  const round = fromLocal(back, back.series.values);
  assert.equal(round.length, n);
  assert.equal(round[0], 0);
  assert.equal(round[n - 1], n - 1);

  // Spring: 07:00 UTC is 02:00 EST → 03:00 EDT; missing points stay missing, the skipped hour is filled.
  const springStart = Date.UTC(2026, 2, 8, 5);
  const values = Float64Array.from({ length: 4 * 12 }, (_, i) => 100 + i);
  values[3] = NaN;
  const fwd = localTimeView(series(springStart, step, values), NY);
  assert.equal(fwd.series.values.length, values.length + 12);
  assert.ok(Number.isNaN(fwd.series.values[3]));
  // The skipped hour lies between the last point before the change (index 23, value 123) and the first after.
  const before = fwd.index![23], after = fwd.index![24];
  assert.equal(after - before, 13);
  for (let k = before + 1; k < after; k++) {
    assert.ok(fwd.series.values[k] > 123 && fwd.series.values[k] < 124);
  }
  assert.deepEqual([...fromLocal(fwd, fwd.series.values)].slice(20, 28), [...values].slice(20, 28));
});

// A business-hours metric in New York (high 09:00–17:00 local, every day), hourly: trained on February, scored
// across the spring change. On UTC's clock the rise comes an hour earlier every day after 8 March.
function businessHours(): Series[] {
  const start = Date.UTC(2026, 1, 1), n = 40 * 24;
  return [0, 1, 2].map((k) =>
    series(
      start,
      HOUR,
      Float64Array.from({ length: n }, (_, i) => {
        const t = start + i * HOUR, hour = ((t + utcOffset(NY, t)) % DAY) / HOUR;
        return (hour >= 9 && hour < 17 ? 10 : 2) * (1 + 0.05 * Math.sin(i * 7.3 + k));
      }),
      `s${k}`,
    )
  );
}

Deno.test("a model on New York time keeps a business-hours rhythm in place across the spring change; on UTC it alarms daily", () => {
  const all = businessHours();
  const from = all[0].start + 28 * DAY;
  const cut = all.map((s) => ({ ...s, values: s.values.slice(0, 28 * 24) }));
  const utc = train(cut);
  const local = train(cut, { timeZone: NY });
  assert.equal(utc.timeZone, undefined);
  assert.equal(local.timeZone, NY);
  const onUtc = detect(utc, all, { from }).anomalies;
  const onLocal = detect(local, all, { from }).anomalies;
  // On UTC's clock: 13:00 UTC, 09:00 local after the change, is compared with 08:00 local the days before.
  assert.ok(onUtc.filter((a) => new Date(a.start).getUTCHours() === 13).length >= 3 * 4, `${onUtc.length}`);
  assert.ok(onUtc.every((a) => a.start >= Date.UTC(2026, 2, 8, 7)));
  assert.deepEqual(onLocal, []);
  // The model's seasonality summary is on the same clock: high from 09:00 local on New York's, from 14:00 on UTC's.
  const hours = (m: typeof utc) => m.families.presence.seasonality.hourOfDay.map((v) => (v ?? 0) > 2);
  assert.deepEqual(hours(local).map((high, h) => high === (h >= 9 && h < 17)), Array(24).fill(true));
  assert.deepEqual(hours(utc).map((high, h) => high === (h >= 14 && h < 22)), Array(24).fill(true));
  assert.match(modelSummary(local), /days on America\/New_York time/);
  assert.doesNotMatch(modelSummary(utc), /days on/);
});

Deno.test("a zone model finds incidents as a UTC model does where the clocks do not change", () => {
  // Summer, no change in the span: the view is the series with its start moved, and the labelled incidents of
  // the last days are found alike.
  const corpus = generateCorpus({
    seed: 11,
    shards: 4,
    days: 30,
    step: 5 * MINUTE,
    end: Date.UTC(2026, 6, 20),
    aggregators: ["A", "B", "C"],
    timeZone: NY,
    recent: true,
  });
  const from = corpus.options.end - DAY;
  const cut = corpus.series.map((s) => ({ ...s, values: s.values.slice(0, s.values.length - 288) }));
  const found = (zone?: string) => {
    const model = train(cut, zone ? { timeZone: zone } : {});
    const anomalies = detect(model, corpus.series, { from }).anomalies;
    return corpus.labels.filter((l) =>
      l.end >= from && anomalies.some((a) => a.series === l.series && a.start <= l.end && a.end >= l.start)
    ).length;
  };
  const recent = corpus.labels.filter((l) => l.end >= from).length;
  assert.equal(recent, 4); // a stall, a spike, a flatline and a dropout
  assert.equal(found(NY), found());
  assert.ok(found(NY) >= recent - 1);
});
