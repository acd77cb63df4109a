import assert from "node:assert/strict";
import { join } from "node:path";
import { readNabCorpus } from "./nab_corpus.ts";
import { nabWindowRows } from "./nab_window_rows.ts";
import { NAB_PROFILES, type NabCosts, type NabProfileName } from "./nab_profiles.ts";
import { nabRowWeights, type NabScoredFile } from "./nab_row_weights.ts";
import { scoreNabAtThreshold } from "./nab_score_at_threshold.ts";
import { optimizeNabThreshold } from "./nab_optimize_threshold.ts";
import { scoreNab } from "./nab_score.ts";

const PROFILES = Object.keys(NAB_PROFILES) as NabProfileName[];

/** A file of `n` rows scoring 1 on `detections` and 0 elsewhere. */
function file(
  n: number,
  windows: Array<[number, number]>,
  detections: number[],
  name = "cat/f.csv",
): NabScoredFile {
  const scores = new Float64Array(n);
  for (const i of detections) scores[i] = 1;
  return { name, scores, windows };
}

function close(actual: number, expected: number, what: string, eps = 1e-6): void {
  assert.ok(Math.abs(actual - expected) <= eps, `${what}: ${actual} is not within ${eps} of ${expected}`);
}

// Hand-worked cases. One file of N = 40 rows: probationary period min(floor(0.15·40), 750) = 6 rows (0..5), one
// window on rows L..R = 10..13, so w = 4. ŝ(y) = 2/(1+e^{5y}) − 1 (= tanh(−5y/2)); ŝ(−1) = tanh(2.5) = 0.9866143.
// Detections are rows scoring 1, thresholded at 0.5.
//   - nothing detected: S = −A_FN = −1; S_null = −1, S_perfect = 1 → normalised 100·(−1+1)/2 = 0 (NAB's Null: 0).
//   - row 10 (L): y = −(13−10+1)/4 = −1 → A_TP·ŝ(−1)/ŝ(−1) = 1 → normalised 100 (NAB's perfect detector: 100).
//   - row 13 (R, late): y = −(13−13+1)/4 = −0.25, ŝ(−0.25) = tanh(0.625) = 0.5545997 → 0.5545997/0.9866143
//     = 0.5621241 → normalised 100·1.5621241/2 = 78.10621.
//   - rows 11,12,13: only the earliest (11) counts: y = −3/4, ŝ = tanh(1.875) = 0.9540453 → 0.9669891
//     → normalised 98.34945.
//   - row 8 (FP, no window before it) + row 10: S = −0.11 + 1 = 0.89 → normalised 100·(0.89+1)/2 = 94.5.
//   - row 10 + row 16 (FP after the window): y = |13−16|/(4−1) = 1, ŝ(1) = −0.9866143 → 0.11·ŝ = −0.1085276,
//     S = 0.8914724 → normalised 94.57362.
//   - row 14 alone (FP just after the window): y = 1/3, ŝ = tanh(−5/6) = −0.6822618 → −0.0750488; S = −1.0750488
//     → normalised 100·(−1.0750488+1)/2 = −3.75244.
//   - row 10 + row 30 (FP far after): y = 17/3 > 3 → ŝ = −1 → −0.11; S = 0.89.
//   - rows 0..5 only (probationary): ignored, S = −1 → 0.
//   - low FP profile, rows 8 + 10: S = −0.22 + 1 = 0.78 → normalised 100·1.78/2 = 89.
//   - low FN profile, nothing: S = −2 = S_null → 0; row 8 only: S = −2.11 → 100·(−2.11+2)/(1+2) = −3.66667.
const handCases: Array<{
  what: string;
  detections: number[];
  profile?: NabProfileName;
  raw: number;
  normalized: number;
  tp: number;
  fp: number;
}> = [
  { what: "Null detector (nothing detected) scores 0", detections: [], raw: -1, normalized: 0, tp: 0, fp: 0 },
  {
    what: "detection on the window's first row scores 100",
    detections: [10],
    raw: 1,
    normalized: 100,
    tp: 1,
    fp: 0,
  },
  {
    what: "late detection on the window's last row",
    detections: [13],
    raw: 0.5621241,
    normalized: 78.10621,
    tp: 1,
    fp: 0,
  },
  {
    what: "only the earliest detection in a window counts",
    detections: [11, 12, 13],
    raw: 0.9669891,
    normalized: 98.34945,
    tp: 1,
    fp: 0,
  },
  {
    what: "one FP before the window, one TP",
    detections: [8, 10],
    raw: 0.89,
    normalized: 94.5,
    tp: 1,
    fp: 1,
  },
  {
    what: "FP after the window is weighted by ŝ",
    detections: [10, 16],
    raw: 0.8914724,
    normalized: 94.57362,
    tp: 1,
    fp: 1,
  },
  {
    what: "FP just after the window costs little",
    detections: [14],
    raw: -1.0750488,
    normalized: -3.75244,
    tp: 0,
    fp: 1,
  },
  {
    what: "FP far after the window costs A_FP",
    detections: [10, 30],
    raw: 0.89,
    normalized: 94.5,
    tp: 1,
    fp: 1,
  },
  {
    what: "probationary rows are ignored",
    detections: [0, 1, 2, 3, 4, 5],
    raw: -1,
    normalized: 0,
    tp: 0,
    fp: 0,
  },
  {
    what: "reward_low_FP_rate: FP + TP",
    detections: [8, 10],
    profile: "reward_low_FP_rate",
    raw: 0.78,
    normalized: 89,
    tp: 1,
    fp: 1,
  },
  {
    what: "reward_low_FN_rate: Null scores 0",
    detections: [],
    profile: "reward_low_FN_rate",
    raw: -2,
    normalized: 0,
    tp: 0,
    fp: 0,
  },
  {
    what: "reward_low_FN_rate: one FP only",
    detections: [8],
    profile: "reward_low_FN_rate",
    raw: -2.11,
    normalized: -3.66667,
    tp: 0,
    fp: 1,
  },
];
for (const { what, detections, profile = "standard", raw, normalized, tp, fp } of handCases) {
  Deno.test(`scoreNabAtThreshold() by hand: ${what}`, () => {
    const result = scoreNabAtThreshold([file(40, [[10, 13]], detections)], 0.5, { profile });
    close(result.raw, raw, "raw");
    close(result.normalized, normalized, "normalized", 1e-4);
    assert.deepEqual(
      { tp: result.tp, fn: result.fn, fp: result.fp, windows: result.windows },
      { tp, fn: 1 - tp, fp, windows: 1 },
    );
    assert.equal(result.profile, profile);
    assert.deepEqual(result.costs, NAB_PROFILES[profile]);
    assert.equal(result.nullScore, -NAB_PROFILES[profile].fn);
    assert.equal(result.perfectScore, NAB_PROFILES[profile].tp);
  });
}

