import assert from "node:assert/strict";
import { detect } from "./detect.ts";
import type { Anomaly } from "./types.ts";
import { train } from "../model/train.ts";
import { type AnomalyLabel, generateCorpus } from "../synth/generate.ts";
import type { Series } from "../series/types.ts";
import { derivedOf } from "../series/derived.ts";
import { BLIP_POINTS, episodeVerdict } from "./episode_verdict.ts";

const DAY = 86_400_000;
const AGGREGATORS = ["AggA", "AggB"];
// 4 shards, so all four "recent" anomalies (stall, spike, flatline, dropout) are planted in the final 24 h.
const corpus = generateCorpus({ shards: 4, days: 40, aggregators: AGGREGATORS, seed: 3 });
const END = corpus.options.end;
const model = train(corpus.series);
const result = detect(model, corpus.series);
const recent = (kind: string) => corpus.labels.filter((l) => l.kind === kind && l.start >= END - DAY);

const overlaps = (a: Anomaly, l: AnomalyLabel) =>
  a.series === l.series && a.start <= l.end && a.end >= l.start;

Deno.test("detect() finds the labelled spike, dropout and stall of the last 24 h", () => {
  for (const kind of ["spike", "dropout", "stall"]) {
    const labels = recent(kind);
    assert.equal(labels.length, 1, kind);
    const found = result.anomalies.filter((a) => overlaps(a, labels[0]));
    assert.ok(
      found.length >= 1,
      `${kind} on ${labels[0].series} at ${new Date(labels[0].start).toISOString()}`,
    );
  }
  assert.equal(result.scored, 8);
  assert.deepEqual(result.notes, []);
});

// Regression: with no normal repeats in training, every flatline score above 0 comes from incidents, and the
// calibration used to read a near-zero decay from them (p(11 h) ≈ 1e-3, never reported). It now assumes a normal
// run continues with probability at most 1/2 per step.
Deno.test({
  name: "detect() finds the labelled flatline of the last 24 h",
  fn() {
    const [label] = recent("flatline");
    assert.ok(label, "a flatline was planted");
    assert.ok(
      result.anomalies.some((a) => overlaps(a, label)),
      `flatline on ${label.series} at ${new Date(label.start).toISOString()}`,
    );
  },
});

Deno.test("detect() dates a flatline episode from the onset of the stuck run", () => {
  // A model trained on anomaly-free history (where flatline does fire; see the BUG above).
  const clean = generateCorpus({
    shards: 4,
    days: 40,
    aggregators: AGGREGATORS,
    seed: 3,
    anomalyRate: 0,
    recent: false,
  });
  const r = detect(train(clean.series), corpus.series);
  const [label] = recent("flatline");
  const series = corpus.series.find((s) => s.key === label.series)!;
  const episode = r.anomalies.find((a) => overlaps(a, label));
  assert.ok(episode, "the flatline is found");
  assert.ok(episode.start <= episode.detectedAt, "start ≤ detectedAt");
  assert.ok(episode.reasons.some((x) => x.detector === "flatline"), JSON.stringify(episode.reasons));
  // The onset, by hand: walk back from the first flagged point over the points holding the same exact value.
  const { start, step, values } = series;
  const flagged = (episode.detectedAt - start) / step;
  let onset = flagged;
  while (onset > 0 && (values[onset - 1] === values[flagged] || Number.isNaN(values[onset - 1]))) onset--;
  while (Number.isNaN(values[onset])) onset++;
  assert.equal(episode.start, start + onset * step);
  // The generator freezes the value before the label, so the stuck run starts one step before it.
  assert.equal(episode.start, label.start - step);
  assert.ok(episode.detectedAt > episode.start, "flagged only after it had lasted a while");
});

