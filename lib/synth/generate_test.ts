import assert from "node:assert/strict";
import type { Series } from "../series/types.ts";
import { type AnomalyLabel, generateCorpus } from "./generate.ts";
import { ANOMALY_KINDS, PRESENCE_AGGREGATORS } from "../presence.ts";

const HOUR = 3_600_000;
const DAY = 86_400_000;
const corpus = generateCorpus();
const { end } = corpus.options;

function seriesOf(label: AnomalyLabel): Series {
  const series = corpus.series.find((s) => s.key === label.series);
  assert.ok(series, `no series for label ${label.series}`);
  return series;
}

function slice(label: AnomalyLabel, series = seriesOf(label)): Float64Array {
  return series.values.slice(
    (label.start - series.start) / series.step,
    (label.end - series.start) / series.step + 1,
  );
}

function median(xs: number[]): number {
  const sorted = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** A mask of the points inside any label (plus `pad` points after it) of one series. */
function labelMask(series: Series, pad = 0): Uint8Array {
  const mask = new Uint8Array(series.values.length);
  for (const label of corpus.labels.filter((l) => l.series === series.key)) {
    const a = (label.start - series.start) / series.step;
    const b = (label.end - series.start) / series.step;
    mask.fill(1, a, Math.min(mask.length, b + 1 + pad));
  }
  return mask;
}

Deno.test("generateCorpus() defaults: 6 shards × 6 aggregators, 182 hourly days ending 2026-11-24", () => {
  assert.equal(corpus.series.length, 36);
  assert.deepEqual(corpus.options, {
    seed: 42,
    shards: 6,
    days: 182,
    step: HOUR,
    end: Date.UTC(2026, 10, 24),
    aggregators: [...PRESENCE_AGGREGATORS],
    anomalyRate: 1,
    recent: true,
    cleanDays: 21,
    weekly: true,
  });
  const machines = new Set(corpus.series.map((s) => s.labels.machine));
  assert.deepEqual([...machines], [0, 1, 2, 3, 4, 5].map((i) => `n${200 + i}-primary-meraki-com`));
  for (const s of corpus.series) {
    assert.equal(s.values.length, 182 * 24);
    assert.equal(s.step, HOUR);
    assert.equal(s.start, end - 182 * DAY);
    assert.equal(
      s.key,
      `statsd.${s.labels.machine}.gauges.aggregator.agg_length_behind_ratio.${s.labels.aggregator}`,
    );
    assert.deepEqual(Object.keys(s.labels).sort(), ["aggregator", "family", "machine"]);
    assert.equal(s.labels.family, "presence");
    assert.ok(PRESENCE_AGGREGATORS.includes(s.labels.aggregator));
  }
  assert.equal(new Set(corpus.series.map((s) => s.key)).size, 36);
});

Deno.test("generateCorpus() is deterministic: same seed, same corpus; another seed, another corpus", () => {
  const options = { shards: 2, days: 40, aggregators: PRESENCE_AGGREGATORS.slice(0, 3) };
  const a = generateCorpus({ ...options, seed: 5 });
  const b = generateCorpus({ ...options, seed: 5 });
  const c = generateCorpus({ ...options, seed: 6 });
  assert.deepEqual(a, b);
  assert.deepEqual(generateCorpus().labels, corpus.labels);
  assert.notDeepEqual(a.series[0].values, c.series[0].values);
  assert.notDeepEqual(a.labels, c.labels);
});

Deno.test("generateCorpus() values are finite, non-negative fractions, NaN only where missing", () => {
  for (const s of corpus.series) {
    let missing = 0;
    for (const v of s.values) {
      if (Number.isNaN(v)) {
        missing++;
        continue;
      }
      assert.ok(Number.isFinite(v) && v >= 0 && v < 5, `${s.key}: ${v}`);
    }
    assert.ok(missing < s.values.length / 10, `${s.key}: ${missing} missing`);
  }
});

Deno.test("generateCorpus() shard sizes differ by about an order of magnitude", () => {
  const medians = corpus.series.map((s) => median([...s.values]));
  for (const m of medians) assert.ok(m > 0.001 && m < 0.08, `median ${m}`);
  const ratio = Math.max(...medians) / Math.min(...medians);
  assert.ok(ratio > 5 && ratio < 60, `max/min median ${ratio}`);
});

Deno.test("generateCorpus() normal data has a business-hours daily rhythm and lower weekends", () => {
  for (const s of corpus.series) {
    const mask = labelMask(s, 48);
    const byHour = Array.from({ length: 24 }, () => [] as number[]);
    const weekday: number[] = [];
    const weekend: number[] = [];
    s.values.forEach((v, i) => {
      if (mask[i] || Number.isNaN(v)) return;
      const t = s.start + i * s.step;
      byHour[new Date(t).getUTCHours()].push(v);
      const dow = new Date(t).getUTCDay();
      (dow === 0 || dow === 6 ? weekend : weekday).push(v);
    });
    const means = byHour.map((xs) => xs.reduce((a, b) => a + b, 0) / xs.length);
    const afternoon = (means[14] + means[15] + means[16]) / 3;
    const night = (means[2] + means[3] + means[4]) / 3;
    assert.ok(afternoon > 1.5 * night, `${s.key}: 14–16 UTC ${afternoon} vs 02–04 UTC ${night}`);
    assert.ok(median(weekend) < 0.9 * median(weekday), `${s.key}: weekend ${median(weekend)}`);
  }
});

Deno.test("generateCorpus() weekly: false gives weekends the weekdays' level, the rest unchanged", () => {
  const flat = generateCorpus({ shards: 2, days: 28, weekly: false, recent: false, anomalyRate: 0 });
  const weekly = generateCorpus({ shards: 2, days: 28, recent: false, anomalyRate: 0 });
  flat.series.forEach((s, k) => {
    const split = (series: typeof s) => {
      const weekday: number[] = [], weekend: number[] = [];
      series.values.forEach((v, i) => {
        if (Number.isNaN(v)) return;
        const dow = new Date(series.start + i * series.step).getUTCDay();
        (dow === 0 || dow === 6 ? weekend : weekday).push(v);
      });
      return median(weekend) / median(weekday);
    };
    const ratio = split(s);
    assert.ok(ratio > 0.9 && ratio < 1.1, `${s.key}: weekend / weekday ${ratio}`);
    assert.ok(split(weekly.series[k]) < 0.9 * ratio, `${s.key} with the weekly rhythm`);
    // Same seed, same shapes: a Wednesday is the same with or without the weekly rhythm.
    const wed = s.values.findIndex((_, i) => new Date(s.start + i * s.step).getUTCDay() === 3);
    assert.equal(s.values[wed + 5], weekly.series[k].values[wed + 5]);
  });
});

Deno.test("generateCorpus() has unlabelled isolated missing points and harmless bumps", () => {
  let isolated = 0;
  for (const s of corpus.series) {
    const mask = labelMask(s);
    const v = s.values;
    for (let i = 1; i < v.length - 1; i++) {
      if (Number.isNaN(v[i]) && !mask[i]) {
        assert.ok(!Number.isNaN(v[i - 1]) && !Number.isNaN(v[i + 1]), `${s.key} index ${i}: a run of NaN`);
        isolated++;
      }
    }
  }
  // About one per ten days per series: 36 series × 182 days / 10 ≈ 650.
  assert.ok(isolated > 300 && isolated < 1000, `isolated NaN ${isolated}`);
});

Deno.test("generateCorpus() labels lie on the grid, in order, apart and after the clean weeks", () => {
  const cleanEnd = end - 182 * DAY + 21 * DAY;
  for (let k = 1; k < corpus.labels.length; k++) {
    assert.ok(corpus.labels[k - 1].start <= corpus.labels[k].start, "labels sorted by start");
  }
  for (const label of corpus.labels) {
    const s = seriesOf(label);
    assert.equal(label.machine, s.labels.machine);
    assert.equal(label.aggregator, s.labels.aggregator);
    assert.ok(
      label.start >= cleanEnd,
      `${label.kind} at ${new Date(label.start).toISOString()} in clean weeks`,
    );
    assert.ok(label.start <= label.end && label.end <= end - HOUR, JSON.stringify(label));
    assert.equal((label.start - s.start) % s.step, 0);
    assert.equal((label.end - s.start) % s.step, 0);
  }
  for (const s of corpus.series) {
    const own = corpus.labels.filter((l) => l.series === s.key);
    for (let k = 1; k < own.length; k++) {
      assert.ok(own[k].start - own[k - 1].end >= DAY, `${s.key}: labels ${k - 1} and ${k} overlap or touch`);
    }
  }
});

Deno.test("generateCorpus() default corpus has every kind, spread over shards and aggregators", () => {
  assert.ok(corpus.labels.length > 150 && corpus.labels.length < 230, `${corpus.labels.length} labels`);
  for (const kind of ANOMALY_KINDS) {
    const own = corpus.labels.filter((l) => l.kind === kind);
    assert.ok(own.length >= 20, `${kind}: ${own.length}`);
    assert.ok(new Set(own.map((l) => l.machine)).size >= 4, `${kind} machines`);
    assert.ok(new Set(own.map((l) => l.aggregator)).size >= 4, `${kind} aggregators`);
  }
});

Deno.test("generateCorpus() recent: a stall, a spike, a flatline and a dropout in the final 24 h", () => {
  const recent = corpus.labels.filter((l) => l.start >= end - DAY);
  assert.deepEqual(recent.map((l) => l.kind).sort(), ["dropout", "flatline", "spike", "stall"]);
  assert.equal(new Set(recent.map((l) => l.machine)).size, 4);
  assert.equal(new Set(recent.map((l) => l.aggregator)).size, 4);
  for (const label of recent) assert.ok(label.end <= end - HOUR);
  const stall = recent.find((l) => l.kind === "stall")!;
  assert.equal(stall.end, end - HOUR, "the recent stall is still climbing at the end");
  // Nothing else within the 4 days before the final day on those series.
  for (const label of recent) {
    const others = corpus.labels.filter((l) => l.series === label.series && l !== label);
    for (const other of others) assert.ok(other.end < end - 5 * DAY, JSON.stringify(other));
  }
});

Deno.test("generateCorpus() recent: false plants nothing in the final day; anomalyRate 0 plants only recent ones", () => {
  const quiet = generateCorpus({ shards: 3, days: 30, anomalyRate: 0, recent: false });
  assert.deepEqual(quiet.labels, []);
  const live = generateCorpus({ shards: 3, days: 30, anomalyRate: 0 });
  assert.equal(live.labels.length, 4);
  for (const label of live.labels) assert.ok(label.start >= live.options.end - DAY);
  const one = generateCorpus({ shards: 1, days: 30, anomalyRate: 0, aggregators: ["a", "b"] });
  assert.deepEqual(one.labels.map((l) => l.kind).sort(), ["spike", "stall"]);
});

Deno.test("generateCorpus() flatline labels hold one exact constant, the last value before", () => {
  const flatlines = corpus.labels.filter((l) => l.kind === "flatline");
  for (const label of flatlines) {
    const s = seriesOf(label);
    const values = slice(label, s);
    const i = (label.start - s.start) / s.step;
    assert.ok(values.length >= 6, `${values.length} points`);
    assert.ok(values.every((v) => v === values[0]) && !Number.isNaN(values[0]), `${label.series} ${values}`);
    assert.equal(s.values[i - 1], values[0]);
    const after = s.values[i + values.length];
    if (after !== undefined) assert.notEqual(after, values[0]);
  }
});

Deno.test("generateCorpus() dropout labels are all NaN, with data on both sides", () => {
  for (const label of corpus.labels.filter((l) => l.kind === "dropout")) {
    const s = seriesOf(label);
    const values = slice(label, s);
    const i = (label.start - s.start) / s.step;
    assert.ok(values.length >= 4 && values.length <= 24, `${values.length} points`);
    assert.ok(values.every(Number.isNaN), label.series);
    assert.ok(!Number.isNaN(s.values[i - 1]) && !Number.isNaN(s.values[i + values.length]));
  }
});

/** The median of the same time of week over the three weeks before index `i`, skipping labelled points. */
function weeklyBaseline(s: Series, i: number, mask = labelMask(s)): number {
  const week = (7 * DAY) / s.step;
  return median([1, 2, 3].map((k) => i - k * week).filter((j) => j >= 0 && !mask[j]).map((j) => s.values[j]));
}

Deno.test("generateCorpus() spikes, stalls and level shifts stand far above the same hours in earlier weeks", () => {
  const cases = [
    { kind: "spike", minPoints: 1, maxPoints: 3, ratio: 4 },
    { kind: "stall", minPoints: 3, maxPoints: 13, ratio: 4 },
    { kind: "level_shift", minPoints: 24, maxPoints: 96, ratio: 2.2 },
  ] as const;
  for (const { kind, minPoints, maxPoints, ratio } of cases) {
    const labels = corpus.labels.filter((l) => l.kind === kind);
    assert.ok(labels.length > 0, kind);
    for (const label of labels) {
      const s = seriesOf(label);
      const mask = labelMask(s);
      const values = [...slice(label, s)];
      const i = (label.start - s.start) / s.step;
      assert.ok(values.length >= minPoints && values.length <= maxPoints, `${kind}: ${values.length} points`);
      const ratios = values.map((v, k) => v / weeklyBaseline(s, i + k, mask));
      const observed = kind === "level_shift" ? median(ratios) : Math.max(...ratios);
      assert.ok(observed > ratio, `${kind} ${label.series} ${label.start}: ${observed}× the earlier weeks`);
    }
  }
});

Deno.test("generateCorpus() stalls climb steadily to their peak", () => {
  const stalls = corpus.labels.filter((l) => l.kind === "stall");
  assert.ok(stalls.length > 0);
  for (const label of stalls) {
    const values = [...slice(label)];
    const peak = values.indexOf(Math.max(...values));
    assert.ok(peak >= values.length - 2, `peak at ${peak} of ${values.length}`);
    for (let k = 1; k <= peak; k++) assert.ok(values[k] > values[k - 1] * 0.95, `${label.series}: ${values}`);
    assert.ok(values[peak] > 1.5 * values[0], `${label.series}: ${values}`);
  }
});

Deno.test("generateCorpus() rhythm_loss flattens the daily rhythm", () => {
  /** max/min of the hour-of-day means over 48 points from index `from`. */
  const spread = (s: Series, from: number) => {
    const byHour = Array.from({ length: 24 }, () => [] as number[]);
    for (let k = 0; k < 48; k++) {
      const v = s.values[from + k];
      if (!Number.isNaN(v)) byHour[(from + k) % 24].push(v);
    }
    const means = byHour.filter((h) => h.length > 0).map((h) => h.reduce((a, b) => a + b, 0) / h.length);
    return Math.max(...means) / Math.min(...means);
  };
  const losses = corpus.labels.filter((l) => l.kind === "rhythm_loss");
  assert.ok(losses.length > 0);
  for (const label of losses) {
    const s = seriesOf(label);
    const i = (label.start - s.start) / s.step;
    const points = (label.end - label.start) / s.step + 1;
    assert.ok(points >= 48 && points <= 96, `${points} points`);
    const during = spread(s, i);
    const normal = median([1, 2, 3].map((k) => spread(s, i - k * 7 * 24)));
    assert.ok(normal > 1.8, `${label.series}: normal hourly spread ${normal}`);
    assert.ok(
      during < Math.min(2, normal),
      `${label.series}: hourly spread ${during} vs ${normal} in earlier weeks`,
    );
  }
});

Deno.test("generateCorpus() scales durations with a finer step", () => {
  const fine = generateCorpus({
    shards: 2,
    days: 60,
    step: 60_000,
    aggregators: ["a", "b", "c"],
    anomalyRate: 2,
  });
  const points = (l: AnomalyLabel) => (l.end - l.start) / 60_000 + 1;
  assert.equal(fine.series[0].values.length, 60 * 1440);
  const kinds = new Set(fine.labels.map((l) => l.kind));
  assert.ok(kinds.size >= 5, [...kinds].join());
  for (const label of fine.labels) {
    const n = points(label);
    if (label.kind === "spike") assert.ok(n >= 1 && n <= 10, `spike ${n}`);
    if (label.kind === "dropout") assert.ok(n >= 4 * 60 && n <= 24 * 60 + 1, `dropout ${n}`);
    if (label.kind === "flatline") {
      assert.ok(n >= 6 * 60 || label.start >= fine.options.end - DAY, `flatline ${n}`);
    }
  }
});

Deno.test("generateCorpus() rejects bad options with a clear message", () => {
  const cases: [Parameters<typeof generateCorpus>[0], string, string][] = [
    [{ seed: 1.5 }, "RangeError", "seed must be a safe integer, current value is 1.5"],
    [{ shards: 0 }, "RangeError", "shards must be an integer from 1 to 1000, current value is 0"],
    [{ step: 500 }, "RangeError", "step must be an integer number of ms from 1000 (1 s) to 3600000 (1 h)"],
    [
      { days: -1 },
      "RangeError",
      "days must be a positive number giving at least 2 points, current value is -1",
    ],
    [{ end: NaN }, "RangeError", "end must be an integer epoch ms, current value is NaN"],
    [{ anomalyRate: -1 }, "RangeError", "anomalyRate must be a finite number >= 0, current value is -1"],
    [{ step: 1000 }, "RangeError", "the corpus must hold at most 50000000 points"],
    [{ aggregators: [] }, "TypeError", "aggregators must be a non-empty array"],
    [{ aggregators: ["a", "a"] }, "TypeError", 'without "/", current value is "a"'],
    [{ aggregators: ["x/y"] }, "TypeError", 'current value is "x/y"'],
  ];
  for (const [options, name, detail] of cases) {
    assert.throws(() => generateCorpus(options), (err: Error) => {
      assert.equal(err.name, name);
      assert.ok(err.message.startsWith("Cannot generate corpus: "), err.message);
      assert.ok(err.message.includes(detail), `${err.message} lacks ${detail}`);
      return true;
    });
  }
});
