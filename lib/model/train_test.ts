import assert from "node:assert/strict";
import { train } from "./train.ts";
import { ModelSchema, SCHEMA_VERSION } from "./schema.ts";
import { generateCorpus } from "../synth/generate.ts";
import { DEFAULT_DETECTORS } from "../detectors/registry.ts";
import { DEFAULT_TEMPLATE } from "../series/template.ts";
import { resample } from "../series/resample.ts";
import { type Calibration, tailProbability } from "./calibration.ts";
import { logPOfScore, scoreSeries } from "./score_series.ts";
import { modelSummary } from "../display/model_summary.ts";
import type { Series } from "../series/types.ts";
import { createRng } from "../prng.ts";
import { detect } from "../detect/detect.ts";

const HOUR = 3_600_000, DAY = 86_400_000;
const AGGREGATORS = ["ProbeTablesAggregator.node_tag_cmx_probe_hll_hour", "AggregatorB"];
const corpus = generateCorpus({ shards: 2, days: 40, aggregators: AGGREGATORS, seed: 3 });
const END = Date.UTC(2026, 10, 24); // generateCorpus's default end
const model = train(corpus.series);
const fam = model.families.presence;

Deno.test("train() returns a model that matches the schema, as plain JSON", () => {
  const parsed = ModelSchema.safeParse(model);
  assert.ok(parsed.success, parsed.success ? "" : JSON.stringify(parsed.error.issues[0]));
  assert.deepEqual(JSON.parse(JSON.stringify(model)), model);
  assert.equal(model.schemaVersion, SCHEMA_VERSION);
  assert.equal(model.profile, "strict");
  assert.equal(model.family, "presence");
  assert.deepEqual(Object.keys(model.families), ["presence"]);
  assert.equal(typeof model.generator, "string");
  assert.ok(model.ensemble.digits > 0);
  assert.ok(model.events.episodeGap >= 0 && model.events.minDuration >= 0);
});

Deno.test("train() records what it was trained on", () => {
  // 2 shards × 2 aggregators, 40 days hourly = 960 points each, ending one step before `end`.
  assert.deepEqual(model.trainedOn, {
    series: 4,
    points: 4 * 960,
    from: new Date(END - 40 * DAY).toISOString(), // 2026-10-15T00:00:00.000Z
    to: new Date(END - HOUR).toISOString(), // 2026-11-23T23:00:00.000Z
    step: HOUR,
  });
  assert.equal(model.trainedOn.from, "2026-10-15T00:00:00.000Z");
  // lib never reads the clock: createdAt defaults to the end of the data.
  assert.equal(model.createdAt, "2026-11-23T23:00:00.000Z");
  assert.equal(fam.unit, "ratio");
  assert.equal(fam.template, DEFAULT_TEMPLATE);
  assert.deepEqual(fam.aggregators, [...AGGREGATORS].sort());
  assert.deepEqual(fam.machines, ["n200-primary-meraki-com", "n201-primary-meraki-com"]);
  assert.deepEqual(Object.keys(fam.seriesRanges).sort(), corpus.series.map((s) => s.key).sort());
});

Deno.test("train() fits and calibrates every default detector", () => {
  // local_z reads the last 2 hours, which at an hourly step hold 2 points: left out, with its reason.
  const used = DEFAULT_DETECTORS.filter((d) => d !== "local_z");
  assert.deepEqual(Object.keys(model.detectors), used);
  assert.deepEqual(Object.keys(fam.calibration).sort(), [...used].sort());
  assert.deepEqual(model.skippedDetectors, [
    { detector: "local_z", reason: "its 2 h window holds fewer than 8 points at a 1 h step" },
  ]);
  for (const [name, cal] of Object.entries(fam.calibration)) {
    // Calibrated on (a subsample of) the 3840 training points' scores, NaN dropped.
    assert.ok(cal.n >= 10 && cal.n <= 3840, `${name}: n = ${cal.n}`);
    assert.equal(cal.probs[0], 1, name);
  }
});

Deno.test("train() sets thresholds 0 < permissive < strict ≤ 1", () => {
  const { permissive, strict } = fam.thresholds;
  assert.ok(permissive > 0, `permissive ${permissive}`);
  assert.ok(permissive < strict, `permissive ${permissive} vs strict ${strict}`);
  assert.ok(strict <= 1, `strict ${strict}`);
});