// More hand-worked edge cases, each a corpus of files of N = 40 rows (probationary rows 0..5).
//   - window 1..3 lies inside the probationary period: it does not count (0 windows), but still is the previous
//     window for row 7: y = |3−7|/(3−1) = 2, ŝ(2) = tanh(−5) = −0.9999092 → −0.1099900. With a second file whose
//     window is hit on its first row: S = 1 − 0.1099900 = 0.8900100, 1 window → 100·1.89001/2 = 94.50050.
//   - a one-row previous window (w_prev = 1, y's denominator 0) gives y = ∞, so an FP after it costs −A_FP: S =
//     1 (TP on row 10) − 0.11 (row 12) = 0.89.
//   - a window 4..9 straddling the probationary period: its earliest scorable row is 6: y = −(9−6+1)/6 = −2/3,
//     ŝ = tanh(5/3) = 0.9311096 → 0.9437423 → 97.18711. A detection on row 4 alone is not scored: S = −1 → 0.
const edgeCases: Array<
  { what: string; files: NabScoredFile[]; raw: number; normalized: number; windows: number }
> = [
  {
    what: "a window inside the probationary period still weights later FPs",
    files: [file(40, [[1, 3]], [7], "cat/a.csv"), file(40, [[20, 25]], [20], "cat/b.csv")],
    raw: 0.8900100,
    normalized: 94.50050,
    windows: 1,
  },
  {
    what: "w_prev = 1 costs -A_FP",
    files: [file(40, [[10, 10]], [10, 12])],
    raw: 0.89,
    normalized: 94.5,
    windows: 1,
  },
  {
    what: "a window straddling the probationary period",
    files: [file(40, [[4, 9]], [6, 7])],
    raw: 0.9437423,
    normalized: 97.18711,
    windows: 1,
  },
  {
    what: "a detection in the probationary part of a window",
    files: [file(40, [[4, 9]], [4])],
    raw: -1,
    normalized: 0,
    windows: 1,
  },
  { what: "no windows at all", files: [file(40, [], [10])], raw: -0.11, normalized: NaN, windows: 0 },
];
for (const { what, files, raw, normalized, windows } of edgeCases) {
  Deno.test(`scoreNabAtThreshold() by hand: ${what}`, () => {
    const result = scoreNabAtThreshold(files, 0.5);
    close(result.raw, raw, "raw");
    if (Number.isNaN(normalized)) assert.ok(Number.isNaN(result.normalized));
    else close(result.normalized, normalized, "normalized", 1e-4);
    assert.equal(result.windows, windows);
    assert.deepEqual(result.files.map((f) => f.name), files.map((f) => f.name));
    close(result.files.reduce((sum, f) => sum + f.raw, 0), result.raw, "sum of per-file raw", 1e-12);
  });
}

