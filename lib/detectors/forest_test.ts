import assert from "node:assert/strict";
import {
  averagePathLength,
  fitForest,
  fitForestWith,
  type Forest,
  prepareForest,
  scoreRow,
  scoreRows,
} from "./forest.ts";
import { createRng } from "../prng.ts";

/** n rows of d standard normal features, seeded. */
function gaussian(n: number, d: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n * d }, () => rng.normal());
}

/** An independent scorer: walks the JSON trees node by node (pre-order, left child = next node). */
function referenceScore(forest: Forest, row: ArrayLike<number>): number {
  let sum = 0;
  for (const tree of forest.trees) {
    let node = 0;
    let depth = 0;
    while (tree.feature[node] >= 0) {
      node = row[tree.feature[node]] <= tree.threshold[node] ? node + 1 : tree.right[node];
      depth++;
    }
    sum += depth + averagePathLength(tree.size[node]);
  }
  return 2 ** (-sum / forest.trees.length / averagePathLength(forest.sampleSize));
}

Deno.test("averagePathLength() matches c(n) = 2H(n-1) - 2(n-1)/n", () => {
  const cases: [number, number][] = [
    [0, 0],
    [1, 0],
    [2, 1],
    [3, 2 * (Math.log(2) + 0.5772156649015329) - 4 / 3], // ≈ 1.2074
    [256, 10.2448],
    [1000, 12.9699],
  ];
  for (const [n, expected] of cases) {
    assert.ok(Math.abs(averagePathLength(n) - expected) < 1e-4, `c(${n}) = ${averagePathLength(n)}`);
  }
  assert.ok(Math.abs(averagePathLength(3) - 1.2074) < 1e-4);
});

Deno.test("fitForest() is deterministic for a seed and differs across seeds", () => {
  const rows = gaussian(1000, 4, 1);
  assert.deepEqual(fitForest(rows, 4, { seed: 7 }), fitForest(rows, 4, { seed: 7 }));
  assert.notDeepEqual(fitForest(rows, 4, { seed: 7 }), fitForest(rows, 4, { seed: 8 }));
});

Deno.test("fitForest() survives a JSON round trip with identical scores", () => {
  const rows = gaussian(2000, 24, 2);
  const forest = fitForest(rows, 24, { trees: 30, seed: 3 });
  const loaded: Forest = JSON.parse(JSON.stringify(forest));
  assert.deepEqual(loaded, forest);
  assert.deepEqual(scoreRows(loaded, rows, 24), scoreRows(forest, rows, 24));
});

Deno.test("fitForest() grows trees like scikit-learn: min(256, n) rows, depth <= ceil(log2(sampleSize))", () => {
  const cases = [
    { n: 10_000, sampleSize: 256, depth: 8 },
    { n: 100, sampleSize: 256, depth: 7 },
    { n: 3000, sampleSize: 1000, depth: 10 },
  ];
  for (const { n, sampleSize, depth } of cases) {
    const forest = fitForest(gaussian(n, 3, n), 3, { sampleSize, trees: 20 });
    assert.equal(forest.sampleSize, Math.min(n, sampleSize));
    assert.equal(forest.maxDepth, depth);
    for (const tree of forest.trees) assert.equal(tree.size[0], Math.min(n, sampleSize));
    assert.ok(prepareForest(forest).depth <= depth);
  }
});

Deno.test("scoreRows() agrees with a node-by-node reference walk", () => {
  const rows = gaussian(3000, 5, 4);
  const forest = fitForest(rows, 5, { trees: 25, seed: 5 });
  const scores = scoreRows(forest, rows, 5);
  for (let i = 0; i < 3000; i++) {
    const expected = referenceScore(forest, rows.subarray(i * 5, i * 5 + 5));
    assert.ok(Math.abs(scores[i] - expected) < 1e-12, `row ${i}: ${scores[i]} vs ${expected}`);
    if (i % 97 === 0) assert.equal(scoreRow(forest, rows, i * 5), scores[i]);
  }
});