Deno.test("train() learns ranges and a business-hours daily profile", () => {
  const { p05, p50, p95, p99 } = fam.range;
  assert.ok(p05! > 0 && p05! < p50! && p50! < p95! && p95! <= p99!, JSON.stringify(fam.range));
  const { hourOfDay, dayOfWeek, autocorrelation } = fam.seasonality;
  assert.equal(hourOfDay.length, 24);
  assert.equal(dayOfWeek.length, 7);
  // The generator peaks between 13:00 and 17:00 UTC with an amplitude of 30–60 %, lowest ~12 h later.
  const mean = (hours: number[]) => hours.reduce((a, h) => a + hourOfDay[h]!, 0) / hours.length;
  const business = mean([13, 14, 15, 16, 17]), night = mean([1, 2, 3, 4, 5]);
  assert.ok(business > 1.15 * night, `business ${business} vs night ${night}`);
  assert.ok(business > 1 && night < 1, "ratios to the daily median straddle 1");
  // Weekends are lower (×0.55–0.8): Saturday (6) and Sunday (0) below the weekdays.
  const weekday = (dayOfWeek[1]! + dayOfWeek[2]! + dayOfWeek[3]! + dayOfWeek[4]! + dayOfWeek[5]!) / 5;
  assert.ok(dayOfWeek[0]! < weekday && dayOfWeek[6]! < weekday, JSON.stringify(dayOfWeek));
  // ... as ratios to each series' own median day, pooled over series: about 1 on weekdays, 0.55–0.8 at weekends.
  assert.ok(weekday > 0.9 && weekday < 1.2, `weekday ratio ${weekday}`);
  assert.ok(dayOfWeek[0]! > 0.5 && dayOfWeek[6]! < 0.9, `weekend ratios ${dayOfWeek[0]}, ${dayOfWeek[6]}`);
  assert.ok(autocorrelation["24h"]! > 0.3, `acf 24 h ${autocorrelation["24h"]}`);
});

Deno.test("train() is deterministic", () => {
  assert.deepEqual(train(corpus.series), model);
});

Deno.test("train() honours its options", () => {
  const m = train(corpus.series, {
    profile: "permissive",
    now: Date.UTC(2027, 0, 1),
    detectors: ["flatline", "missing_data", "level_shift"],
    detectorOptions: { level_shift: { drift: 3 }, flatline: { tolerance: 0.001 } },
    template: "statsd.{machine}.x.{aggregator}",
  });
  assert.equal(m.profile, "permissive");
  assert.equal(m.createdAt, "2027-01-01T00:00:00.000Z");
  assert.deepEqual(Object.keys(m.detectors), ["flatline", "missing_data", "level_shift"]);
  assert.equal(m.detectors.level_shift.drift, 3);
  assert.equal(m.detectors.level_shift.clip, 6);
  assert.equal(m.detectors.flatline.tolerance, 0.001);
  assert.deepEqual(Object.keys(m.families.presence.calibration).sort(), [
    "flatline",
    "level_shift",
    "missing_data",
  ]);
  assert.equal(m.families.presence.template, "statsd.{machine}.x.{aggregator}");
  assert.ok(ModelSchema.safeParse(m).success);
});

Deno.test("train() adds uncalibrated static breach levels for a minutes family", () => {
  const minutes: Series[] = corpus.series.map((s) => ({
    ...s,
    labels: { ...s.labels, family: "lag" },
    values: s.values.map((x) => x * 1e5),
  }));
  const m = train(minutes, { family: "lag", unit: "minutes" });
  assert.equal(m.family, "lag");
  assert.equal(m.families.lag.unit, "minutes");
  assert.deepEqual(Object.keys(m.detectors), [
    ...DEFAULT_DETECTORS.filter((d) => d !== "local_z"),
    "static_breach",
  ]);
  assert.deepEqual(m.detectors.static_breach, { level1: 1440, level2: 4320 });
  assert.equal(m.families.lag.calibration.static_breach, undefined);
  assert.ok(ModelSchema.safeParse(m).success);
});