Deno.test("detect() anomalies carry the original record fields and the explanation", () => {
  assert.ok(result.anomalies.length > 0);
  const byKey = new Map(corpus.series.map((s) => [s.key, s]));
  for (const a of result.anomalies) {
    const s = byKey.get(a.series)!;
    assert.ok(s, a.series);
    assert.equal(a.machine, s.labels.machine);
    assert.equal(a.aggregator, s.labels.aggregator);
    assert.equal(a.timestamp, new Date(a.start).toISOString());
    assert.ok(["low", "medium", "high"].includes(a.severity), a.severity);
    assert.ok(a.score >= result.threshold - 1e-3 && a.score <= 1, `score ${a.score}`);
    assert.ok(a.start <= a.detectedAt && a.detectedAt <= a.peakAt && a.peakAt <= a.end, JSON.stringify(a));
    for (const t of [a.start, a.end, a.peakAt, a.detectedAt]) {
      assert.equal((t - s.start) % s.step, 0, "on the grid");
    }
    assert.ok(a.reasons.length >= 1, "at least the detector that drove the peak");
    for (let k = 0; k < a.reasons.length; k++) {
      const r = a.reasons[k];
      assert.ok(r.detector in model.detectors, r.detector);
      assert.ok(r.score > 0 && r.score <= 1, `${r.detector} ${r.score}`);
      assert.ok(r.detail.length > 0);
      if (k > 0) assert.ok(r.score <= a.reasons[k - 1].score, "strongest first");
    }
    assert.ok(a.observed === null || typeof a.observed === "number");
    assert.ok(a.expected === null || typeof a.expected === "number");
  }
  // Sorted by start, then series.
  for (let i = 1; i < result.anomalies.length; i++) {
    const p = result.anomalies[i - 1], a = result.anomalies[i];
    assert.ok(p.start < a.start || (p.start === a.start && p.series <= a.series));
  }
  // The dropout has no value at its peak.
  const drop = result.anomalies.find((a) => overlaps(a, recent("dropout")[0]))!;
  assert.equal(drop.observed, null);
  assert.ok(drop.reasons.some((r) => r.detector === "missing_data"));
});

Deno.test("detect() does not score a too-short, all-missing, constant or other-family series", () => {
  const base = corpus.series[0];
  const odd: Series[] = [
    { ...base, key: "short", values: base.values.slice(0, 23) }, // 24 points (6 h, at least 24) needed
    { ...base, key: "missing", values: new Float64Array(960).fill(NaN) },
    { ...base, key: "constant", values: new Float64Array(960).fill(0.25) },
    { ...base, key: "other", labels: { ...base.labels, family: "cpu" } },
  ];
  odd[2].values[5] = NaN; // a gap does not make a constant series scoreable
  const r = detect(model, [...odd, corpus.series[1]]);
  assert.deepEqual(r.notes.map((n) => [n.series, n.reason]), [
    ["short", "too_short"],
    ["missing", "all_missing"],
    ["constant", "constant"],
    ["other", "other_family"],
  ]);
  for (const n of r.notes) assert.ok(n.detail.length > 0, n.series);
  assert.equal(r.notes[0].detail, "23 points; scoring needs at least 24 (24 h of history)");
  assert.equal(r.notes[1].detail, "all 960 points are missing");
  assert.equal(r.notes[2].detail, "constant at 0.25 for all 959 valid points (not seen in training)");
  assert.equal(r.scored, 1);
  assert.ok(r.anomalies.every((a) => a.series === corpus.series[1].key));
});

