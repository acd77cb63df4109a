import assert from "node:assert/strict";
import {
  ewAlpha,
  medianOf,
  pointsIn,
  RobustLevel,
  RobustScale,
  select,
  smallMedian,
  trailingMedian,
} from "./robust.ts";
import { createRng } from "../prng.ts";

const f = (...v: number[]) => new Float64Array(v);

Deno.test("smallMedian() returns the median of the first n entries", () => {
  const cases: Array<{ buf: number[]; n: number; want: number }> = [
    { buf: [5], n: 1, want: 5 },
    { buf: [3, 1], n: 2, want: 2 }, // (1 + 3) / 2
    { buf: [3, 1, 2], n: 3, want: 2 },
    { buf: [4, 1, 3, 2], n: 4, want: 2.5 }, // sorted 1 2 3 4 → (2 + 3) / 2
    { buf: [9, 9, 1, 100, -5], n: 5, want: 9 }, // sorted -5 1 9 9 100
    { buf: [8, 7, 6, 5, 4, 3, 2, 1], n: 8, want: 4.5 }, // (4 + 5) / 2
    { buf: [1, 2, 3, 1000, 1000], n: 3, want: 2 }, // entries past n are ignored
  ];
  for (const { buf, n, want } of cases) {
    assert.equal(smallMedian(f(...buf), n), want, `smallMedian(${buf}, ${n})`);
  }
});

Deno.test("smallMedian() sorts the first n entries in place and leaves the rest alone", () => {
  const buf = f(3, 1, 2, -7, 9);
  smallMedian(buf, 3);
  assert.deepEqual([...buf], [1, 2, 3, -7, 9]);
});

Deno.test("select() returns the k-th smallest, like sorting (random arrays with ties)", () => {
  const rng = createRng(11);
  for (let trial = 0; trial < 300; trial++) {
    const n = rng.int(1, 40);
    // Small integers so ties are common.
    const a = Float64Array.from({ length: n + 3 }, () => rng.int(-5, 5));
    const sorted = [...a.subarray(0, n)].sort((x, y) => x - y);
    const k = rng.int(0, n - 1);
    const copy = a.slice();
    assert.equal(select(copy, n, k), sorted[k], `trial ${trial}: n=${n} k=${k} a=${[...a]}`);
    // Only a reordering of the first n entries: same multiset, tail untouched.
    assert.deepEqual([...copy.subarray(0, n)].sort((x, y) => x - y), sorted);
    assert.deepEqual([...copy.subarray(n)], [...a.subarray(n)]);
  }
});

Deno.test("medianOf() averages the two middle values for even n and is NaN for n = 0", () => {
  const cases: Array<{ a: number[]; n: number; want: number }> = [
    { a: [], n: 0, want: NaN },
    { a: [7], n: 1, want: 7 },
    { a: [10, 0], n: 2, want: 5 },
    { a: [5, 1, 4, 2, 3], n: 5, want: 3 },
    { a: [6, 1, 5, 2, 4, 3], n: 6, want: 3.5 }, // sorted 1..6 → (3 + 4) / 2
    { a: [2, 2, 2, 9], n: 4, want: 2 }, // (2 + 2) / 2
    { a: [1, 3, 99, 99], n: 2, want: 2 }, // only a[0..2)
  ];
  for (const { a, n, want } of cases) assert.equal(medianOf(f(...a), n), want, `medianOf(${a}, ${n})`);
});

Deno.test("medianOf() matches the median of a sorted copy (random arrays)", () => {
  const rng = createRng(12);
  for (let trial = 0; trial < 300; trial++) {
    const n = rng.int(1, 50);
    const a = Float64Array.from({ length: n }, () => Math.round(rng.normal() * 4) / 2 + 0); // + 0: no −0
    const s = [...a].sort((x, y) => x - y);
    const want = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    assert.equal(medianOf(a.slice(), n), want, `trial ${trial}: ${[...a]}`);
  }
});

Deno.test("RobustScale is NaN during warm-up, then the mean of the warm-up values", () => {
  const scale = new RobustScale(0.5, 3);
  assert.ok(Number.isNaN(scale.value));
  scale.update(1);
  scale.update(NaN); // ignored: does not count towards the warm-up
  scale.update(2);
  assert.ok(Number.isNaN(scale.value));
  scale.update(3);
  assert.equal(scale.value, 2); // (1 + 2 + 3) / 3
});

