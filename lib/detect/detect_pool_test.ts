import assert from "node:assert/strict";
import { openDetectPool } from "./detect_pool.ts";
import { detect, type ScoredSeries } from "./detect.ts";
import { train } from "../model/train.ts";
import { generateCorpus } from "../synth/generate.ts";
import type { Series } from "../series/types.ts";

const DAY = 86_400_000;

/** 60 hourly series of 40 days with incidents in the last 10, a model trained on the first 30, and odd ones out. */
function fleet() {
  const corpus = generateCorpus({ shards: 10, days: 40, seed: 17, cleanDays: 30 });
  const cut = corpus.series[0].start + 30 * DAY;
  const model = train(corpus.series.map((s) => ({ ...s, values: s.values.slice(0, 30 * 24) })));
  const odd: Series[] = [
    {
      key: "short",
      labels: { machine: "x", aggregator: "a" },
      start: cut,
      step: 3_600_000,
      values: new Float64Array(3),
    },
    { key: "gone", labels: {}, start: cut, step: 3_600_000, values: new Float64Array(48).fill(NaN) },
  ];
  // The odd ones in the middle: their notes must come out in the series' order.
  const series = [...corpus.series.slice(0, 30), ...odd, ...corpus.series.slice(30)];
  return { series, model, from: cut, labels: corpus.labels.length };
}

Deno.test("openDetectPool(): detect on workers finds what detect in this thread finds, notes in the series' order", async () => {
  const { series, model, from, labels } = fleet();
  const pool = openDetectPool(2);
  try {
    for (const options of [{ from }, { from, profile: "permissive" as const }, { from, threshold: 0.3 }]) {
      const here = detect(model, series, options);
      const there = await pool.detect(model, series, options);
      assert.ok(
        here.anomalies.length >= labels / 2,
        `${here.anomalies.length} anomalies for ${labels} labels`,
      );
      assert.deepEqual(there.anomalies, here.anomalies);
      assert.deepEqual(there.notes, here.notes);
      assert.deepEqual(
        [there.scored, there.threshold, there.profile],
        [here.scored, here.threshold, here.profile],
      );
    }
    // No series: what detect says of none (its threshold, not NaN).
    const none = await pool.detect(model, [], { from });
    assert.deepEqual(none, detect(model, [], { from }));
  } finally {
    pool.close();
  }
});

Deno.test("openDetectPool(): onScored sees each series from tailFrom (or its anomalies' onsets) with the scores and band detect has there", async () => {
  const { series, model, from } = fleet();
  const tailFrom = (s: Series) => from + (s.key.length % 5) * 3_600_000;
  const here = new Map<string, ScoredSeries>();
  detect(model, series, { from, band: { from: tailFrom }, onScored: (s) => void here.set(s.series.key, s) });
  const seen: ScoredSeries[] = [];
  const pool = openDetectPool(3);
  try {
    await pool.detect(model, series, {
      from,
      band: { from: tailFrom },
      tailFrom,
      onScored: (s) => void seen.push(s),
    });
  } finally {
    pool.close();
  }
  assert.deepEqual(
    seen.map((s) => s.series.key),
    [...here.keys()].sort((a, b) => order(series, a) - order(series, b)),
  );
  let withAnomaly = 0;
  for (const got of seen) {
    const want = here.get(got.series.key)!;
    const begin = Math.min(tailFrom(want.series), ...want.anomalies.map((a) => a.start));
    const k = Math.max(0, Math.ceil((begin - want.series.start) / want.series.step));
    if (want.anomalies.length) withAnomaly++;
    assert.equal(got.series.start, want.series.start + k * want.series.step);
    assert.deepEqual([...got.series.values], [...want.series.values.subarray(k)]);
    assert.deepEqual([...got.scores.combined], [...want.scores.combined.subarray(k)]);
    for (const f of ["expected", "lower", "upper"] as const) {
      assert.deepEqual(
        [...got.scores.band![f]],
        [...want.scores.band![f].subarray(k)],
        `${got.series.key} ${f}`,
      );
    }
    assert.equal(got.scores.band!.first, Math.max(0, want.scores.band!.first - k));
    assert.deepEqual(got.anomalies, want.anomalies);
    assert.equal(got.threshold, want.threshold);
  }
  assert.ok(withAnomaly > 0, "some series with an anomaly, whose part begins at its onset");
});

Deno.test("openDetectPool(): a closed pool refuses, and a size that is not a whole number ≥ 1 is refused", async () => {
  assert.throws(() => openDetectPool(0), /size must be a whole number ≥ 1, current value is 0/);
  assert.throws(() => openDetectPool(1.5), /current value is 1.5/);
  const { series, model } = fleet();
  const pool = openDetectPool(1);
  const running = pool.detect(model, series);
  pool.close();
  await assert.rejects(running, /the detect pool was closed/);
  await assert.rejects(pool.detect(model, series), /the detect pool was closed/);
});

Deno.test("openDetectPool(): a call that fails or is given up drops its queued batches and delivers nothing more", async () => {
  const { series, model, from } = fleet();
  const many = Array.from({ length: 8 }, (_, k) => series.map((s) => ({ ...s, key: `${s.key}#${k}` })))
    .flat();
  const pool = openDetectPool(1);
  try {
    // Given up after the first batch is delivered: of 5 batches, at most the one already running is scored.
    const abandon = new AbortController();
    let delivered = 0;
    const before = pool.batches;
    const given = pool.detect(model, many, {
      from,
      signal: abandon.signal,
      onScored: () => {
        delivered++;
        abandon.abort();
      },
    });
    await assert.rejects(given, /abandoned/);
    const seen = delivered;
    assert.ok(seen >= 1 && seen <= 100, `${seen} series delivered`);
    assert.ok(pool.batches - before <= 2, `${pool.batches - before} batches scored`);
    // A failing call (a model for another family: detect throws in the worker) rejects with the reason, and the
    // pool goes on working.
    const wrong = { ...model, family: "nope" };
    await assert.rejects(pool.detect(wrong, many, { from }), /Cannot detect on a worker: .*no family "nope"/);
    assert.equal(delivered, seen, "nothing delivered after the call was given up");
    const again = await pool.detect(model, series, { from });
    assert.deepEqual(again.anomalies, detect(model, series, { from }).anomalies);
  } finally {
    pool.close();
  }
});

function order(series: Series[], key: string): number {
  return series.findIndex((s) => s.key === key);
}
