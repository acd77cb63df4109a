import assert from "node:assert/strict";
import { fleetIncidents } from "./fleet_incidents.ts";
import type { Anomaly, Severity } from "../detect/types.ts";
import { createRng } from "../prng.ts";
import { generateCorpus } from "../synth/generate.ts";
import { train } from "../model/train.ts";
import { detect } from "../detect/detect.ts";
import { crop } from "../series/crop.ts";
import { episodeId } from "../detect/anomaly_id.ts";

const MIN = 60_000, H = 3_600_000, D = 86_400_000;
const T0 = Date.UTC(2026, 10, 20);

const anomaly = (
  machine: string,
  start: number,
  end = start + H,
  { aggregator = "A", severity = "low" as Severity, score = 0.7 } = {},
): Anomaly => ({
  machine,
  aggregator,
  timestamp: new Date(start).toISOString(),
  severity,
  id: episodeId(
    "anomaly",
    `statsd.${machine}.gauges.aggregator.agg_length_behind_ratio.${aggregator}`,
    start,
  ),
  series: `statsd.${machine}.gauges.aggregator.agg_length_behind_ratio.${aggregator}`,
  start,
  end,
  detectedAt: start,
  peakAt: start,
  score,
  observed: 1,
  expected: 0.1,
  reasons: [],
});
const shard = (i: number) => `n${200 + i}-primary-meraki-com`;

Deno.test("fleetIncidents() reports 30 of 100 shards stalling together as one incident", () => {
  const rng = createRng(1);
  const list = Array.from({ length: 30 }, (_, i) => {
    const start = T0 + 10 * H + rng.int(0, 40) * MIN;
    return anomaly(shard(i), start, start + rng.int(2, 5) * H, {
      severity: i === 7 ? "high" : "low",
      score: i === 7 ? 0.97 : 0.8,
    });
  });
  const incidents = fleetIncidents(list, { fleetSize: 100 });
  assert.equal(incidents.length, 1);
  const [inc] = incidents;
  assert.equal(inc.aggregator, "A");
  assert.deepEqual(inc.machines, Array.from({ length: 30 }, (_, i) => shard(i)).sort());
  assert.deepEqual(inc.series, inc.machines.map((m) => list.find((a) => a.machine === m)!.series));
  assert.equal(inc.start, Math.min(...list.map((a) => a.start)));
  assert.equal(inc.end, Math.max(...list.map((a) => a.end)));
  assert.equal(inc.timestamp, new Date(inc.start).toISOString());
  assert.equal(inc.fleetSize, 100);
  assert.equal(inc.fraction, 0.3);
  assert.equal(inc.severity, "high");
  assert.equal(inc.score, 0.97);
  assert.match(
    inc.detail,
    /^30 of 100 shards \(30 %\) of A anomalous on 2026-11-20 between 10:\d\d and \d\d:\d\d UTC/,
  );
  assert.match(inc.detail, /up to 30 within one 1 h window$/);
});

Deno.test("fleetIncidents() grades an incident of low-severity anomalies medium", () => {
  const list = Array.from({ length: 20 }, (_, i) => anomaly(shard(i), T0 + i * MIN));
  const [inc] = fleetIncidents(list, { fleetSize: 100 });
  assert.equal(inc.severity, "medium");
});

Deno.test("fleetIncidents() ignores the same number of anomalies scattered across the day", () => {
  const rng = createRng(2);
  // 30 one-hour anomalies on 30 shards at random minutes of one day: about 1.3 active at a time.
  const list = Array.from({ length: 30 }, (_, i) => {
    const start = T0 + rng.int(0, 23 * 60) * MIN;
    return anomaly(shard(i), start, start + H);
  });
  assert.deepEqual(fleetIncidents(list, { fleetSize: 100 }), []);
  // The same anomalies squeezed into one hour do make an incident: the test can fail.
  const squeezed = list.map((a, i) => anomaly(a.machine, T0 + i * MIN, T0 + i * MIN + H));
  assert.equal(fleetIncidents(squeezed, { fleetSize: 100 }).length, 1);
});