Deno.test("nabRowWeights() probationary length is min(floor(0.15·N), 750)", () => {
  for (const [n, probation] of [[0, 0], [6, 0], [7, 1], [40, 6], [4032, 604], [5000, 750], [22695, 750]]) {
    assert.equal(nabRowWeights(file(n, [], []), NAB_PROFILES.standard).probation, probation, `N = ${n}`);
  }
});

// The published anchors: on any corpus the Null detector scores 0 and a perfect detector 100, on every profile,
// both at a fixed threshold and with the optimised one.
Deno.test("scoreNab() reproduces NAB's Null = 0 and perfect = 100 on a hand-built corpus, all profiles", () => {
  const windows: Array<Array<[number, number]>> = [
    [[40, 43], [60, 69]],
    [],
    [[100, 100]],
    [[2, 3], [50, 60]],
  ];
  const null_ = windows.map((w, k) => file(200, w, [], `cat/${k}.csv`));
  const perfect = windows.map((w, k) => file(200, w, w.map(([left]) => left), `cat/${k}.csv`));
  const nullReport = scoreNab(null_, { threshold: 0.5 });
  const perfectReport = scoreNab(perfect, { threshold: 0.5 });
  for (const profile of PROFILES) {
    assert.equal(nullReport[profile].optimized.normalized, 0, profile);
    assert.equal(nullReport[profile].atThreshold?.normalized, 0, profile);
    assert.equal(nullReport[profile].optimized.threshold, Infinity, profile);
    assert.equal(perfectReport[profile].optimized.normalized, 100, profile);
    assert.equal(perfectReport[profile].atThreshold?.normalized, 100, profile);
    assert.equal(perfectReport[profile].optimized.threshold, 1, profile);
    assert.equal(perfectReport[profile].optimized.windows, 4, profile); // window 2..3 is probationary (rows 0..29)
  }
  assert.equal(scoreNab(perfect).standard.atThreshold, undefined);
});

