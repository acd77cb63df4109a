import assert from "node:assert/strict";
import { createRng } from "../prng.ts";
import { ANOMALY_KINDS, type AnomalyKind, type AnomalyLabel } from "../presence.ts";
import { eventMetrics, type PredictedEvent } from "./event_metrics.ts";

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const MONTH = 30.4375 * 86_400_000;

/** A label on `series` from hour `from` to hour `to` after T0. */
function label(series: string, kind: AnomalyKind, from: number, to: number): AnomalyLabel {
  return {
    series,
    machine: `m-${series}`,
    aggregator: `agg-${series}`,
    kind,
    start: T0 + from * H,
    end: T0 + to * H,
  };
}

/** A predicted event on `series` from hour `from` to hour `to` after T0. */
function event(series: string, from: number, to: number): PredictedEvent {
  return { series, start: T0 + from * H, end: T0 + to * H };
}

Deno.test("eventMetrics() matches events to one label by the widened-overlap rule", () => {
  const spike = label("a", "spike", 10, 12);
  const cases: Array<
    [string, PredictedEvent[], { slack?: number; leadSlack?: number }, [number, number, number, number]]
  > = [
    // [name, events, options, [tp, fp, detected, median delay in hours (NaN when not detected)]]
    ["exact overlap", [event("a", 10, 12)], {}, [1, 0, 1, 0]],
    ["inside, starting late", [event("a", 11, 15)], {}, [1, 0, 1, 1]],
    ["one point at the label end", [event("a", 12, 12)], {}, [1, 0, 1, 2]],
    ["slack after end: exactly end + 6 h", [event("a", 18, 20)], {}, [1, 0, 1, 8]],
    ["beyond the slack: end + 7 h", [event("a", 19, 20)], {}, [0, 1, 0, NaN]],
    ["lead before start: ends exactly start − 1 h", [event("a", 8, 9)], {}, [1, 0, 1, -2]],
    ["beyond the lead: ends start − 2 h", [event("a", 7, 8)], {}, [0, 1, 0, NaN]],
    ["an event spanning the whole label", [event("a", 0, 30)], {}, [1, 0, 1, -10]],
    ["the wrong series", [event("b", 10, 12)], {}, [0, 1, 0, NaN]],
    ["two detections of one label: both tp, detected once", [event("a", 14, 14), event("a", 10, 10)], {}, [
      2,
      0,
      1,
      0,
    ]],
    ["custom slack 2 h: end + 2 h counts", [event("a", 14, 14)], { slack: 2 * H }, [1, 0, 1, 4]],
    ["custom slack 2 h: end + 3 h does not", [event("a", 15, 15)], { slack: 2 * H }, [0, 1, 0, NaN]],
    ["no slack, no lead: touching counts", [event("a", 12, 13)], { slack: 0, leadSlack: 0 }, [1, 0, 1, 2]],
    ["no slack, no lead: 1 h after does not", [event("a", 13, 13)], { slack: 0, leadSlack: 0 }, [
      0,
      1,
      0,
      NaN,
    ]],
  ];
  for (const [name, events, options, [tp, fp, detected, delayHours]] of cases) {
    const m = eventMetrics(events, [spike], { seriesMonths: 1, ...options });
    assert.deepEqual([m.tp, m.fp, m.detected, m.labels], [tp, fp, detected, 1], name);
    assert.equal(m.precision, tp / (tp + fp), name);
    assert.equal(m.recall, detected, name);
    assert.equal(m.f1, tp > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0, name);
    assert.deepEqual(m.medianDelayMs, delayHours * H, name);
    assert.equal(m.falseEventsPerSeriesMonth, fp, name);
    assert.deepEqual(m.missed, detected ? [] : [spike], name);
    assert.deepEqual(m.falseEvents, fp ? events : [], name);
  }
});

Deno.test("eventMetrics() counts one event covering two labels once and detects both", () => {
  const labels = [label("a", "spike", 10, 10), label("a", "stall", 20, 30)];
  const m = eventMetrics([event("a", 5, 25)], labels, { seriesMonths: 1 });
  assert.deepEqual([m.tp, m.fp, m.detected, m.labels], [1, 0, 2, 2]);
  assert.equal(m.perKind.spike.medianDelayMs, -5 * H);
  assert.equal(m.perKind.stall.medianDelayMs, -15 * H);
  assert.equal(m.medianDelayMs, -10 * H);
});