Deno.test("fleetIncidents() ignores simultaneous anomalies spread over different aggregators", () => {
  const aggregators = ["A", "B", "C", "D", "E", "F"];
  // 30 anomalies at the same time, 5 shards on each of six aggregators.
  const list = Array.from(
    { length: 30 },
    (_, i) => anomaly(shard(i), T0, T0 + 2 * H, { aggregator: aggregators[i % 6] }),
  );
  assert.deepEqual(fleetIncidents(list, { fleetSize: 100, minShards: 6 }), []);
  assert.equal(fleetIncidents(list, { fleetSize: 100, minShards: 5 }).length, 6);
});

Deno.test("fleetIncidents() counts distinct shards, not anomalies", () => {
  // 10 shards with 3 anomalies each in the same hour: 30 anomalies, 10 shards.
  const list = Array.from(
    { length: 30 },
    (_, i) => anomaly(shard(i % 10), T0 + i * MIN, T0 + i * MIN + 5 * MIN),
  );
  assert.deepEqual(fleetIncidents(list, { fleetSize: 100, minShards: 11 }), []);
  const [inc] = fleetIncidents(list, { fleetSize: 100, minShards: 10 });
  assert.equal(inc.machines.length, 10);
  assert.equal(inc.series.length, 10);
});

Deno.test("fleetIncidents() counts anomalies that are still active, not only where they start", () => {
  // 20 long stalls starting an hour apart, all still going at 20:00: the start times alone never meet in one
  // window, the intervals do.
  const list = Array.from({ length: 20 }, (_, i) => anomaly(shard(i), T0 + i * H, T0 + 22 * H));
  const [inc, ...more] = fleetIncidents(list, { fleetSize: 100 });
  assert.equal(more.length, 0);
  assert.equal(inc.machines.length, 20);
  assert.equal(inc.start, T0);
  assert.equal(inc.end, T0 + 22 * H);
  // Point anomalies at the same start times are scattered.
  const points = list.map((a) => anomaly(a.machine, a.start, a.start));
  assert.deepEqual(fleetIncidents(points, { fleetSize: 100 }), []);
});

Deno.test("fleetIncidents() merges consecutive qualifying windows and splits separate waves", () => {
  // A rolling incident: 60 shards, each anomalous for 30 min, one new shard a minute apart for an hour — about
  // 30 active at any time, so every window qualifies: one incident.
  const rolling = Array.from(
    { length: 60 },
    (_, i) => anomaly(shard(i), T0 + i * MIN, T0 + i * MIN + 30 * MIN),
  );
  const [one, ...more] = fleetIncidents(rolling, { fleetSize: 100 });
  assert.equal(more.length, 0);
  assert.equal(one.machines.length, 60);
  // Two waves of 20 shards, 6 h apart: two incidents, each with its own shards.
  const waves = [
    ...Array.from({ length: 20 }, (_, i) => anomaly(shard(i), T0 + i * MIN)),
    ...Array.from({ length: 20 }, (_, i) => anomaly(shard(20 + i), T0 + 6 * H + i * MIN)),
  ];
  const [first, second, ...none] = fleetIncidents(waves, { fleetSize: 100 });
  assert.equal(none.length, 0);
  assert.deepEqual(first.machines, Array.from({ length: 20 }, (_, i) => shard(i)));
  assert.deepEqual(second.machines, Array.from({ length: 20 }, (_, i) => shard(20 + i)));
  assert.ok(first.end < second.start);
});

Deno.test("fleetIncidents() folds an anomaly into one incident only, so tails do not make a second one", () => {
  // 25 shards anomalous for an hour, 5 of them for 12 h; 10 h later 16 other shards: 21 active in one window,
  // but 5 of them are the first incident's tails.
  const list = [
    ...Array.from({ length: 25 }, (_, i) => anomaly(shard(i), T0, T0 + (i < 5 ? 12 : 1) * H)),
    ...Array.from({ length: 16 }, (_, i) => anomaly(shard(30 + i), T0 + 10 * H)),
  ];
  const [inc, ...more] = fleetIncidents(list, { fleetSize: 100 });
  assert.equal(more.length, 0);
  assert.equal(inc.machines.length, 25);
  assert.equal(inc.end, T0 + 12 * H);
  // With 20 new shards the second wave is an incident of its own.
  const bigger = [...list, ...Array.from({ length: 4 }, (_, i) => anomaly(shard(50 + i), T0 + 10 * H))];
  assert.deepEqual(fleetIncidents(bigger, { fleetSize: 100 }).map((i) => i.machines.length), [25, 20]);
});