Deno.test("RobustScale's warm-up skips exact zeros, so it never starts at 0; after it, zeros count", () => {
  const scale = new RobustScale(0.5, 2);
  for (let i = 0; i < 8; i++) scale.update(0); // an idle night: nothing about the scale yet
  assert.ok(Number.isNaN(scale.value));
  scale.update(2);
  scale.update(4);
  assert.equal(scale.value, 3); // (2 + 4) / 2, not (0 · 8 + 2 + 4) / 10 or 0
  scale.update(0); // 3 + 0.5 · (0 − 3)
  assert.equal(scale.value, 1.5);
  scale.update(100); // clipped at 4 · 1.5 = 6: it can grow again
  assert.equal(scale.value, 3.75);
});

Deno.test("RobustScale clips updates at clip × the current scale", () => {
  const scale = new RobustScale(0.5, 1); // clip defaults to 4
  scale.update(2);
  assert.equal(scale.value, 2);
  scale.update(100); // clipped to 4 · 2 = 8 → 2 + 0.5 · (8 − 2) = 5
  assert.equal(scale.value, 5);
  scale.update(1); // 5 + 0.5 · (1 − 5) = 3
  assert.equal(scale.value, 3);
  scale.update(NaN);
  assert.equal(scale.value, 3);

  const tight = new RobustScale(0.25, 1, 2);
  tight.update(4);
  tight.update(40); // clipped to 2 · 4 = 8 → 4 + 0.25 · (8 − 4) = 5
  assert.equal(tight.value, 5);
});

Deno.test("RobustLevel tracks |x| with updates clipped at 3 × the level", () => {
  const level = new RobustLevel(0.5, 2);
  level.update(-2);
  assert.ok(Number.isNaN(level.value));
  level.update(4);
  assert.equal(level.value, 3); // (|−2| + 4) / 2
  level.update(-30); // |−30| clipped to 3 · 3 = 9 → 3 + 0.5 · (9 − 3) = 6
  assert.equal(level.value, 6);
});

Deno.test("ewAlpha() halves the weight every halfLife points; pointsIn() is at least 1", () => {
  for (const h of [1, 2, 24, 72]) {
    assert.ok(Math.abs(Math.pow(1 - ewAlpha(h), h) - 0.5) < 1e-12, `halfLife ${h}`);
  }
  assert.equal(ewAlpha(0), ewAlpha(1)); // clamped to 1 point: α = 0.5
  assert.equal(ewAlpha(1), 0.5);
  assert.equal(pointsIn(86_400_000, 3_600_000), 24);
  assert.equal(pointsIn(1_000, 3_600_000), 1);
  assert.equal(pointsIn(5_400_000, 3_600_000), 2); // 1.5 rounds to 2
});

Deno.test("trailingMedian() equals sorting each window, with ties, gaps and every window size", () => {
  const rng = createRng(13);
  const rnd = () => rng.next();
  for (let t = 0; t < 300; t++) {
    const n = 1 + Math.floor(rnd() * 200), span = 1 + Math.floor(rnd() * 20);
    const minValid = Math.floor(rnd() * (span + 1));
    // Ties (small integers) and gaps (NaN) are where a sorted window goes wrong.
    const x = Float64Array.from(
      { length: n },
      () => rnd() < 0.2 ? NaN : rnd() < 0.3 ? Math.floor(rnd() * 4) : rnd(),
    );
    const got = trailingMedian(x, span, minValid);
    for (let b = 0; b < n; b++) {
      const w = [...x.subarray(Math.max(0, b - span + 1), b + 1)].filter((v) => v === v).sort((p, q) =>
        p - q
      );
      const h = w.length >> 1;
      const want = w.length === 0 || w.length < minValid ? NaN : w.length % 2 ? w[h] : (w[h - 1] + w[h]) / 2;
      assert.ok(
        Object.is(got[b], want),
        `case ${t} (span ${span}, ${n} points) at ${b}: ${got[b]} ≠ ${want}`,
      );
    }
  }
});