Deno.test("eventMetrics() reports per-kind recall, delay medians and the false-event rate", () => {
  const labels = [
    label("a", "spike", 0, 0),
    label("b", "spike", 0, 0),
    label("c", "stall", 10, 20),
    label("d", "stall", 10, 20),
    label("e", "dropout", 5, 6),
  ];
  const falseF = event("f", 0, 0), falseG = event("g", 3, 4);
  const events = [event("c", 15, 16), falseF, event("a", 1, 1), falseG, event("b", 3, 3)];
  const m = eventMetrics(events, labels, { seriesMonths: 4 });
  assert.deepEqual(
    [m.tp, m.fp, m.ignoredEvents, m.detected, m.labels, m.precision, m.recall, m.f1],
    [3, 2, 0, 3, 5, 0.6, 0.6, 0.6],
  );
  assert.equal(m.falseEventsPerSeriesMonth, 0.5);
  assert.equal(m.medianDelayMs, 3 * H); // delays 1 h, 3 h, 5 h
  assert.deepEqual(m.falseEvents, [falseF, falseG]);
  assert.deepEqual(m.missed, [labels[3], labels[4]]);
  assert.deepEqual(Object.keys(m.perKind), [...ANOMALY_KINDS]);
  assert.deepEqual(m.perKind.spike, { labels: 2, detected: 2, recall: 1, medianDelayMs: 2 * H }); // mean of 1 h, 3 h
  assert.deepEqual(m.perKind.stall, { labels: 2, detected: 1, recall: 0.5, medianDelayMs: 5 * H });
  assert.deepEqual(m.perKind.dropout, { labels: 1, detected: 0, recall: 0, medianDelayMs: NaN });
  assert.deepEqual(m.perKind.flatline, { labels: 0, detected: 0, recall: NaN, medianDelayMs: NaN });
});

Deno.test("eventMetrics() with kinds evaluates only those and neither rewards nor penalises the others", () => {
  const labels = [label("a", "spike", 0, 0), label("b", "spike", 0, 0), label("c", "stall", 10, 20)];
  const events = [event("a", 0, 0), event("c", 12, 12), event("z", 0, 0)];
  const m = eventMetrics(events, labels, { seriesMonths: 1, kinds: ["spike"] });
  assert.deepEqual(
    [m.tp, m.fp, m.ignoredEvents, m.detected, m.labels, m.precision, m.recall],
    [1, 1, 1, 1, 2, 0.5, 0.5],
  );
  assert.deepEqual(Object.keys(m.perKind), ["spike"]);
  assert.deepEqual(m.missed, [labels[1]]);
});

Deno.test("eventMetrics() computes series-months from series coverage", () => {
  const series = [{ key: "a", start: T0, end: T0 + 2 * MONTH }, { key: "b", start: T0, end: T0 + MONTH }];
  const events = [event("a", 0, 0), event("a", 50, 50), event("b", 0, 0)];
  const m = eventMetrics(events, [], { series });
  assert.equal(m.fp, 3);
  assert.equal(m.falseEventsPerSeriesMonth, 1);
  // seriesMonths wins over series.
  assert.equal(eventMetrics(events, [], { series, seriesMonths: 6 }).falseEventsPerSeriesMonth, 0.5);
});

Deno.test("eventMetrics() edge cases: empty inputs and zero series-months", () => {
  const spike = label("a", "spike", 0, 0);
  // [name, events, labels, seriesMonths, [precision, recall, f1, falseEventsPerSeriesMonth]]
  const cases: Array<[string, PredictedEvent[], AnomalyLabel[], number, number[]]> = [
    ["nothing at all", [], [], 1, [1, 1, 1, 0]],
    ["labels, no prediction", [], [spike], 1, [0, 0, 0, 0]],
    ["predictions, no label", [event("a", 0, 0), event("a", 5, 5)], [], 4, [0, 1, 0, 0.5]],
    ["zero series-months, no false event", [event("a", 0, 0)], [spike], 0, [1, 1, 1, 0]],
    ["zero series-months, a false event", [event("b", 0, 0)], [spike], 0, [0, 0, 0, Infinity]],
  ];
  for (const [name, events, labels, seriesMonths, want] of cases) {
    const m = eventMetrics(events, labels, { seriesMonths });
    assert.deepEqual([m.precision, m.recall, m.f1, m.falseEventsPerSeriesMonth], want, name);
  }
  const empty = eventMetrics([], [], { seriesMonths: 0 });
  assert.deepEqual([empty.tp, empty.fp, empty.detected, empty.labels, empty.medianDelayMs], [
    0,
    0,
    0,
    0,
    NaN,
  ]);
  assert.deepEqual([empty.falseEvents, empty.missed], [[], []]);
  for (const kind of ANOMALY_KINDS) assert.deepEqual(empty.perKind[kind].recall, NaN);
});