Deno.test("detect() scores a series on another step at its own step, and says which baselines judged it", () => {
  // The model is hourly; the same shape at 7 minutes (for 4.4 days) is scored as it is, not averaged.
  const base = corpus.series[0];
  const seven: Series = { ...base, key: "seven", step: 7 * 60_000, values: base.values.slice(0, 900) };
  const r = detect(model, [seven], { keepScores: true });
  assert.equal(r.scored, 1);
  assert.equal(r.scores!.get("seven")!.series.step, 7 * 60_000);
  assert.equal(r.scores!.get("seven")!.scores.combined.length, 900);
  assert.deepEqual(r.notes.map((n) => n.reason), ["short_history", "other_step"]);
  assert.equal(
    r.notes[0].detail,
    "4.4 d of history: scored against the recent past and the 1–3 d lags (their median, carried over the " +
      "family's weekly rhythm); the 7 d and 14 d lags join at 15 days; level shift and stall from 3 days",
  );
  // Level shift's CUSUM is calibrated at the model's step only: left out at 7 minutes, and the note says so.
  assert.equal(
    r.notes[1].detail,
    "scored at a 7 min step with a model trained at 1 h: level shift left out (its calibration holds at 1 h " +
      "only; train at 7 min to use it)",
  );
  const scores = r.scores!.get("seven")!.scores;
  const ls = scores.names.indexOf("level_shift");
  assert.ok(ls >= 0 && scores.raw[ls].some((x) => x > 0), "level shift's raw score is computed");
  assert.ok(scores.logP[ls].every((x) => Number.isNaN(x)), "but not calibrated");
  // At the model's step the same detector is calibrated and no note is added for the step.
  const atHour = detect(model, [{ ...base, key: "hour" }], { keepScores: true });
  assert.ok(!atHour.notes.some((n) => n.reason === "other_step"));
  assert.ok(atHour.scores!.get("hour")!.scores.logP[ls].some((x) => x === x));
  // A model that has not seen a week of the fleet does not know the weekly rhythm, and says so.
  const unknown = {
    ...model,
    detectors: { ...model.detectors, level_shift: { ...model.detectors.level_shift, weekly: null } },
  };
  assert.match(
    detect(unknown, [seven]).notes[0].detail,
    /the 1–3 d lags \(their median\); .*level shift and stall with them, so a weekly rhythm may look unusual/,
  );
  // A day: the recent past only.
  const day = detect(model, [{ ...base, key: "day", values: base.values.slice(0, 30) }]);
  assert.match(day.notes[0].detail, /^30 h of history: scored against the recent past only/);
});

Deno.test("detect() scores a series stuck all along when it varied in training, and dates it from the start", () => {
  // The same key as a training series that varied: constant now means stuck, so it is scored and flatline fires.
  const trained = corpus.series[0];
  const stuck: Series = { ...trained, values: new Float64Array(trained.values.length).fill(0.0123) };
  const r = detect(model, [stuck]);
  assert.deepEqual(r.notes, []);
  assert.equal(r.scored, 1);
  const episode = r.anomalies.find((a) => a.reasons.some((x) => x.detector === "flatline"));
  assert.ok(episode, JSON.stringify(r.anomalies.map((a) => a.reasons)));
  assert.equal(episode.start, stuck.start, "the stuck run began with the series");
  // A key the model never saw, constant: nothing to say it changed, so a note and no score.
  const unseen = detect(model, [{ ...stuck, key: "never.trained" }]);
  assert.deepEqual(unseen.notes.map((n) => n.reason), ["constant"]);
});

Deno.test("detect() filters episodes with from and until", () => {
  const from = END - 2 * DAY, until = END - 10 * DAY;
  const late = detect(model, corpus.series, { from });
  assert.deepEqual(late.anomalies, result.anomalies.filter((a) => a.end >= from));
  assert.ok(late.anomalies.length >= 3 && late.anomalies.length < result.anomalies.length);
  const early = detect(model, corpus.series, { until });
  assert.deepEqual(early.anomalies, result.anomalies.filter((a) => a.start <= until));
  assert.ok(early.anomalies.length >= 1);
  assert.ok(early.anomalies.every((a) => a.start <= until));
  const none = detect(model, corpus.series, { from, until });
  assert.deepEqual(none.anomalies, []);
});

Deno.test("detect() uses the profile's threshold or an explicit one within 0..1", () => {
  const fam = model.families.presence;
  assert.equal(result.profile, "strict");
  assert.equal(result.threshold, fam.thresholds.strict);
  const permissive = detect(model, corpus.series, { profile: "permissive" });
  assert.equal(permissive.threshold, fam.thresholds.permissive);
  // A lower threshold flags every point the strict one flags: each strict episode overlaps a permissive one.
  for (const a of result.anomalies) {
    assert.ok(
      permissive.anomalies.some((b) => b.series === a.series && b.start <= a.end && b.end >= a.start),
    );
  }
  assert.equal(detect(model, corpus.series, { threshold: 0.9 }).threshold, 0.9);
  for (const threshold of [1.01, -0.1, NaN]) {
    assert.throws(() => detect(model, corpus.series, { threshold }), {
      name: "RangeError",
      message: `Cannot detect: the threshold must be within 0..1, current value is ${threshold}`,
    });
  }
});