Deno.test("train() averages finer series to the common step", () => {
  // One series at 30 minutes (each hourly value twice) among hourly ones: resampled, it is the hourly series.
  const [first, ...rest] = corpus.series;
  const fine: Series = {
    ...first,
    step: HOUR / 2,
    values: Float64Array.from({ length: first.values.length * 2 }, (_, i) => first.values[i >> 1]),
  };
  assert.deepEqual([...resample(fine, HOUR).values], [...first.values]);
  const m = train([fine, ...rest]);
  assert.equal(m.trainedOn.step, HOUR);
  assert.equal(m.trainedOn.series, 4);
  assert.deepEqual(m.families.presence.calibration, fam.calibration);
});

Deno.test("train() rejects an unknown detector, a missing family and too little history", () => {
  assert.throws(() => train(corpus.series, { detectors: ["seasonal_lag", "nope"] }), {
    name: "RangeError",
    message: /^Cannot train: unknown detector "nope"; known: .*seasonal_lag.*, current value is nope$/,
  });
  assert.throws(() => train(corpus.series, { family: "other" }), {
    name: "RangeError",
    message: 'Cannot train: no series of family "other", current value is 4 series',
  });
  const short = corpus.series.map((s) => ({ ...s, values: s.values.slice(0, 11) }));
  assert.throws(() => train(short), {
    name: "RangeError",
    message:
      /^Cannot train: every series is shorter than 12 hours \(12 points at this step\), current value is 11 points$/,
  });
  const odd: Series = { ...corpus.series[0], key: "odd", step: 7 * 60_000 };
  assert.throws(() => train([...corpus.series, odd]), {
    name: "RangeError",
    message: /^Cannot train: series odd has step 420000 ms, not a divisor of the common step/,
  });
});

Deno.test("train() leaves seasonal_lag out, with its reason, when the 1 d lag predicts no better than the level", () => {
  assert.ok(model.detectors.seasonal_lag, "the presence family has a daily rhythm");
  assert.ok((model.detectors.seasonal_lag.rhythm as number) < 1);
  assert.deepEqual(model.skippedDetectors?.map((s) => s.detector), ["local_z"]);
  // The same series with the rhythm gone: white noise around each one's level.
  const rng = createRng(5);
  const noise = corpus.series.map((s) => ({
    ...s,
    values: s.values.map(() => 100 * (1 + 0.1 * rng.normal())),
  }));
  const flat = train(noise);
  assert.equal(flat.detectors.seasonal_lag, undefined);
  assert.equal(flat.families.presence.calibration.seasonal_lag, undefined);
  const skip = flat.skippedDetectors?.find((s) => s.detector === "seasonal_lag");
  assert.match(
    skip?.reason ?? "",
    /^no rhythm at its shortest lag in the training data: the lag predicts 1\.\d\d× worse/,
  );
  assert.ok(flat.detectors.robust_z, "the level-based detectors stay");
  // At 5 minutes the last 2 hours are a level: local_z stands in where the earlier days are no expectation, and
  // is left out where they are.
  const five = generateCorpus({ seed: 3, shards: 2, days: 6, step: 5 * 60_000, anomalyRate: 0 }).series;
  const fine = train(five);
  const flatFine = train(
    five.map((s) => ({ ...s, values: s.values.map(() => 100 * (1 + 0.1 * rng.normal())) })),
  );
  assert.ok(fine.detectors.seasonal_lag && !fine.detectors.local_z);
  assert.match(
    fine.skippedDetectors?.find((s) => s.detector === "local_z")?.reason ?? "",
    /^the same time on earlier days predicts the training data better than the trailing level \(0\.\d+×\): seasonal_lag judges the short term$/,
  );
  assert.ok(!flatFine.detectors.seasonal_lag && flatFine.detectors.local_z);
  assert.ok(flatFine.families.presence.calibration.local_z);
});