Deno.test("eventMetrics() refuses missing series-months, bad slacks and bad intervals", () => {
  const spike = label("a", "spike", 0, 0);
  const cases: Array<[string, () => unknown, ErrorConstructor, string]> = [
    [
      "no denominator",
      () => eventMetrics([], [], {}),
      TypeError,
      "Cannot compute event metrics: pass seriesMonths or series for the false-event rate, current value is undefined",
    ],
    [
      "negative slack",
      () => eventMetrics([], [], { seriesMonths: 1, slack: -1 }),
      RangeError,
      "Cannot compute event metrics: slack must be a finite number ≥ 0, current value is -1",
    ],
    [
      "NaN leadSlack",
      () => eventMetrics([], [], { seriesMonths: 1, leadSlack: NaN }),
      RangeError,
      "Cannot compute event metrics: leadSlack must be a finite number ≥ 0, current value is NaN",
    ],
    [
      "infinite seriesMonths",
      () => eventMetrics([], [], { seriesMonths: Infinity }),
      RangeError,
      "Cannot compute event metrics: seriesMonths must be a finite number ≥ 0, current value is Infinity",
    ],
    [
      "event ends before it starts",
      () => eventMetrics([event("a", 0, 0), { series: "x", start: 5, end: 4 }], [spike], { seriesMonths: 1 }),
      RangeError,
      'Cannot compute event metrics: predicted event 1 on series "x" needs finite start ≤ end, current value is 5..4',
    ],
    [
      "label with NaN start",
      () => eventMetrics([], [{ ...spike, start: NaN }], { seriesMonths: 1 }),
      RangeError,
      `Cannot compute event metrics: label 0 on series "a" needs finite start ≤ end, current value is NaN..${T0}`,
    ],
    [
      "series coverage reversed",
      () => eventMetrics([], [], { series: [{ key: "s", start: 10, end: 0 }] }),
      RangeError,
      'Cannot compute event metrics: series "s" needs finite start ≤ end, current value is 10..0',
    ],
  ];
  for (const [name, run, type, message] of cases) assert.throws(run, { name: type.name, message }, name);
});

/** The rule, applied pair by pair: the reference the grouped/sorted implementation must agree with. */
function bruteForce(events: PredictedEvent[], labels: AnomalyLabel[], slack: number, leadSlack: number) {
  const first = labels.map(() => Infinity);
  let tp = 0;
  for (const e of events) {
    let hit = false;
    labels.forEach((l, i) => {
      if (l.series === e.series && e.start <= l.end + slack && e.end >= l.start - leadSlack) {
        hit = true;
        first[i] = Math.min(first[i], e.start);
      }
    });
    if (hit) tp++;
  }
  const delays = first.flatMap((t, i) => t === Infinity ? [] : [t - labels[i].start]).sort((a, b) => a - b);
  return { tp, fp: events.length - tp, detected: delays.length, delays };
}

Deno.test("eventMetrics() agrees with the pairwise rule on thousands of random, overlapping events", () => {
  const rng = createRng(7);
  const series = Array.from({ length: 40 }, (_, i) => `s${i}`);
  const labels: AnomalyLabel[] = [];
  for (let i = 0; i < 1500; i++) {
    const from = rng.int(0, 4000);
    labels.push(label(series[rng.int(0, 39)], ANOMALY_KINDS[rng.int(0, 5)], from, from + rng.int(0, 72)));
  }
  const events: PredictedEvent[] = [];
  for (let i = 0; i < 4000; i++) {
    const from = rng.int(0, 4100);
    events.push(event(series[rng.int(0, 39)], from, from + rng.int(0, 24)));
  }
  const slack = 6 * H, leadSlack = H;
  const want = bruteForce(events, labels, slack, leadSlack);
  const m = eventMetrics(events, labels, { seriesMonths: 10 });
  assert.ok(want.tp > 100 && want.fp > 100 && want.detected > 100 && want.detected < labels.length);
  assert.deepEqual([m.tp, m.fp, m.detected, m.labels], [want.tp, want.fp, want.detected, labels.length]);
  const mid = want.delays.length >> 1;
  const median = want.delays.length % 2 ? want.delays[mid] : (want.delays[mid - 1] + want.delays[mid]) / 2;
  assert.equal(m.medianDelayMs, median);
  const perKindDetected = ANOMALY_KINDS.reduce((sum, kind) => sum + m.perKind[kind].detected, 0);
  assert.equal(perKindDetected, want.detected);
});
