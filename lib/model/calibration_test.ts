import assert from "node:assert/strict";
import {
  type Calibration,
  fitCalibration,
  fitRunLength,
  floorPoint,
  tailFloor,
  tailProbability,
} from "./calibration.ts";
import { createRng } from "../prng.ts";

/** n uniform samples in [0, 1), seeded. */
function uniform(n: number, seed = 1): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => rng.next());
}

/** n samples of Exp(1): P(X ≥ x) = e^−x. */
function exponential(n: number, seed = 2): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => -Math.log(1 - rng.next()));
}

/** n samples of a Pareto with index 2 and minimum 1: P(X ≥ x) = x^−2. */
function pareto(n: number, seed = 3): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => Math.pow(1 - rng.next(), -1 / 2));
}

/** 1000 run-length-like scores: 970 zeros, 15 ones, 10 twos, 5 threes. */
function discrete(): Float64Array {
  const counts: Array<[number, number]> = [[0, 970], [1, 15], [2, 10], [3, 5]];
  const out: number[] = [];
  for (const [v, c] of counts) for (let k = 0; k < c; k++) out.push(v);
  // Shuffle (seeded) so nothing relies on the input order.
  const rng = createRng(4);
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return Float64Array.from(out);
}

const calibrations = (): Array<[string, Calibration]> => [
  ["uniform", fitCalibration(uniform(10_000))],
  ["exponential", fitCalibration(exponential(10_000))],
  ["pareto heavy", fitCalibration(pareto(10_000), { heavyTail: true })],
  ["discrete", fitCalibration(discrete())],
  ["few knots", fitCalibration(uniform(500, 9), { knots: 5 })],
];

Deno.test("tailProbability() is 1 at and below the smallest training score", () => {
  for (const [name, cal] of calibrations()) {
    const min = cal.knots[0];
    for (const x of [min, min - 1e-9, min - 1, -1e9, -Infinity]) {
      assert.equal(tailProbability(cal, x), 1, `${name}: ${x}`);
    }
  }
  assert.ok(Number.isNaN(tailProbability(calibrations()[0][1], NaN)));
});

Deno.test("tailProbability() never increases with the score (random scores)", () => {
  const rng = createRng(5);
  for (const [name, cal] of calibrations()) {
    const hi = cal.u * 3 + 5;
    const xs = Array.from({ length: 2000 }, () => rng.uniform(-0.5, hi)).sort((a, b) => a - b);
    // Also exactly at every knot, at u and at m, where the branches meet.
    xs.push(...cal.knots, cal.u, cal.m, cal.u + 1e-12);
    xs.sort((a, b) => a - b);
    let prev = Infinity;
    for (const x of xs) {
      const p = tailProbability(cal, x);
      assert.ok(p > 0 && p <= 1, `${name}: p(${x}) = ${p}`);
      assert.ok(p <= prev, `${name}: p(${x}) = ${p} > ${prev}`);
      prev = p;
    }
  }
});

Deno.test("tailProbability() follows the empirical survival inside the data", () => {
  // Uniform on [0, 1): P(X ≥ x) = 1 − x.
  const cal = fitCalibration(uniform(10_000));
  for (const x of [0.1, 0.3, 0.5, 0.7, 0.9]) {
    const p = tailProbability(cal, x);
    assert.ok(Math.abs(p - (1 - x)) < 0.01, `p(${x}) = ${p}, want ${1 - x} ± 0.01`);
  }
  // Exp(1): P(X ≥ x) = e^−x.
  const exp = fitCalibration(exponential(10_000));
  for (const x of [0.5, 1, 2]) {
    const p = tailProbability(exp, x);
    assert.ok(Math.abs(p - Math.exp(-x)) < 0.01, `p(${x}) = ${p}, want ${Math.exp(-x)} ± 0.01`);
  }
});

Deno.test("tailProbability() extrapolates below pu above u", () => {
  for (const [name, cal] of calibrations()) {
    for (const x of [cal.u + 1e-9, cal.u * 1.5 + 0.1, cal.u * 10 + 1, 1e6]) {
      const p = tailProbability(cal, x);
      assert.ok(p <= cal.pu, `${name}: p(${x}) = ${p} > pu ${cal.pu}`);
    }
    assert.ok(tailProbability(cal, cal.m + 1) < cal.pu, name);
  }
  // With tailFraction 0.05, u is the training p95: pu ≈ 0.05.
  const cal = fitCalibration(uniform(10_000));
  assert.ok(Math.abs(cal.pu - 0.05) < 0.001, `pu ${cal.pu}`);
  assert.ok(Math.abs(cal.u - 0.95) < 0.01, `u ${cal.u}`);
});