Deno.test("train() with exclude: a span confirmed anomalous no longer shifts the trained ranges or the calibration", async () => {
  const { tailProbability } = await import("./calibration.ts");
  const { generateCorpus } = await import("../synth/generate.ts");
  const clean = generateCorpus({
    shards: 2,
    days: 20,
    aggregators: ["AggA", "AggB"],
    seed: 8,
    anomalyRate: 0,
    recent: false,
  })
    .series;
  // Three days of one series at 30× its level: an incident the training data holds.
  const s = clean[0], from = s.start + 10 * 86_400_000, until = from + 3 * 86_400_000 - s.step;
  const i0 = (from - s.start) / s.step, i1 = (until - s.start) / s.step;
  const hit = clean.map((x) =>
    x === s ? { ...s, values: s.values.map((v, i) => i >= i0 && i <= i1 ? v * 30 : v) } : x
  );
  const span = [{ series: s.key, from, until }];
  const base = train(clean), shifted = train(hit);
  const p99 = (m: typeof base) => m.families.presence.seriesRanges[s.key].p99!;
  const far = (m: typeof base) => tailProbability(m.families.presence.calibration.robust_z, 8);
  // The incident moves them...
  assert.ok(p99(shifted) > 3 * p99(base), `p99 ${p99(shifted)} vs ${p99(base)}`);
  assert.ok(far(shifted) > 1.5 * far(base), `P(robust_z ≥ 8) ${far(shifted)} vs ${far(base)}`);
  // ...and left out, whatever the span held has no say: the model is the clean data's without the span.
  const excluded = train(hit, { exclude: span }), cleanExcluded = train(clean, { exclude: span });
  const fam = (m: typeof base) => m.families.presence;
  assert.deepEqual(fam(excluded).seriesRanges, fam(cleanExcluded).seriesRanges);
  assert.deepEqual(fam(excluded).calibration, fam(cleanExcluded).calibration);
  assert.deepEqual(fam(excluded).thresholds, fam(cleanExcluded).thresholds);
  assert.ok(far(excluded) < 1.5 * far(base), `P(robust_z ≥ 8) ${far(excluded)} vs ${far(base)}`);
});

Deno.test("train() leaves out the live edge: slots after the newest point of any series are not training data", () => {
  // The window Graphite answers two steps after the data's last point: the first two points gone, two empty
  // slots at the end of every series (not written yet).
  const k = 2;
  const late = corpus.series.map((s) => {
    const values = new Float64Array(s.values.length).fill(NaN);
    values.set(s.values.subarray(k));
    return { ...s, start: s.start + k * s.step, values };
  });
  const written = late.map((s) => ({ ...s, values: s.values.slice(0, -k) }));
  assert.deepEqual(train(late), train(written));
  // A series silent at the end while the others report keeps its gap: that is missing data.
  const silent = written.map((s, i) =>
    i === 0 ? { ...s, values: s.values.map((v, j) => j >= 900 ? NaN : v) } : s
  );
  const m = train(silent);
  assert.equal(m.trainedOn.points, written.reduce((a, s) => a + s.values.length, 0));
  assert.equal(m.trainedOn.to, train(written).trainedOn.to);
});

Deno.test("train() fits level shift's tail to normal life, not to the incidents in the training data", () => {
  // The same fleet with and without labelled incidents: a CUSUM stays up until it drains, so the incidents
  // would be most of its top scores and set its tail (a raw 8 scored L 2.3 with them, 5.2 without). Refitted
  // without what a first pass flags, the two tails agree within a decade at 8 and at 12.
  const tails = [0, 1].map((anomalyRate) => {
    const { series } = generateCorpus({ seed: 5, shards: 2, days: 120, anomalyRate });
    const cal = train(series).families.presence.calibration.level_shift;
    return [8, 12].map((x) => -Math.log10(tailProbability(cal, x)));
  });
  for (const [k, x] of [8, 12].entries()) {
    assert.ok(tails[0][k] > 4, `clean L(${x}) = ${tails[0][k]}`);
    assert.ok(
      Math.abs(tails[1][k] - tails[0][k]) < 1,
      `L(${x}) with incidents ${tails[1][k]}, clean ${tails[0][k]}`,
    );
  }
});

