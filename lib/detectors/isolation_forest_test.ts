import assert from "node:assert/strict";
import { isolationForest, type IsolationForestParams } from "./isolation_forest.ts";
import type { Series } from "../series/types.ts";
import { createRng } from "../prng.ts";

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** A daily sine around `size` with 5% multiplicative noise, seeded. */
function shard(
  key: string,
  size: number,
  n: number,
  seed: number,
  step = HOUR,
  start = Date.UTC(2026, 0, 1),
): Series {
  const rng = createRng(seed);
  const values = Float64Array.from({ length: n }, (_, i) => {
    const day = ((start + i * step) % 86_400_000) / 86_400_000;
    return size * (1 + 0.3 * Math.sin(2 * Math.PI * day)) * (1 + 0.05 * rng.normal());
  });
  return { key, labels: {}, start, step, values };
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>, message: string) =>
  assert.deepEqual(Array.from(a), Array.from(b), message);

Deno.test("isolationForest ranks a spike on a small shard above every normal window of a big one", () => {
  const table = [
    {
      what: "×3 for 3 hours",
      at: 600,
      apply: (v: Float64Array) => [600, 601, 602].forEach((i) => v[i] *= 3),
    },
    { what: "×2 for 1 hour", at: 555, apply: (v: Float64Array) => v[555] *= 2 },
    { what: "drop to 0", at: 610, apply: (v: Float64Array) => v.fill(0, 608, 611) },
  ];
  for (const [seed, { what, at, apply }] of table.entries()) {
    const big = shard("big", 1000, 24 * 30, 10 + seed);
    const small = shard("small", 5, 24 * 30, 20 + seed);
    apply(small.values);
    const params = isolationForest.fit([big, small], { seed });
    const normal = Math.max(...isolationForest.score(big, params).subarray(24 * 7));
    const spike = isolationForest.score(small, params)[at];
    assert.ok(spike > normal, `${what}: ${spike} vs big shard max ${normal}`);
  }
});

Deno.test("isolationForest scores do not depend on the size of the series", () => {
  const series = shard("a", 3, 24 * 20, 1);
  series.values[300] *= 4;
  const params = isolationForest.fit([series, shard("b", 70, 24 * 20, 2)]);
  const scaled = { ...series, values: series.values.map((v) => v * 5000) };
  const a = isolationForest.score(series, params);
  const b = isolationForest.score(scaled, params);
  for (let i = 0; i < a.length; i++) {
    assert.ok(
      Number.isNaN(a[i]) ? Number.isNaN(b[i]) : Math.abs(a[i] - b[i]) < 1e-9,
      `point ${i}: ${a[i]} vs ${b[i]}`,
    );
  }
});

Deno.test("isolationForest.score() is causal on hourly and 1-minute data (prefix property)", () => {
  const table = [
    { step: HOUR, n: 24 * 12, start: Date.UTC(2026, 0, 1) },
    { step: MINUTE, n: 60 * 24 * 3, start: Date.UTC(2026, 0, 1, 0, 17) }, // starts mid-hour
    { step: 5 * MINUTE, n: 12 * 24 * 4, start: Date.UTC(2026, 0, 1) },
  ];
  const rng = createRng(3);
  for (const { step, n, start } of table) {
    const series = shard("a", 40, n, 4, step, start);
    series.values.fill(NaN, Math.floor(n / 2), Math.floor(n / 2) + 3);
    series.values[Math.floor(n * 0.7)] *= 5;
    const params = isolationForest.fit([series], { trees: 20, minLevelBlocks: 12, levelBlocks: 48 });
    const full = isolationForest.score(series, params);
    assert.ok(full.some((x) => !Number.isNaN(x)), `step ${step}: some scores`);
    const ks = [
      0,
      n - 2,
      n - 1,
      Math.floor(n / 2),
      Math.floor(n * 0.7),
      ...Array.from({ length: 8 }, () => rng.int(0, n - 1)),
    ];
    for (const k of ks) {
      const prefix = isolationForest.score({ ...series, values: series.values.slice(0, k + 1) }, params);
      same(prefix, full.subarray(0, k + 1), `step ${step}, prefix ending at ${k}`);
    }
  }
});

Deno.test("isolationForest on 1-minute data: one score per completed hour, held until the next", () => {
  const series = shard("a", 40, 60 * 24 * 3, 5, MINUTE, Date.UTC(2026, 0, 1, 0, 30));
  const params = isolationForest.fit([series], { trees: 20, minLevelBlocks: 12 });
  const scores = isolationForest.score(series, params);
  // Blocks are clock hours; the first (from 00:30) completes at 00:59, i.e. index 29, then every 60 points.
  let changes = 0;
  for (let i = 1; i < scores.length; i++) {
    if (Object.is(scores[i], scores[i - 1])) continue;
    changes++;
    assert.equal((i - 29) % 60, 0, `score changed at ${i}, not at the end of an hour`);
  }
  assert.ok(changes > 24, `${changes} changes`);
  // The first window needs 24 blocks: the 24th completes at 29 + 23 × 60.
  assert.ok(scores.subarray(0, 29 + 23 * 60).every(Number.isNaN));
  assert.ok(!Number.isNaN(scores[29 + 23 * 60]));
});