Deno.test("detect() with a threshold of 1 reports nothing (scores never saturate), just under 1 the strongest", () => {
  assert.equal(detect(model, corpus.series, { threshold: 1 }).anomalies.length, 0);
  const scores = result.anomalies.map((a) => a.score).sort((a, b) => b - a);
  assert.ok(scores[0] < 1 && scores[0] > scores[scores.length - 1], JSON.stringify(scores));
  const r = detect(model, corpus.series, { threshold: scores[0] - 0.01, singlePointMargin: 0 });
  assert.ok(r.anomalies.length >= 1 && r.anomalies.length < result.anomalies.length, JSON.stringify(scores));
  assert.ok(r.anomalies.every((a) => a.score >= scores[0] - 0.011));
});

Deno.test("detect() episode options: a wider gap merges, a long minimum duration drops blips", () => {
  // With no blip dropped (a merged pair of blips can be long enough to be kept), a wider gap only merges.
  const keepAll = { minDuration: 0, singlePointMargin: 0 };
  const merged = detect(model, corpus.series, { episodeGap: 40 * DAY, ...keepAll });
  const apart = detect(model, corpus.series, keepAll).anomalies;
  // Some series has two episodes (else nothing could merge).
  assert.ok(new Set(apart.map((a) => a.series)).size < apart.length);
  assert.ok(merged.anomalies.length < apart.length);
  const perSeries = new Map<string, number>();
  for (const a of merged.anomalies) perSeries.set(a.series, (perSeries.get(a.series) ?? 0) + 1);
  // With a gap as long as the 40-day series, all of a series' flagged points make one episode.
  for (const [key, count] of perSeries) assert.equal(count, 1, `${key}: ${count}`);
  // A short episode needs score ≥ threshold + margin · (1 − threshold), unless 3 of its points crossed the
  // threshold (then it is a run, not a blip).
  const margin = 0.3;
  const strictShort = detect(model, corpus.series, {
    minDuration: 1000 * DAY,
    singlePointMargin: margin,
    keepScores: true,
  });
  const strong = result.threshold + margin * (1 - result.threshold);
  assert.ok(strictShort.anomalies.length < result.anomalies.length);
  const over = (a: (typeof result.anomalies)[number]) => {
    const { series, scores } = strictShort.scores!.get(a.series)!;
    let n = 0;
    for (let t = a.start; t <= a.end; t += series.step) {
      if (scores.combined[(t - series.start) / series.step] >= result.threshold) n++;
    }
    return n;
  };
  let runs = 0;
  for (const a of strictShort.anomalies) {
    if (a.score >= strong - 1e-3) continue;
    runs++;
    assert.ok(over(a) >= BLIP_POINTS, `${a.series} ${a.timestamp}: score ${a.score}, ${over(a)} points over`);
  }
  // Runs are kept: without the rule, only the strong ones would be.
  assert.ok(runs > 0, `${strictShort.anomalies.length} kept, none a weak run`);
});

Deno.test("episodeVerdict(): a short episode with three points over the threshold is a run, not a blip", () => {
  const options = { minDuration: 2 * 3_600_000, singlePointMargin: 0.1, digits: 8 };
  // 20 minutes at 1 minute, peak just over the threshold: one or two points crossing is a blip, three a run.
  assert.equal(episodeVerdict(0.41, 20 * 60_000, 0.4, options, 1), undefined);
  assert.equal(episodeVerdict(0.41, 20 * 60_000, 0.4, options, 2), undefined);
  assert.equal(episodeVerdict(0.41, 20 * 60_000, 0.4, options, BLIP_POINTS), "low");
  // Strong enough, a single point stands; long enough, so does a weak one.
  assert.equal(episodeVerdict(0.47, 20 * 60_000, 0.4, options, 1), "medium"); // 1.8 decades over
  assert.equal(episodeVerdict(0.41, 3 * 3_600_000, 0.4, options, 1), "medium");
});

Deno.test("detect() is deterministic and does not modify its input", () => {
  const before = corpus.series.map((s) => s.values.slice());
  assert.deepEqual(detect(model, corpus.series), result);
  corpus.series.forEach((s, i) => assert.deepEqual([...s.values], [...before[i]]));
  assert.ok(result.anomalies.every((a) => a.start >= corpus.series[0].start && a.end < END));
});