Deno.test("fitCalibration() fits the exponential and Pareto tails it is meant for", () => {
  // Exp(1): p80 = ln 5, p95 = ln 20, so beta = (ln 20 − ln 5) / ln(0.2 / 0.05) = 1 and p(6) ≈ e^−6.
  const exp = fitCalibration(exponential(20_000));
  assert.equal(exp.tail, "exponential");
  assert.ok(Math.abs(exp.shape - 1) < 0.1, `beta ${exp.shape}`);
  const p6 = tailProbability(exp, 6);
  assert.ok(p6 > 0.7 * Math.exp(-6) && p6 < 1.3 * Math.exp(-6), `p(6) = ${p6}`);
  // Pareto(2): p80 = 0.2^−½, p95 = 0.05^−½, so alpha = ln 4 / ln 2 = 2 and p(10) ≈ 10^−2.
  const par = fitCalibration(pareto(20_000), { heavyTail: true });
  assert.equal(par.tail, "pareto");
  assert.ok(Math.abs(par.shape - 2) < 0.2, `alpha ${par.shape}`);
  const p10 = tailProbability(par, 10);
  assert.ok(p10 > 0.007 && p10 < 0.013, `p(10) = ${p10}`);
  // Without heavyTail the same data gets an exponential tail.
  assert.equal(fitCalibration(pareto(2000)).tail, "exponential");
});

Deno.test("fitCalibration() reads the tail of a score that rests at 0 most of the time above its atom", () => {
  // A CUSUM's shape: 0 for 85% of the points, else Exp(2). P(raw ≥ x) = 0.15 · e^(−x/2), so p(12) ≈ 3.7e−4.
  // Read from p80 (inside the atom) to p95, the fall from all of the atom would pass for a fast decay
  // (beta ≈ 0.8) and put p(12) near 1e−8.
  const rng = createRng(11);
  const samples = Float64Array.from(
    { length: 40_000 },
    () => (rng.next() < 0.85 ? 0 : -2 * Math.log(1 - rng.next())),
  );
  const cal = fitCalibration(samples);
  assert.equal(cal.tail, "exponential");
  assert.ok(Math.abs(cal.shape - 2) < 0.3, `beta ${cal.shape}`);
  const p12 = tailProbability(cal, 12);
  const truth = 0.15 * Math.exp(-6);
  assert.ok(p12 > truth / 2 && p12 < truth * 2, `p(12) = ${p12} vs ${truth}`);
});

Deno.test("tailProbability() handles a discrete score with a mass at 0", () => {
  const cal = fitCalibration(discrete());
  // u = p95 is 0 (970 of 1000 are 0); the tail starts at m = 1 with P(≥ 1) = (1000 − 970 + 1) / 1001.
  assert.equal(cal.u, 0);
  assert.equal(cal.m, 1);
  const p1 = tailProbability(cal, 1);
  assert.equal(p1, 31 / 1001);
  assert.ok(Math.abs(p1 - 30 / 1000) < 0.002, "≈ count(≥ 1) / n");
  assert.equal(tailProbability(cal, 0), 1);
  assert.equal(tailProbability(cal, 0.5), p1); // between 0 and the next value seen
  // The counts fall by count(= 2) / count(= 1) = 10 / 15 per unit, slower than the assumed worst case for a
  // normal run (1/2 per step), so the decay is 1/2: p(3) = p(1) · (1/2)², p(5) = p(1) · (1/2)⁴.
  const p3 = tailProbability(cal, 3), p5 = tailProbability(cal, 5);
  assert.ok(Math.abs(p3 - p1 / 4) < 1e-12, `p(3) = ${p3}`);
  assert.ok(Math.abs(p5 - p1 / 16) < 1e-12, `p(5) = ${p5}`);
  assert.ok(p5 < p3);
});