Deno.test("fleetIncidents() bridges a dip under the floor shorter than one window", () => {
  // 20 shards for an hour, then 19 (one recovers for a while), then 20 again: shard 19's second anomaly runs on
  // to T0 + 4 h, after the others ended.
  const list = [
    ...Array.from({ length: 19 }, (_, i) => anomaly(shard(i), T0, T0 + 3 * H)),
    anomaly(shard(19), T0, T0 + H),
    anomaly(shard(19), T0 + 2 * H + 30 * MIN, T0 + 4 * H),
  ];
  // Windows [t, t + 1 h) with t in (T0 + 1 h, T0 + 1 h 30] see 19 shards: a 30-min break, bridged, so the
  // second anomaly of shard 19 is folded in too.
  const [inc, ...more] = fleetIncidents(list, { fleetSize: 100 });
  assert.equal(more.length, 0);
  assert.equal(inc.end, T0 + 4 * H);
  // With a 20-min window the break (t in (T0 + 1 h, T0 + 2 h 10]) is longer than a window: the incident ends
  // with the first run, and the second anomaly stays out (alone it is no incident).
  const [short, ...none] = fleetIncidents(list, { fleetSize: 100, window: 20 * MIN });
  assert.equal(none.length, 0);
  assert.equal(short.end, T0 + 3 * H);
});

Deno.test("fleetIncidents() counts anomalies together only within one window", () => {
  // Point anomalies: 10 shards at T0 and 10 at T0 + w are in no common window [t, t + w); at T0 + w − 1 min they are.
  const at = (offset: number) => [
    ...Array.from({ length: 10 }, (_, i) => anomaly(shard(i), T0, T0)),
    ...Array.from({ length: 10 }, (_, i) => anomaly(shard(10 + i), T0 + offset, T0 + offset)),
  ];
  assert.deepEqual(fleetIncidents(at(H), { fleetSize: 100 }), []);
  assert.equal(fleetIncidents(at(H - MIN), { fleetSize: 100 }).length, 1);
  assert.deepEqual(fleetIncidents(at(2 * H - MIN), { fleetSize: 100 }), []);
  assert.equal(fleetIncidents(at(2 * H - MIN), { fleetSize: 100, window: 2 * H }).length, 1);
});

Deno.test("fleetIncidents() takes the larger of minShards and minFraction × fleet size", () => {
  const on = (aggregator: string, n: number) =>
    Array.from({ length: n }, (_, i) => anomaly(shard(i), T0, T0 + H, { aggregator }));
  const list = [...on("A", 25), ...on("B", 25)];
  // A: max(20, ceil(0.3 × 100)) = 30 > 25; B: max(20, ceil(0.3 × 40)) = 20 ≤ 25.
  const incidents = fleetIncidents(list, { fleetSize: { A: 100, B: 40 }, minFraction: 0.3 });
  assert.deepEqual(incidents.map((i) => [i.aggregator, i.machines.length, i.fraction]), [["B", 25, 0.625]]);
  // minFraction 0.25 of 100 is exactly 25 (no floating-point round-up to 26).
  assert.equal(fleetIncidents(on("A", 25), { fleetSize: 100, minFraction: 0.25 }).length, 1);
  // A fleet smaller than minShards never has an incident... unless minShards is lowered.
  assert.deepEqual(fleetIncidents(on("A", 12), { fleetSize: 12 }), []);
  assert.equal(fleetIncidents(on("A", 12), { fleetSize: 12, minShards: 2, minFraction: 0.5 }).length, 1);
});