// Sweep by hand, one file of N = 40, window 10..13, other rows NaN (never detected):
//   row 8 = 0.9 (FP), row 12 = 0.6 (TP, late), row 10 = 0.3 (TP, on time), row 30 = 0.2 (FP far after).
//   θ = ∞: −1; θ = 0.9: −1 − 0.11 = −1.11; θ = 0.6: −0.11 + ŝ(−0.5)/ŝ(−1) = −0.11 + 0.8597926 = 0.7497926;
//   θ = 0.3: −0.11 + 1 = 0.89 (best); θ = 0.2: 0.89 − 0.11 = 0.78.
// Ties: row 10 = 0.8 and row 11 = 0.5 give 1 at both θ = 0.8 and θ = 0.5; NAB keeps the higher threshold.
const sweepCases: Array<{ what: string; rows: Record<number, number>; threshold: number; raw: number }> = [
  {
    what: "picks the best of every distinct score",
    rows: { 8: 0.9, 12: 0.6, 10: 0.3, 30: 0.2 },
    threshold: 0.3,
    raw: 0.89,
  },
  { what: "breaks ties towards the higher threshold", rows: { 10: 0.8, 11: 0.5 }, threshold: 0.8, raw: 1 },
  {
    what: "detects nothing when every detection costs",
    rows: { 8: 0.9, 30: 0.2 },
    threshold: Infinity,
    raw: -1,
  },
];
for (const { what, rows, threshold, raw } of sweepCases) {
  Deno.test(`optimizeNabThreshold() ${what}`, () => {
    const scores = new Float64Array(40).fill(NaN);
    for (const [i, s] of Object.entries(rows)) scores[Number(i)] = s;
    const best = optimizeNabThreshold([{ name: "cat/f.csv", scores, windows: [[10, 13]] }]);
    assert.equal(best.threshold, threshold);
    close(best.raw, raw, "raw");
  });
}

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomCorpus(random: () => number): NabScoredFile[] {
  const files: NabScoredFile[] = [];
  const count = 1 + Math.floor(random() * 5);
  for (let f = 0; f < count; f++) {
    const n = Math.floor(random() * 300);
    const windows: Array<[number, number]> = [];
    let at = Math.floor(random() * 40);
    while (windows.length < 3 && at < n) {
      const width = random() < 0.2 ? 1 : 1 + Math.floor(random() * 30);
      const right = Math.min(n - 1, at + width - 1);
      windows.push([at, right]);
      at = right + 2 + Math.floor(random() * 80);
    }
    const levels = 1 + Math.floor(random() * 12); // few levels → many ties
    const scores = Float64Array.from(
      { length: n },
      () => random() < 0.1 ? NaN : random() < 0.5 ? Math.floor(random() * levels) / levels : random(),
    );
    files.push({ name: `cat/${f}.csv`, scores, windows });
  }
  return files;
}

Deno.test("optimizeNabThreshold() matches a brute-force sweep of scoreNabAtThreshold() on random corpora", () => {
  const random = prng(20240501);
  const custom: NabCosts = { tp: 2, fp: 0.5, fn: 0.3 };
  for (let trial = 0; trial < 80; trial++) {
    const files = randomCorpus(random);
    const thresholds = new Set<number>([Infinity]);
    for (const f of files) for (const s of f.scores) if (!Number.isNaN(s)) thresholds.add(s);
    for (const profile of [...PROFILES, custom]) {
      let brute = -Infinity;
      for (const t of thresholds) brute = Math.max(brute, scoreNabAtThreshold(files, t, { profile }).raw);
      const fast = optimizeNabThreshold(files, { profile });
      const what = `trial ${trial}, profile ${JSON.stringify(profile)}`;
      close(fast.raw, brute, what, 1e-9);
      assert.ok(thresholds.has(fast.threshold), what);
      close(scoreNabAtThreshold(files, fast.threshold, { profile }).raw, fast.raw, what, 1e-12);
    }
  }
});