Deno.test("fitCalibration() copes with every sample equal", () => {
  const cal = fitCalibration(new Float64Array(50));
  assert.equal(tailProbability(cal, 0), 1);
  // No evidence above the only value seen: one step (unit 1) above it is a coin flip, each further step ten
  // times rarer: p(1) = 0.5, p(3) = 0.5 · 10⁻², p(5) = 0.5 · 10⁻⁴ — until the floor, four decades under the
  // rarest of the 50 scores seen (at x₀ = 1 + log10(0.5 · 51 · 10⁴)), and beyond it only a decade for each
  // tenfold of the score: p(7) = 10⁻⁴ / 51 · x₀ / 7, not 0.5 · 10⁻⁶.
  assert.equal(tailProbability(cal, 1), 0.5);
  assert.ok(Math.abs(tailProbability(cal, 3) - 0.005) < 1e-12);
  assert.ok(Math.abs(tailProbability(cal, 5) - 5e-5) < 1e-16);
  const x0 = 1 + Math.log10(0.5 * 51e4);
  assert.ok(Math.abs(floorPoint(cal, tailFloor(cal)) - x0) < 1e-12);
  assert.ok(Math.abs(tailProbability(cal, 7) / (tailFloor(cal) * x0 / 7) - 1) < 1e-12);
  assert.ok(Math.abs(tailProbability(cal, 70) / tailProbability(cal, 7) - 0.1) < 1e-12);
  assert.ok(Math.abs(tailFloor(cal) - 1e-4 / 51) < 1e-18);
  const hourly = fitCalibration(new Float64Array(50), { unit: 1 / 60 }); // one-minute steps, scores in hours
  assert.equal(tailProbability(hourly, 1 / 60), 0.5);
  const h0 = floorPoint(hourly, tailFloor(hourly));
  assert.ok(h0 > 0 && h0 < 0.5);
  assert.ok(
    Math.abs(tailProbability(hourly, 0.5) / (tailFloor(hourly) * h0 / 0.5) - 1) < 1e-12,
    "half an hour of it: beyond the floor, by a decade for each tenfold",
  );
});

Deno.test("fitCalibration() ignores NaN and rejects fewer than 10 finite samples", () => {
  const nine = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, NaN, NaN, NaN]);
  assert.throws(() => fitCalibration(nine), {
    name: "RangeError",
    message: "Cannot fit a calibration: need at least 10 finite scores, current value is 9",
  });
  assert.throws(() => fitCalibration(new Float64Array(0)), {
    name: "RangeError",
    message: "Cannot fit a calibration: need at least 10 finite scores, current value is 0",
  });
  const ten = Float64Array.from([NaN, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, NaN]);
  assert.equal(fitCalibration(ten).n, 10);
});

Deno.test("fitCalibration() stores ascending knots with descending probabilities, at most knots + 2", () => {
  for (const [name, cal] of calibrations()) {
    assert.equal(cal.knots.length, cal.probs.length, name);
    assert.equal(cal.probs[0], 1, name);
    for (let i = 1; i < cal.knots.length; i++) {
      assert.ok(cal.knots[i] > cal.knots[i - 1], `${name}: knots ascend at ${i}`);
      assert.ok(cal.probs[i] <= cal.probs[i - 1], `${name}: probs descend at ${i}`);
    }
    assert.equal(cal.knots[cal.knots.length - 1], cal.u, name);
  }
  const few = fitCalibration(uniform(500, 9), { knots: 5 });
  assert.ok(few.knots.length <= 7, `${few.knots.length} knots`);
});

Deno.test("fitCalibration() results survive a JSON round trip", () => {
  for (const [name, cal] of calibrations()) {
    const back = JSON.parse(JSON.stringify(cal)) as Calibration;
    assert.deepEqual(back, cal, name);
    for (const x of [-1, 0, 0.3, cal.u, cal.u + 1, 100]) {
      assert.equal(tailProbability(back, x), tailProbability(cal, x));
    }
  }
});