/** A fleet of hourly series with a daily rhythm, each with its own weekend level, and low counts among them. */
function mixedFleet(days: number, seed: number, lowCounts: number): Series[] {
  const rng = createRng(seed);
  const start = Date.UTC(2026, 5, 1), n = days * 24;
  return Array.from({ length: 12 }, (_, k) => {
    const weekend = rng.uniform(0.5, 0.95), base = 0.01 * (1 + k / 4);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = start + i * HOUR, day = new Date(t).getUTCDay();
      const x = base * (1 + 0.5 * Math.cos((2 * Math.PI * (i % 24)) / 24)) *
        (day === 0 || day === 6 ? weekend : 1) * Math.exp(0.1 * rng.normal());
      // The last `lowCounts` series: a Poisson count of about 2 events an hour, as a ratio.
      values[i] = k >= 12 - lowCounts ? poissonOf(rng, (x / base) * 2) / 100 : x;
    }
    const machine = `n${200 + k}-primary-meraki-com`;
    return {
      key: `statsd.${machine}.gauges.aggregator.agg_length_behind_ratio.A`,
      labels: { machine, aggregator: "A", family: "presence" },
      start,
      step: HOUR,
      values,
    };
  });
}

function poissonOf(rng: ReturnType<typeof createRng>, lambda: number): number {
  let k = 0, p = Math.exp(-lambda), sum = p;
  const u = rng.uniform(0, 1);
  while (u > sum) p *= lambda / ++k, sum += p;
  return k;
}

Deno.test("train() raises the threshold of a series whose normal days run hotter than its family's", () => {
  const m = train(mixedFleet(40, 12, 2));
  const shift = m.families.presence.seriesShift ?? {};
  const fleet = mixedFleet(40, 12, 2);
  // The two low counts (Poisson jumps of a few events the family's smooth series never make) get their own
  // threshold; at most one of the ten smooth series differs from the family by more than chance.
  for (const s of fleet.slice(10)) assert.ok((shift[s.key] ?? 0) > 0.5, `${s.key}: ${shift[s.key]}`);
  assert.ok(fleet.slice(0, 10).filter((s) => shift[s.key] !== undefined).length <= 1, JSON.stringify(shift));
  const parsed = ModelSchema.parse(JSON.parse(JSON.stringify(m)));
  assert.deepEqual(parsed.families.presence.seriesShift, m.families.presence.seriesShift);
  // Detection lowers that series' L by its rise, from its first point.
  const low = fleet[11], rise = shift[low.key];
  const { seriesShift: _, ...familyOnly } = m.families.presence;
  const own = scoreSeries(m, m.families.presence, low).combined;
  const shared = scoreSeries(m, familyOnly, low).combined;
  const L = (c: number) => -logPOfScore(c, m.ensemble.digits);
  let compared = 0;
  for (let i = 0; i < own.length; i++) {
    if (!(L(shared[i]) > rise)) continue;
    assert.ok(
      Math.abs(L(own[i]) - (L(shared[i]) - rise)) < 1e-6,
      `i=${i}: ${L(own[i])} vs ${L(shared[i])} - ${rise}`,
    );
    compared++;
  }
  assert.ok(compared > 20, `${compared} points compared`);
  // The model's summary (show, the report) says how many series have a threshold of their own.
  const html = modelSummary(m);
  const n = Object.keys(shift).length;
  const row = html.slice(html.indexOf("own threshold"));
  const cells = [...row.slice(0, row.indexOf("</tbody>")).matchAll(/>([^<>]*)<\/td>/g)].map((c) => c[1]);
  assert.equal(cells[cells.length - 2], String(n), cells.join(" "));
});

Deno.test("train() reads level shift's tail from its excursions off the atom, not from the time it rests there", () => {
  // A CUSUM rests at 0 most of the time: the p80–p95 of all its points are its first steps off 0, and a tail
  // read there made a sum's normal extremes look far rarer than they are. Refitted, the tail starts at the p95
  // of the excursions (P(raw ≥ u) = 0.05 × the share of time off the atom), as every other score's does.
  const { series } = generateCorpus({ seed: 5, shards: 2, days: 120, anomalyRate: 0 });
  const cal = train(series).families.presence.calibration.level_shift;
  const off = cal.probs[1];
  assert.ok(off < 0.2, `share off the atom ${off}`);
  assert.ok(Math.abs(cal.pu / (0.05 * off) - 1) < 0.25, `P(raw ≥ u) ${cal.pu}, share off the atom ${off}`);
});