const badInput: Array<{ what: string; run: () => unknown; error: ErrorConstructor; message: RegExp }> = [
  {
    what: "a NaN threshold",
    run: () => scoreNabAtThreshold([file(10, [], [])], NaN),
    error: RangeError,
    message: /^Cannot score NAB: threshold must be a number, current value is NaN$/,
  },
  {
    what: "an unknown profile",
    run: () => optimizeNabThreshold([], { profile: "strict" as NabProfileName }),
    error: RangeError,
    message:
      /^Cannot score NAB: unknown profile \(want standard, reward_low_FP_rate, reward_low_FN_rate\), current value is "strict"$/,
  },
  {
    what: "negative costs",
    run: () => scoreNabAtThreshold([], 1, { profile: { tp: 1, fp: -1, fn: 1 } }),
    error: RangeError,
    message: /costs must be finite, >= 0/,
  },
  {
    what: "a window past the end",
    run: () => scoreNabAtThreshold([file(10, [[5, 10]], [])], 1),
    error: RangeError,
    message: /^Cannot score NAB file cat\/f\.csv window 0: .*0 <= L <= R < 10, current value is \[5, 10\]$/,
  },
  {
    what: "overlapping windows",
    run: () => optimizeNabThreshold([file(10, [[1, 5], [5, 6]], [])]),
    error: RangeError,
    message: /window 1: windows must be sorted, disjoint/,
  },
  {
    what: "an infinite score",
    run: () =>
      optimizeNabThreshold([{ name: "cat/f.csv", scores: new Float64Array([0, Infinity]), windows: [] }]),
    error: RangeError,
    message:
      /^Cannot score NAB file cat\/f\.csv row 1: scores must be finite or NaN, current value is Infinity$/,
  },
  {
    what: "scores that are not a Float64Array",
    run: () => scoreNab([{ name: "cat/f.csv", scores: [0, 1] as unknown as Float64Array, windows: [] }]),
    error: TypeError,
    message: /scores must be a Float64Array/,
  },
];
for (const { what, run, error, message } of badInput) {
  Deno.test(`NAB scoring refuses ${what}`, () => {
    assert.throws(run, (err: Error) => {
      assert.ok(err instanceof error, `${err}`);
      assert.match(err.message, message);
      return true;
    });
  });
}

const NAB_DIR = join(import.meta.dirname ?? ".", "..", "..", "..", "shared", "nab");
const nabPresent = (() => {
  try {
    return Deno.statSync(join(NAB_DIR, "labels", "combined_windows.json")).isFile;
  } catch {
    return false;
  }
})();
const ci = Deno.env.get("CI") === "true";
if (!nabPresent && !ci) {
  console.warn(
    `NAB corpus not found at ${NAB_DIR}: skipping the real-corpus NAB test (CI=true makes it fail)`,
  );
}

Deno.test({
  name: "scoreNab() on the real NAB subset: 18 files, 25 windows, oracle scores 100 and all-zero scores 0",
  ignore: !nabPresent && !ci,
  fn: async () => {
    assert.ok(nabPresent, `NAB corpus missing at ${NAB_DIR} (required when CI=true)`);
    const corpus = await readNabCorpus(
      join(NAB_DIR, "data"),
      join(NAB_DIR, "labels", "combined_windows.json"),
    );
    assert.equal(corpus.length, 18);
    assert.equal(corpus.reduce((sum, f) => sum + f.windows.length, 0), 25);
    const oracle = corpus.map((f) => {
      const windows = nabWindowRows(f);
      const scores = new Float64Array(f.timestamps.length);
      for (const [left] of windows) scores[left] = 1;
      return { name: f.name, scores, windows };
    });
    const zero = oracle.map((f) => ({ ...f, scores: new Float64Array(f.scores.length) }));
    const oracleReport = scoreNab(oracle);
    const zeroReport = scoreNab(zero, { threshold: 0.5 });
    for (const profile of PROFILES) {
      assert.equal(oracleReport[profile].optimized.windows, 25, profile);
      assert.equal(oracleReport[profile].optimized.normalized, 100, profile);
      assert.equal(oracleReport[profile].optimized.fp, 0, profile);
      assert.equal(zeroReport[profile].optimized.normalized, 0, profile);
      assert.equal(zeroReport[profile].atThreshold?.normalized, 0, profile);
    }
    // Random scores: the sweep over ~110k rows stays fast and agrees with a direct evaluation at its threshold.
    const random = prng(7);
    const noisy = oracle.map((f) => ({ ...f, scores: Float64Array.from(f.scores, () => random()) }));
    const best = optimizeNabThreshold(noisy);
    close(scoreNabAtThreshold(noisy, best.threshold).raw, best.raw, "random scores", 1e-12);
  },
});