Deno.test("fitRunLength() is a memoryless run model whose start rate counts each normal run once", () => {
  // Hourly run lengths (in hours) as the flatline detector reports them: 0 outside runs, 1, 2, … inside.
  const runs = (n: number, lengths: number[]) => {
    const raw = new Float64Array(n);
    lengths.forEach((len, k) => {
      for (let j = 1; j <= len; j++) raw[100 + k * 50 + j] = j;
    });
    return raw;
  };
  // No normal runs, two incidents of 10 h: s = (0 + 1) / (N + 2), and c = s (each repeat as rare as the first),
  // so the incidents make neither a run nor a long run look normal.
  const incidents = fitRunLength(runs(1_000, [10, 10]), { unit: 1 });
  const s = 1 / 1_002;
  assert.ok(Math.abs(tailProbability(incidents, 1) - s) < 1e-15);
  assert.ok(Math.abs(tailProbability(incidents, 2) / (s * s) - 1) < 1e-6);
  assert.equal(tailProbability(incidents, 0.4), 1, "shorter than one step is never evidence");
  // Sticky values (an idle shard's zeros): 60 normal runs, half of them going on from 1 to 2 steps; the rate
  // is read off them, and the two long incidents (≥ 6 steps) are left out of it.
  const sticky = fitRunLength(runs(10_000, [...Array(30).fill(1), ...Array(30).fill(2), 40, 40]), {
    unit: 1,
  });
  assert.ok(Math.abs(tailProbability(sticky, 2) / tailProbability(sticky, 1) - 0.5) < 1e-6);
  // Missing data: a single missing point is never evidence (first: 2 steps).
  const gaps = fitRunLength(runs(10_000, [1, 1, 1, 8]), { unit: 1, first: 2 });
  assert.equal(tailProbability(gaps, 1), 1);
  assert.ok(tailProbability(gaps, 2) < 1e-3);
  // At a 1-minute step the unit is 1/60 h.
  const fine = fitRunLength(new Float64Array(5000), { unit: 1 / 60 });
  assert.equal(tailProbability(fine, 1 / 120), 1);
  assert.ok(tailProbability(fine, 1 / 60) < 1e-3);
  assert.throws(() => fitRunLength(new Float64Array(5).fill(NaN), { unit: 1 }), {
    name: "RangeError",
    message: "Cannot fit a run-length calibration: need at least 10 finite scores, current value is 0",
  });
});

Deno.test("fitRunLength() reads no continuation rate off runs rarer than one a series-week, however many", () => {
  // 60 short runs (1–6 steps, ten of each) in 100 000 hourly points: more than minRuns by count, but one run per
  // 1 667 hours (0.1 a week), as a large fleet's flatline incidents in 6 months of history. Read off them, the
  // continuation would be 5/6 and a 6-hour flatline barely rarer than a 1-hour one.
  const raw = new Float64Array(100_000);
  for (let k = 0; k < 60; k++) {
    const len = 1 + (k % 6);
    for (let j = 1; j <= len; j++) raw[1_000 + k * 1_500 + j] = j;
  }
  const cal = fitRunLength(raw, { unit: 1 });
  const s = (60 + 1) / (100_000 + 2);
  assert.ok(Math.abs(tailProbability(cal, 1) / s - 1) < 1e-9);
  assert.ok(Math.abs(tailProbability(cal, 2) / (s * s) - 1) < 1e-6, "each further hour as rare as the first");
  // The same runs ten times as often (one per 10 days: 0.7 a week) still do not count; at 1.4 a week they do.
  const dense = (every: number, n: number) => {
    const r = new Float64Array(n);
    for (let k = 0; k < 60; k++) for (let j = 1; j <= 1 + (k % 6); j++) r[100 + k * every + j] = j;
    return r;
  };
  const rare = fitRunLength(dense(240, 15_000), { unit: 1 });
  assert.ok(tailProbability(rare, 2) / tailProbability(rare, 1) < 1e-2);
  const weekly = fitRunLength(dense(120, 7_300), { unit: 1 });
  assert.ok(Math.abs(tailProbability(weekly, 2) / tailProbability(weekly, 1) - 50 / 60) < 1e-6);
});

Deno.test("fitRunLength() takes long runs for the series' nature when they fill more than 5 % of the time", () => {
  // A square wave at one step an hour: every run 12 steps long, half the time in runs of 6 steps or more.
  const square = new Float64Array(2_000);
  for (let i = 0; i < square.length; i++) square[i] = i % 12;
  const cal = fitRunLength(square, { unit: 1 });
  // The run lengths' own distribution: a run of 8 steps is seen a third of the time, not at the tail floor.
  assert.ok(Math.abs(tailProbability(cal, 8) - 4 / 12) < 0.01, `${tailProbability(cal, 8)}`);
  // The same runs as rare incidents (2 in 2 000 steps) stay anomalous.
  const rare = new Float64Array(2_000);
  for (const at of [500, 1500]) for (let j = 1; j < 12; j++) rare[at + j] = j;
  assert.ok(tailProbability(fitRunLength(rare, { unit: 1 }), 8) <= 1e-4 / 2_001, "at the tail floor");
});