Deno.test("scoreRows() ranks a far point above a Gaussian cloud", () => {
  const cloud = gaussian(500, 2, 6);
  const rows = new Float64Array(502 * 2);
  rows.set(cloud);
  rows.set([6, 6, -5, 7], 1000);
  const scores = scoreRows(fitForest(rows, 2, { seed: 9 }), rows, 2);
  const inliers = scores.subarray(0, 500);
  const maxInlier = Math.max(...inliers);
  const meanInlier = inliers.reduce((a, x) => a + x, 0) / 500;
  assert.ok(
    scores[500] > maxInlier && scores[501] > maxInlier,
    `${scores[500]}, ${scores[501]} vs ${maxInlier}`,
  );
  assert.ok(scores[500] > 0.7, `far point ${scores[500]}`);
  assert.ok(meanInlier > 0.35 && meanInlier < 0.5, `mean inlier ${meanInlier}`);
  for (const s of scores) assert.ok(s > 0 && s < 1);
});

Deno.test("fitForest() never splits on a constant feature; all-constant rows give leaves and score 0.5", () => {
  const rng = createRng(10);
  const rows = Float64Array.from({ length: 600 * 3 }, (_, k) => (k % 3 === 1 ? 4 : rng.normal()));
  const forest = fitForest(rows, 3, { trees: 20 });
  for (const tree of forest.trees) assert.ok(!tree.feature.includes(1));
  const flat = fitForest(new Float64Array(300).fill(2), 3, { trees: 5 });
  for (const tree of flat.trees) assert.deepEqual(tree.feature, [-1]);
  assert.deepEqual([...scoreRows(flat, new Float64Array([2, 2, 2, 9, 9, 9]), 3)], [0.5, 0.5]);
});

Deno.test("scoreRows() with stride 1 scores sliding windows like materialised rows", () => {
  const values = gaussian(500, 1, 11);
  const d = 24;
  const n = values.length - d + 1;
  const materialised = new Float64Array(n * d);
  for (let i = 0; i < n; i++) materialised.set(values.subarray(i, i + d), i * d);
  const forest = fitForestWith(n, d, (i, out, at) => out.set(values.subarray(i, i + d), at), { trees: 20 });
  assert.deepEqual(forest, fitForest(materialised, d, { trees: 20 }));
  assert.deepEqual(scoreRows(forest, values, d, { stride: 1 }), scoreRows(forest, materialised, d));
  const last = scoreRows(forest, values, d, { stride: 1 }).subarray(n - 2);
  assert.deepEqual(scoreRows(forest, values, d, { stride: 1, first: 475 }), last);
  assert.equal(scoreRows(forest, values, d, { stride: 1, first: 477 }).length, 0);
});

Deno.test("NaN: fitting refuses it, scoring gives NaN for that row only", () => {
  const rows = gaussian(100, 2, 12);
  rows[37] = NaN;
  assert.throws(
    () => fitForest(rows, 2),
    new RangeError(
      "Cannot fit isolation forest: row 18 has a missing value at feature 1, current value is NaN",
    ),
  );
  const forest = fitForest(gaussian(100, 2, 13), 2);
  const scores = scoreRows(forest, rows, 2);
  assert.ok(Number.isNaN(scores[18]) && Number.isNaN(scoreRow(forest, rows, 36)));
  assert.equal(scores.filter(Number.isNaN).length, 1);
});

Deno.test("fitForest(), scoreRows() and prepareForest() reject bad input", () => {
  const table: [() => unknown, Error][] = [
    [
      () => fitForest(new Float64Array(5), 2),
      new RangeError(
        "Cannot fit isolation forest: rows.length must be a multiple of d = 2, current value is 5",
      ),
    ],
    [
      () => fitForest(new Float64Array(0), 2),
      new RangeError("Cannot fit isolation forest: need at least one row, current value is 0"),
    ],
    [
      () => fitForest(new Float64Array(4), 2, { trees: 0 }),
      new RangeError("Cannot fit isolation forest: trees must be an integer >= 1, current value is 0"),
    ],
    [
      () => scoreRows(fitForest(new Float64Array(4), 2), new Float64Array(6), 3),
      new RangeError("Cannot score rows: d must equal the forest's 2, current value is 3"),
    ],
    [
      () => scoreRow(fitForest(new Float64Array(4), 2), new Float64Array(6), 5),
      new RangeError("Cannot score row: offset must leave 2 values in rows of length 6, current value is 5"),
    ],
  ];
  for (const [call, error] of table) assert.throws(call, error);
  assert.throws(() => prepareForest({ version: 2 } as unknown as Forest), TypeError);
  const broken = fitForest(gaussian(100, 2, 14), 2, { trees: 2 });
  broken.trees[1].right[0] = 0;
  assert.throws(() => prepareForest(broken), /Cannot prepare isolation forest: tree 1 node 0 is malformed/);
});