Deno.test("detect() reports the expected value the model's seasonal_lag scored against (its lags, its minLags)", () => {
  // A model whose seasonal lag may use the 1-day lag alone, on three days of data: the default expectation
  // (two lags) would be missing everywhere, the model's is not.
  const history = generateCorpus({
    shards: 2,
    days: 16,
    aggregators: ["A"],
    seed: 8,
    recent: false,
    weekly: false,
  });
  const one = train(history.series, { detectorOptions: { seasonal_lag: { minLags: 1 } } });
  const short = generateCorpus({ shards: 2, days: 3, aggregators: ["A"], seed: 9, weekly: false });
  const found = detect(one, short.series, { threshold: 0.3 }).anomalies.filter((a) => a.observed !== null);
  assert.ok(found.length > 0, "something to explain");
  for (const a of found) {
    assert.ok(a.start >= short.series[0].start + DAY, "scored only where the 1-day lag exists");
    assert.equal(typeof a.expected, "number", `${a.series} at ${a.timestamp}: expected ${a.expected}`);
  }
});

Deno.test("detect() ids: the same episode has the same id across windows and history lengths, others differ", () => {
  const { crop } = {
    crop: (s: Series, days: number) => ({
      ...s,
      start: s.start + days * DAY,
      values: s.values.slice(Math.round((days * DAY) / s.step)),
    }),
  };
  const long = result.anomalies.find((a) => a.end - a.start >= 2 * 3_600_000 && a.start >= END - 2 * DAY);
  assert.ok(long, "an episode of two hours or more in the last two days");
  // A window that begins in the middle of that episode still reports it under its id (it began before).
  const mid = detect(model, corpus.series, { from: long.start + 3_600_000 });
  const again = mid.anomalies.find((a) =>
    a.series === long.series && a.start <= long.end && a.end >= long.start
  );
  assert.ok(again && again.start === long.start, "reported from its onset");
  assert.equal(again.id, long.id);
  // Three days less history before it (another fetch, another run): the same ids for the last day's episodes.
  const shorter = detect(model, corpus.series.map((s) => crop(s, 3)), { from: END - DAY });
  const lastDay = result.anomalies.filter((a) => a.end >= END - DAY);
  assert.ok(lastDay.length >= 4);
  assert.deepEqual(shorter.anomalies.map((a) => a.id).sort(), lastDay.map((a) => a.id).sort());
  // Every episode has its own.
  assert.equal(new Set(result.anomalies.map((a) => a.id)).size, result.anomalies.length);
  assert.ok(result.anomalies.every((a) => /^a-[0-9a-z]{11}$/.test(a.id)));
});

Deno.test("detect() keeps nothing derived from a series once it is scored, and scores the same again", () => {
  const { series } = generateCorpus({ shards: 2, days: 16, step: 60 * 60_000, seed: 5 });
  const model = train(series);
  const first = detect(model, series);
  for (const s of series) assert.equal(derivedOf(s.values).size, 0, s.key);
  const again = detect(model, series);
  assert.deepEqual(again, first);
  assert.ok(first.scored === series.length && first.anomalies.length > 0);
});

Deno.test("detect()'s short-history note says when rhythm_loss, asked for by name, starts judging", () => {
  const withShape = train(corpus.series, { detectors: ["robust_z", "seasonal_lag", "rhythm_loss"] });
  assert.ok(withShape.detectors.rhythm_loss);
  const short = { ...corpus.series[0], values: corpus.series[0].values.slice(0, 3 * 24) };
  const note = (m: typeof model) =>
    detect(m, [short]).notes.find((n) => n.reason === "short_history")!.detail;
  assert.match(note(withShape), /; the usual daily shape \(rhythm loss\) from 4 days$/);
  assert.doesNotMatch(note(model), /rhythm loss/); // not in the default ensemble
  const longer = { ...short, values: corpus.series[0].values.slice(0, 5 * 24) };
  assert.doesNotMatch(detect(withShape, [longer]).notes[0].detail, /rhythm loss/); // already judging
});