Deno.test("fleetIncidents() uses the series key as the shard when machine is empty", () => {
  const list = Array.from({ length: 20 }, (_, i) => ({ ...anomaly("", T0), series: `custom.${i}` }));
  const [inc] = fleetIncidents(list, { fleetSize: { A: 20 } });
  assert.equal(inc.machines.length, 20);
  assert.deepEqual(inc.series, inc.machines);
});

Deno.test("fleetIncidents() leaves anomalies without an aggregator out unless the record sizes them", () => {
  const list = Array.from({ length: 20 }, (_, i) => ({ ...anomaly(shard(i), T0), aggregator: "" }));
  assert.deepEqual(fleetIncidents(list, { fleetSize: { A: 100 } }), []);
  assert.equal(fleetIncidents(list, { fleetSize: { A: 100, "": 20 } }).length, 1);
  assert.equal(
    fleetIncidents(list, { fleetSize: 100 })[0].detail.includes("of (no aggregator) anomalous"),
    true,
  );
});

Deno.test("fleetIncidents() of nothing is empty", () => {
  assert.deepEqual(fleetIncidents([], { fleetSize: 100 }), []);
});

Deno.test("fleetIncidents() rejects bad options with a clear message", () => {
  const list = [anomaly(shard(0), T0), anomaly(shard(1), T0, T0, { aggregator: "B" })];
  const cases: Array<[unknown, unknown, RegExp, typeof TypeError | typeof RangeError]> = [
    [
      null,
      { fleetSize: 1 },
      /^Cannot find fleet incidents: anomalies must be an array, current value is object$/,
      TypeError,
    ],
    [
      list,
      { fleetSize: "100" },
      /fleetSize must be a number or a record by aggregator, current value is 100$/,
      TypeError,
    ],
    [
      list,
      { fleetSize: 100, minShards: 1 },
      /minShards must be an integer ≥ 2, current value is 1$/,
      RangeError,
    ],
    [
      list,
      { fleetSize: 100, minFraction: 1.5 },
      /minFraction must be within 0\.\.1, current value is 1\.5$/,
      RangeError,
    ],
    [list, { fleetSize: 100, window: 0 }, /window must be > 0 ms, current value is 0$/, RangeError],
    [
      list,
      { fleetSize: 0 },
      /fleet size of aggregator "A" must be an integer > 0, current value is 0$/,
      RangeError,
    ],
    [
      list,
      { fleetSize: { A: 10 } },
      /fleet size of aggregator "B" must be .*, current value is undefined$/,
      RangeError,
    ],
    [
      [anomaly(shard(0), T0), anomaly(shard(1), T0)],
      { fleetSize: 1 },
      /2 shards of aggregator "A" have anomalies but its fleet size is smaller, current value is 1$/,
      RangeError,
    ],
  ];
  for (const [anomalies, options, message, type] of cases) {
    assert.throws(
      () => fleetIncidents(anomalies as Anomaly[], options as { fleetSize: number }),
      (e: Error) => e instanceof type && message.test(e.message),
      String(message),
    );
  }
});

/** A stall on `values`: a linear climb over `climb` points from the current value to ×`peak`, then back. */
function injectStall(values: Float64Array, i0: number, climb: number, peak: number) {
  const base = values[i0 - 1];
  for (let k = 0; k < climb + 2 && i0 + k < values.length; k++) {
    const f = k < climb ? 1 + ((peak - 1) * (k + 1)) / climb : peak / (3 * (k - climb + 1));
    values[i0 + k] = Math.max(values[i0 + k], base * f);
  }
}