Deno.test("isolationForest: NaN in, NaN out; a few missing hours are tolerated, many are not", () => {
  const series = shard("a", 40, 24 * 14, 6);
  const params = isolationForest.fit([series], { trees: 20 });
  const table = [
    { holes: [[200, 201]], at: 200, expect: "NaN" }, // the point itself is missing
    { holes: [[190, 193]], at: 200, expect: "score" }, // 3 missing hours in the window
    { holes: [[190, 194]], at: 200, expect: "NaN" }, // 4 missing hours in the window
    { holes: [[180, 182], [195, 197]], at: 200, expect: "NaN" },
    { holes: [[176, 180]], at: 200, expect: "score" }, // the gap has left the window
  ];
  for (const { holes, at, expect } of table) {
    const values = series.values.slice();
    for (const [from, to] of holes) values.fill(NaN, from, to);
    const s = isolationForest.score({ ...series, values }, params)[at];
    assert.equal(Number.isNaN(s) ? "NaN" : "score", expect, `holes ${JSON.stringify(holes)}: ${s}`);
  }
  const empty = { ...series, values: new Float64Array(500).fill(NaN) };
  assert.ok(isolationForest.score(empty, params).every(Number.isNaN));
  assert.ok(isolationForest.score({ ...series, values: new Float64Array(0) }, params).length === 0);
});

Deno.test("isolationForest needs a level: nothing before 24 blocks, zeros do not explode", () => {
  const series = shard("a", 40, 24 * 10, 7);
  const params = isolationForest.fit([series], { trees: 20 });
  const scores = isolationForest.score(series, params);
  assert.ok(scores.subarray(0, 23).every(Number.isNaN) && scores.subarray(23).every((x) => x > 0 && x < 1));
  const zeros = { ...series, values: new Float64Array(24 * 10) };
  assert.ok(isolationForest.score(zeros, params).subarray(23).every((x) => x > 0 && x < 1));
});

Deno.test("isolationForest params survive JSON; the fit is deterministic for a seed", () => {
  const train = [shard("a", 40, 24 * 20, 8), shard("b", 2, 24 * 20, 9)];
  const params = isolationForest.fit(train, { seed: 5, maxWindows: 300 });
  const loaded: IsolationForestParams = JSON.parse(JSON.stringify(params));
  assert.deepEqual(loaded, params);
  same(isolationForest.score(train[0], loaded), isolationForest.score(train[0], params), "scores after JSON");
  assert.deepEqual(isolationForest.fit(train, { seed: 5, maxWindows: 300 }), params);
  assert.notDeepEqual(isolationForest.fit(train, { seed: 6, maxWindows: 300 }).forest, params.forest);
  assert.equal(params.forest.d, 30);
  assert.equal(isolationForest.name, "isolation_forest");
});

Deno.test("isolationForest rejects unusable input", () => {
  const short = shard("a", 40, 20, 1);
  assert.throws(
    () => isolationForest.fit([short]),
    /^RangeError: Cannot fit isolation_forest: no training window/,
  );
  assert.throws(
    () => isolationForest.fit([shard("a", 40, 100, 1)], { maxMissing: 24 }),
    new RangeError("Cannot configure isolation_forest: maxMissing is out of range, current value is 24"),
  );
  const params = isolationForest.fit([shard("a", 40, 100, 1)], { trees: 5 });
  assert.throws(
    () => isolationForest.score({ ...short, step: 0 }, params),
    new RangeError("Cannot score isolation_forest: series a needs step > 0, current value is 0"),
  );
  assert.throws(() => isolationForest.score(short, { ...params, window: 12 }), TypeError);
});

Deno.test("isolationForest ranks a one-hour spike in the top 1% at the hour it happens, wherever it falls", () => {
  let caught = 0;
  let cases = 0;
  for (let seed = 0; seed < 4; seed++) {
    const big = shard("big", 1000, 24 * 30, 40 + seed);
    const small = shard("small", 5, 24 * 30, 50 + seed);
    const params = isolationForest.fit([big, small], { seed });
    const normal = isolationForest.score(big, params).slice(24 * 7).sort();
    const p99 = normal[Math.floor(normal.length * 0.99)];
    for (const at of [500, 517, 555, 590, 610, 633]) {
      const values = small.values.slice();
      values[at] *= 1.8;
      cases++;
      if (isolationForest.score({ ...small, values }, params)[at] > p99) caught++;
    }
  }
  assert.ok(caught >= cases - 2, `caught ${caught} of ${cases}`);
});