Deno.test("train() still finds the rhythm losses its first pass misses in a fleet with idle series", () => {
  // A night at the daytime level is a long excursion of level shift's sum: when the first pass does not flag
  // it, it stays in normal life and would set the tail of the excursions. The first refit reads the tail in the
  // body, as the first pass did, and flags them; later passes read it from what is left.
  const { series: all, labels } = generateCorpus({ shards: 12, days: 60, seed: 77, anomalyRate: 2 });
  const series = all.map((s, i) => {
    if (i % 10) return s;
    const values = s.values.slice();
    for (let j = 0; j < values.length; j++) {
      if (new Date(s.start + j * s.step).getUTCHours() < 8) values[j] = 0;
    }
    return { ...s, values };
  });
  const m = train(series);
  const idle = new Set(series.filter((_, i) => i % 10 === 0).map((s) => s.key));
  const losses = labels.filter((l) => l.kind === "rhythm_loss" && !idle.has(l.series));
  assert.ok(losses.length >= 10, `${losses.length} rhythm losses`);
  const anomalies = detect(m, series.filter((s) => !idle.has(s.key))).anomalies;
  const found = losses.filter((l) =>
    anomalies.some((a) => a.series === l.series && a.start <= l.end + 6 * HOUR && a.end >= l.start - HOUR)
  );
  assert.ok(found.length >= 0.9 * losses.length, `${found.length} of ${losses.length} rhythm losses found`);
});

Deno.test("train() calibrates level shift's sum on its own in a series' first two weeks, where its expectation is carried", () => {
  // Before the weekly lags exist the expectation is the days just before, carried forward: its deviations run
  // longer, and pooled with the later ones they held the later tail up. Each part is fitted to its own scores
  // (the tail from the p95 of its own excursions); with too little of the later part, one calibration.
  const { series } = generateCorpus({ seed: 5, shards: 2, days: 120, anomalyRate: 0 });
  const f = train(series).families.presence;
  const early = f.earlyCalibration?.level_shift, later = f.calibration.level_shift;
  assert.ok(early, "an early calibration");
  for (const [what, cal] of [["early", early], ["later", later]] as const) {
    assert.ok(
      Math.abs(cal.pu / (0.05 * cal.probs[1]) - 1) < 0.25,
      `${what}: P(raw ≥ u) ${cal.pu}, off ${cal.probs[1]}`,
    );
  }
  assert.ok(early.n < later.n / 4, `early n ${early.n}, later n ${later.n}`);
  assert.ok(early.u > 1.2 * later.u, `early tail from ${early.u}, later from ${later.u}`);
  // The model's summary shows both.
  const html = modelSummary({ ...train(series), families: { presence: f } });
  assert.ok(html.includes("level_shift (first 14 d)") && html.includes("level_shift (after)"));
  const short =
    train(generateCorpus({ seed: 5, shards: 2, days: 10, anomalyRate: 0 }).series).families.presence;
  assert.equal(short.earlyCalibration?.level_shift, undefined);
  assert.equal(short.earlyUntil?.level_shift, undefined);
  assert.ok(short.calibration.level_shift);
});