Deno.test("fleetIncidents() on real detections finds an injected fleet incident and not scattered anomalies", () => {
  const AGGS = ["AggA", "AggB"];
  const corpus = generateCorpus({
    shards: 100,
    days: 21,
    aggregators: AGGS,
    recent: false,
    weekly: false,
    seed: 11,
  });
  const { series, options: { end, step } } = corpus;
  assert.equal(corpus.labels.length, 0, "a clean corpus to inject into");
  // Train on the first 14 days, as a model trained last week.
  const model = train(series.map((s) => crop(s, s.start, end - 7 * D - step)));
  const keyOf = (s: number, agg: string) =>
    series.find((x) => x.labels.machine === shard(s) && x.labels.aggregator === agg)!;
  const index = (t: number) => Math.round((t - series[0].start) / step);

  // Detected episodes outlast a stall by many hours (the detectors' trailing baselines), so the three groups are
  // days apart: scattered stalls over days 7 to 4 before the end, the fleet incident 50 h before it, the
  // simultaneous stalls split over both aggregators 10 h before it.
  const rng = createRng(5);
  const order = Array.from({ length: 100 }, (_, i) => i).sort(() => rng.next() - 0.5);
  // The fleet incident: 30 shards of AggA stall together, starting within the same hour or two.
  const incidentShards = order.slice(0, 30);
  const incidentAt = end - 50 * H;
  for (const s of incidentShards) {
    injectStall(
      keyOf(s, "AggA").values,
      index(incidentAt) + rng.int(0, 1),
      4 + rng.int(0, 2),
      8 + 6 * rng.next(),
    );
  }
  // Scattered: 30 single-shard stalls on other shards, at 30 different hours over three days, on either
  // aggregator.
  const scattered: Array<{ series: string; at: number }> = [];
  for (let k = 0; k < 30; k++) {
    const at = end - 168 * H + Math.round(2.4 * k) * H;
    const s = order[30 + k], agg = AGGS[k % 2];
    injectStall(keyOf(s, agg).values, index(at), 4, 10);
    scattered.push({ series: keyOf(s, agg).key, at });
  }
  // And 30 at one time but over both aggregators (15 + 15): simultaneous, yet no aggregator reaches 20.
  const splitAt = end - 10 * H;
  for (let k = 0; k < 30; k++) {
    injectStall(keyOf(order[60 + (k >> 1)], AGGS[k % 2]).values, index(splitAt), 4, 10);
  }

  const { anomalies, scored } = detect(model, series, { from: end - 7 * D });
  assert.equal(scored, 200);
  const incidents = fleetIncidents(anomalies, { fleetSize: { AggA: 100, AggB: 100 } });
  assert.equal(incidents.length, 1, JSON.stringify(incidents.map((i) => i.detail)));
  const [inc] = incidents;
  assert.equal(inc.aggregator, "AggA");
  const expected = incidentShards.map(shard).sort();
  assert.deepEqual(inc.machines.filter((m) => expected.includes(m)), expected, "every stalled shard is in");
  // Shards with a natural anomaly overlapping the incident are in it too (here two level shifts); and a member's
  // blip hours before can merge with its stall into one episode (the model's 6 h episode gap), so the start
  // may be a little early.
  assert.ok(inc.machines.length <= 33, `at most 3 unrelated shards: ${inc.machines.length}`);
  assert.ok(inc.start >= incidentAt - 6 * H && inc.start <= incidentAt + H, inc.timestamp);
  const onTime = anomalies.filter((a) =>
    inc.series.includes(a.series) && Math.abs(a.start - incidentAt) <= 2 * H
  );
  assert.ok(onTime.length >= 29, `members starting with the incident: ${onTime.length}`);
  assert.ok(["medium", "high"].includes(inc.severity));
  // The scattered stalls are detected as anomalies, and none of them is folded into an incident.
  const found = scattered.filter((x) =>
    anomalies.some((a) => a.series === x.series && Math.abs(a.start - x.at) <= 3 * H)
  );
  assert.ok(found.length >= 27, `scattered stalls detected: ${found.length} of 30`);
  // A scattered stall's own episode never overlaps the incident (its series may still be in it through another
  // anomaly of its own at that time: the "unrelated shards" above).
  for (const x of scattered) {
    const own = anomalies.filter((a) => a.series === x.series && Math.abs(a.start - x.at) <= 3 * H);
    assert.ok(own.every((a) => a.end < inc.start || a.start > inc.end), x.series);
  }
  // So are the simultaneous ones split over the aggregators.
  const split = anomalies.filter((a) => Math.abs(a.start - splitAt) <= 2 * H);
  assert.ok(split.length >= 27, `split stalls detected: ${split.length} of 30`);
});