Deno.test("train() calibrates robust_z's first day, while its trailing window fills, on its own", () => {
  // Until its day-long window is full, robust_z judges by the first hours' median and MAD (half a daily
  // rhythm): those scores run far heavier than the later ones and, pooled, held the later tail up. Only where
  // the later scores span a week (a few weekdays have not seen a weekend).
  const { series } = generateCorpus({ seed: 7, shards: 2, days: 10, anomalyRate: 0 });
  const model = train(series);
  const f = model.families.presence;
  const early = f.earlyCalibration?.robust_z, later = f.calibration.robust_z;
  assert.ok(early, "an early calibration");
  assert.equal(f.earlyUntil?.robust_z, 86_400_000);
  // Fitted to the points before and after a day: the early part is each series' first 12 h of scores (it scores
  // from half its window), with a tail from far higher.
  assert.ok(early.n < later.n / 4, `early n ${early.n}, later n ${later.n}`);
  assert.ok(early.u > 1.3 * later.u, `early tail from ${early.u}, later from ${later.u}`);
  // Detection reads a series' first day with the early one and the rest with the later one.
  const s = series[0];
  const scores = scoreSeries(model, f, s);
  const d = scores.names.indexOf("robust_z");
  const lp = (cal: Calibration, x: number) => Math.log10(tailProbability(cal, x));
  // The points with a positive raw score (0 reads as "no evidence" under either) on each side of the day's end.
  const checked = { early: 0, later: 0 };
  for (let i = 12; i < 120; i++) {
    const raw = scores.raw[d][i];
    if (!(raw > 0)) continue;
    const want = lp(i < 24 ? early : later, raw);
    assert.ok(Math.abs(scores.logP[d][i] - want) < 0.01, `point ${i}: ${scores.logP[d][i]} vs ${want}`);
    checked[i < 24 ? "early" : "later"]++;
  }
  assert.ok(checked.early >= 3 && checked.later >= 30, `points checked: ${JSON.stringify(checked)}`);
  assert.ok(modelSummary(model).includes("robust_z (first 24 h)"));
  // Models from before it (no earlyUntil) read their early calibrations for the sums' two weeks, as before.
  const { earlyUntil: _, ...old } = f;
  const before = scoreSeries(model, old, s);
  assert.ok(Math.abs(before.logP[d][100] - lp(early, before.raw[d][100])) < 0.01);
  // Six days: the later part spans five, one calibration throughout.
  const short =
    train(generateCorpus({ seed: 7, shards: 2, days: 6, anomalyRate: 0 }).series).families.presence;
  assert.equal(short.earlyCalibration?.robust_z, undefined);
  assert.ok(short.calibration.robust_z);
});

Deno.test("train() keeps rhythm_loss only where its training scores span a week, else leaves it out with why", () => {
  // rhythm_loss scores from about the fourth day (three earlier days make the usual shape): 10 days of training
  // hold 6 days of its scores, 12 days more than a week.
  const cut = (days: number) => corpus.series.map((s) => ({ ...s, values: s.values.slice(0, days * 24) }));
  const detectors = [...DEFAULT_DETECTORS, "rhythm_loss"];
  const short = train(cut(10), { detectors });
  assert.equal(short.detectors.rhythm_loss, undefined);
  const why = short.skippedDetectors?.find((s) => s.detector === "rhythm_loss")?.reason ?? "";
  assert.match(why, /^its scores span 6\.\d days of the training data, and its calibration needs a week/);
  const long = train(cut(12), { detectors });
  assert.equal(long.detectors.rhythm_loss?.days, 14);
  assert.ok(long.families.presence.calibration.rhythm_loss);
});

Deno.test("train() learns each series' own gain on the family's weekly profile, and detection carries it", () => {
  const fleet = mixedFleet(40, 12, 0);
  const m = train(fleet);
  const gains = m.families.presence.weeklyGain ?? {};
  assert.ok(Object.keys(gains).length >= 6, JSON.stringify(gains));
  assert.deepEqual(ModelSchema.parse(JSON.parse(JSON.stringify(m))).families.presence.weeklyGain, gains);
  // The series whose weekends drop most follows the profile most; scored with its gain, its first weekends
  // (before the weekly lags, judged by the days before carried over the profile) look less like a shift.
  const level = (key: string) => gains[key]?.[0] ?? 1;
  const deep = fleet.reduce((a, s) => (level(s.key) > level(a.key) ? s : a));
  assert.ok(level(deep.key) > 1.2, `${deep.key}: ${gains[deep.key]}`);
  const { weeklyGain: _, ...familyOnly } = m.families.presence;
  const shift = (family: typeof familyOnly) => {
    const s = scoreSeries(m, family, deep);
    const d = s.names.indexOf("level_shift");
    let worst = 0;
    for (let i = 5 * 24; i < 14 * 24; i++) worst = Math.min(worst, s.logP[d][i] || 0);
    return -worst;
  };
  const own = shift(m.families.presence), family = shift(familyOnly);
  assert.ok(
    own < 0.7 * family,
    `level shift's L over the first two weekends: ${own} with its gain, ${family} without`,
  );
  // The model's summary says how many series have a weekly depth of their own.
  const row = modelSummary(m).slice(modelSummary(m).indexOf("own weekly depth"));
  const cells = [...row.slice(0, row.indexOf("</tbody>")).matchAll(/>([^<>]*)<\/td>/g)].map((c) => c[1]);
  assert.equal(cells[cells.length - 1], String(Object.keys(gains).length), cells.join(" "));
});
