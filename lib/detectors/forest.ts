/**
 * A small, fast, seeded isolation forest (Liu, Ting & Zhou 2008) that follows scikit-learn's
 * `IsolationForest`: each tree is grown on `min(sampleSize, n)` rows drawn without replacement, every node picks a
 * random non-constant feature and a split uniform between that feature's minimum and maximum in the node, growth
 * stops at `ceil(log2(sampleSize))`, and a point's path length adds `c(leafSize)` at the leaf it reaches.
 *
 * The fitted {@link Forest} is plain JSON (number arrays only), so it can be stored in a model file; scoring
 * converts it once to typed arrays ({@link prepareForest}, cached per forest object) and walks every tree in a
 * tight loop.
 *
 * Missing values: fitting refuses rows with `NaN` (a `RangeError`), and scoring returns `NaN` for any row with a
 * `NaN` feature. Callers fill or skip missing values before they get here.
 *
 * Private helper of the detectors (leading `_`): `lib/mod.ts` does not export it.
 *
 * @module
 */
import { createRng, type Rng } from "../prng.ts";

/** One fitted tree in pre-order layout: node 0 is the root and an internal node's left child is the next node. */
export type ForestTree = {
  /** Feature index split on at each node; `-1` marks a leaf. */
  feature: number[];
  /** Split value at each internal node (a row goes left when `x[feature] <= threshold`); `0` at leaves. */
  threshold: number[];
  /** Index of the right child of each internal node; `0` at leaves. */
  right: number[];
  /** Number of training rows that reached each node. */
  size: number[];
};

/** A fitted isolation forest, plain JSON: survives `JSON.stringify`/`JSON.parse` unchanged. */
export type Forest = {
  /** Layout version of this object. */
  version: 1;
  /** Number of features per row. */
  d: number;
  /** Rows each tree was grown on: `min(sampleSize, n)`; it sets the normaliser `c(sampleSize)` of the score. */
  sampleSize: number;
  /** Depth limit the trees were grown with. */
  maxDepth: number;
  /** The trees. */
  trees: ForestTree[];
};

/**
 * A forest converted for scoring: every tree laid out as a complete binary tree of depth `depth` (node `q` has
 * children `2q + 1` and `2q + 2`; a leaf above the bottom becomes a chain of pass-through nodes with threshold
 * `+Infinity`), so that scoring is branch-free.
 */
export type PreparedForest = {
  /** Marks the prepared form. */
  prepared: true;
  /** Number of features per row. */
  d: number;
  /** Number of trees. */
  trees: number;
  /** Depth of every laid-out tree. */
  depth: number;
  /** Feature per internal node, `trees × (2^depth − 1)`. */
  feature: Int32Array;
  /** Split value per internal node (`+Infinity` for pass-through nodes), `trees × (2^depth − 1)`. */
  threshold: Float64Array;
  /** Path length credited at each bottom slot (depth of the real leaf plus `c(leafSize)`), `trees × 2^depth`. */
  leafValue: Float64Array;
  /** `-1 / (trees * c(sampleSize))`: the score is `2 ** (sum of leaf values * scale)`. */
  scale: number;
};

/** The deepest tree a forest may have: a prepared tree holds `2^depth` slots. */
const MAX_DEPTH = 16;

/** Options for {@link fitForest} and {@link fitForestWith}. */
export type FitForestOptions = {
  /**
   * Number of trees.
   * @default {100}
   */
  trees?: number;
  /**
   * Rows drawn (without replacement) for each tree; capped at the number of rows.
   * @default {256}
   */
  sampleSize?: number;
  /**
   * Seed of the random source ({@link createRng}).
   * @default {42}
   */
  seed?: number;
  /**
   * Depth limit of every tree.
   * @default {ceil(log2(max(min(sampleSize, n), 2)))}
   */
  maxDepth?: number;
};

const EULER_GAMMA = 0.5772156649015329;

/**
 * The average path length of an unsuccessful search in a binary search tree of `n` points, `c(n)`, which
 * normalises isolation depths: `c(n) = 2 H(n − 1) − 2 (n − 1) / n` with `H(k) ≈ ln k + γ`; `c(2) = 1`, `c(1) = 0`.
 *
 * @param n Number of points (`0` and `1` give `0`).
 * @returns `c(n)`.
 *
 * @example
 * ```ts
 * import { averagePathLength } from "./forest.ts";
 * if (!(averagePathLength(2) === 1)) throw new Error("example failed");
 * if (!(Math.abs(averagePathLength(256) - 10.2448) < 1e-3)) throw new Error("example failed");
 * ```
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/**
 * Fits an isolation forest on rows given as one row-major array of `n × d` values.
 *
 * @param rows The rows, row-major (`rows[i * d + j]` is feature `j` of row `i`); no `NaN`.
 * @param d Number of features per row (≥ 1).
 * @param options Trees, sample size, seed and depth limit.
 * @returns The fitted forest, plain JSON.
 * @throws {RangeError} When `d` or an option is out of range, there are no rows, or a sampled row has `NaN`.
 *
 * @example
 * ```ts
 * import { fitForest, scoreRows } from "./forest.ts";
 * const rows = new Float64Array([0, 0, 0.1, 0.2, -0.1, 0.1, 0.2, -0.2, 5, 5]);
 * const forest = fitForest(rows, 2, { trees: 50, seed: 1 });
 * const scores = scoreRows(forest, rows, 2);
 * if (!(scores[4] > scores[0])) throw new Error("example failed"); // the far point (5, 5) is the most anomalous
 * ```
 */
export function fitForest(rows: Float64Array, d: number, options: FitForestOptions = {}): Forest {
  if (!Number.isInteger(d) || d < 1) {
    throw new RangeError(`Cannot fit isolation forest: d must be an integer >= 1, current value is ${d}`);
  }
  if (rows.length % d !== 0) {
    throw new RangeError(
      `Cannot fit isolation forest: rows.length must be a multiple of d = ${d}, current value is ${rows.length}`,
    );
  }
  return fitForestWith(rows.length / d, d, (i, out, at) => {
    for (let j = 0; j < d; j++) out[at + j] = rows[i * d + j];
  }, options);
}

/**
 * Fits an isolation forest on `n` rows that are produced on demand, so that callers with many overlapping
 * windows need not materialise them: only the `min(sampleSize, n)` rows of each tree are ever requested.
 *
 * @param n Number of rows available (≥ 1).
 * @param d Number of features per row (≥ 1).
 * @param fill Writes row `index` into `out[at .. at + d - 1]`.
 * @param options Trees, sample size, seed and depth limit.
 * @returns The fitted forest, plain JSON.
 * @throws {RangeError} When an argument is out of range or a requested row has `NaN`.
 *
 * @example
 * ```ts
 * import { fitForestWith } from "./forest.ts";
 * const values = new Float64Array([1, 2, 3, 4, 5, 6, 7, 8]);
 * // The 6 sliding windows of width 3 over `values`, never copied into one matrix.
 * const forest = fitForestWith(6, 3, (i, out, at) => out.set(values.subarray(i, i + 3), at), { trees: 3 });
 * if (!(forest.trees.length === 3 && forest.sampleSize === 6)) throw new Error("example failed");
 * ```
 */
export function fitForestWith(
  n: number,
  d: number,
  fill: (index: number, out: Float64Array, at: number) => void,
  options: FitForestOptions = {},
): Forest {
  const { trees = 100, sampleSize = 256, seed = 42 } = options;
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`Cannot fit isolation forest: need at least one row, current value is ${n}`);
  }
  if (!Number.isInteger(d) || d < 1) {
    throw new RangeError(`Cannot fit isolation forest: d must be an integer >= 1, current value is ${d}`);
  }
  if (!Number.isInteger(trees) || trees < 1) {
    throw new RangeError(
      `Cannot fit isolation forest: trees must be an integer >= 1, current value is ${trees}`,
    );
  }
  if (!Number.isInteger(sampleSize) || sampleSize < 1) {
    throw new RangeError(
      `Cannot fit isolation forest: sampleSize must be an integer >= 1, current value is ${sampleSize}`,
    );
  }
  const m = Math.min(sampleSize, n);
  const maxDepth = options.maxDepth ?? Math.ceil(Math.log2(Math.max(m, 2)));
  if (!Number.isInteger(maxDepth) || maxDepth < 0 || maxDepth > MAX_DEPTH) {
    throw new RangeError(
      `Cannot fit isolation forest: maxDepth must be an integer in [0, ${MAX_DEPTH}], current value is ${maxDepth}`,
    );
  }
  const rng = createRng(seed);
  const sample = new Float64Array(m * d);
  const chosen = new Int32Array(m);
  const builder = new _TreeBuilder(m, d, maxDepth, rng);
  const out: ForestTree[] = [];
  for (let t = 0; t < trees; t++) {
    _sampleWithoutReplacement(n, m, rng, chosen);
    for (let k = 0; k < m; k++) {
      fill(chosen[k], sample, k * d);
      for (let j = 0; j < d; j++) {
        if (Number.isNaN(sample[k * d + j])) {
          throw new RangeError(
            `Cannot fit isolation forest: row ${
              chosen[k]
            } has a missing value at feature ${j}, current value is NaN`,
          );
        }
      }
    }
    out.push(builder.build(sample));
  }
  return { version: 1, d, sampleSize: m, maxDepth, trees: out };
}

/** Draws `m` distinct integers from `[0, n)` into `out` (Floyd's algorithm for small m, else a partial shuffle). */
function _sampleWithoutReplacement(n: number, m: number, rng: Rng, out: Int32Array): void {
  if (m === n) {
    for (let i = 0; i < n; i++) out[i] = i;
    return;
  }
  const seen = new Set<number>();
  let k = 0;
  for (let j = n - m; j < n; j++) {
    const t = rng.int(0, j);
    const pick = seen.has(t) ? j : t;
    seen.add(pick);
    out[k++] = pick;
  }
}

/** Grows one tree on a sample of `m` rows, reusing its buffers across trees. */
class _TreeBuilder {
  readonly #m: number;
  readonly #d: number;
  readonly #maxDepth: number;
  readonly #rng: Rng;
  readonly #index: Int32Array;
  readonly #features: Int32Array;
  #rows: Float64Array = new Float64Array(0);
  #feature: number[] = [];
  #threshold: number[] = [];
  #right: number[] = [];
  #size: number[] = [];

  constructor(m: number, d: number, maxDepth: number, rng: Rng) {
    this.#m = m;
    this.#d = d;
    this.#maxDepth = maxDepth;
    this.#rng = rng;
    this.#index = new Int32Array(m);
    this.#features = new Int32Array(d);
  }

  build(rows: Float64Array): ForestTree {
    this.#rows = rows;
    this.#feature = [];
    this.#threshold = [];
    this.#right = [];
    this.#size = [];
    for (let i = 0; i < this.#m; i++) this.#index[i] = i;
    this.#grow(0, this.#m, 0);
    return { feature: this.#feature, threshold: this.#threshold, right: this.#right, size: this.#size };
  }

  #leaf(size: number): void {
    this.#feature.push(-1);
    this.#threshold.push(0);
    this.#right.push(0);
    this.#size.push(size);
  }

  #grow(lo: number, hi: number, depth: number): void {
    const size = hi - lo;
    if (size <= 1 || depth >= this.#maxDepth) {
      this.#leaf(size);
      return;
    }
    const d = this.#d;
    const rows = this.#rows;
    const index = this.#index;
    const features = this.#features;
    for (let j = 0; j < d; j++) features[j] = j;
    // Like scikit-learn's random splitter: draw features until one is not constant in this node.
    let remaining = d;
    let f = -1;
    let min = 0;
    let max = 0;
    while (remaining > 0) {
      const pick = this.#rng.int(0, remaining - 1);
      const candidate = features[pick];
      min = Infinity;
      max = -Infinity;
      for (let k = lo; k < hi; k++) {
        const x = rows[index[k] * d + candidate];
        if (x < min) min = x;
        if (x > max) max = x;
      }
      if (max > min) {
        f = candidate;
        break;
      }
      features[pick] = features[remaining - 1];
      remaining--;
    }
    if (f < 0) {
      this.#leaf(size);
      return;
    }
    let threshold = min + this.#rng.next() * (max - min);
    if (threshold >= max) threshold = min;
    // Partition index[lo..hi) so that rows with x <= threshold come first.
    let i = lo;
    let j = hi - 1;
    while (i <= j) {
      if (rows[index[i] * d + f] <= threshold) {
        i++;
      } else {
        const tmp = index[i];
        index[i] = index[j];
        index[j] = tmp;
        j--;
      }
    }
    const node = this.#feature.length;
    this.#feature.push(f);
    this.#threshold.push(threshold);
    this.#right.push(0);
    this.#size.push(size);
    this.#grow(lo, i, depth + 1);
    this.#right[node] = this.#feature.length;
    this.#grow(i, hi, depth + 1);
  }
}

const _prepared = new WeakMap<Forest, PreparedForest>();

/**
 * Converts a forest to typed arrays for scoring (done once per forest object; {@link scoreRow} and
 * {@link scoreRows} do it themselves and cache the result).
 *
 * @param forest A forest from {@link fitForest}, possibly after a JSON round trip.
 * @returns The prepared forest.
 * @throws {TypeError} When the forest is malformed.
 *
 * @example
 * ```ts
 * import { fitForest, prepareForest, scoreRows } from "./forest.ts";
 * const forest = fitForest(new Float64Array([1, 2, 3, 4, 100]), 1, { trees: 10 });
 * const prepared = prepareForest(JSON.parse(JSON.stringify(forest)));
 * const x = new Float64Array([100]);
 * if (!(scoreRows(prepared, x, 1)[0] === scoreRows(forest, x, 1)[0])) throw new Error("example failed");
 * ```
 */
export function prepareForest(forest: Forest): PreparedForest {
  const cached = _prepared.get(forest);
  if (cached) return cached;
  const fail = (detail: string, value: unknown): never => {
    throw new TypeError(
      `Cannot prepare isolation forest: ${detail}, current value is ${JSON.stringify(value)?.slice(0, 80)}`,
    );
  };
  if (forest?.version !== 1 || !Array.isArray(forest.trees) || forest.trees.length === 0) {
    fail("expected {version: 1, d, sampleSize, maxDepth, trees: [...]}", forest);
  }
  if (!Number.isInteger(forest.d) || forest.d < 1) fail("d must be an integer >= 1", forest.d);
  if (!Number.isInteger(forest.sampleSize) || forest.sampleSize < 1) {
    fail("sampleSize must be an integer >= 1", forest.sampleSize);
  }
  // Depth of every tree (pre-order: the left child of an internal node k is k + 1).
  const depths = forest.trees.map((tree, t) => {
    const count = tree?.feature?.length;
    if (
      !count || tree.threshold?.length !== count || tree.right?.length !== count ||
      tree.size?.length !== count
    ) {
      fail(`tree ${t} must have equal, non-empty feature/threshold/right/size arrays`, count);
    }
    const depth = new Int32Array(count);
    let max = 0;
    for (let k = 0; k < count; k++) {
      const f = tree.feature[k];
      if (f < 0) continue;
      const r = tree.right[k];
      if (
        !Number.isInteger(f) || f >= forest.d || !(r > k + 1 && r < count) ||
        typeof tree.threshold[k] !== "number"
      ) {
        fail(`tree ${t} node ${k} is malformed`, { feature: f, right: r, threshold: tree.threshold[k] });
      }
      depth[k + 1] = depth[r] = depth[k] + 1;
      if (depth[k] + 1 > max) max = depth[k] + 1;
    }
    return { depth, max };
  });
  const D = Math.max(...depths.map((x) => x.max));
  if (D > MAX_DEPTH) fail(`trees must be at most ${MAX_DEPTH} deep`, D);
  const trees = forest.trees.length;
  const nInternal = (1 << D) - 1;
  const nSlots = 1 << D;
  const feature = new Int32Array(trees * nInternal);
  const threshold = new Float64Array(trees * nInternal).fill(Infinity);
  const leafValue = new Float64Array(trees * nSlots);
  forest.trees.forEach((tree, t) => {
    const { depth } = depths[t];
    const internalBase = t * nInternal;
    const slotBase = t * nSlots - nInternal;
    // Walk the pre-order tree with an explicit stack of (node, position in the complete layout).
    const stack: number[] = [0, 0];
    while (stack.length > 0) {
      const pos = stack.pop()!;
      const k = stack.pop()!;
      const f = tree.feature[k];
      if (f < 0) {
        let q = pos;
        for (let level = depth[k]; level < D; level++) q = 2 * q + 1;
        leafValue[slotBase + q] = depth[k] + averagePathLength(tree.size[k]);
      } else {
        feature[internalBase + pos] = f;
        threshold[internalBase + pos] = tree.threshold[k];
        stack.push(k + 1, 2 * pos + 1, tree.right[k], 2 * pos + 2);
      }
    }
  });
  const prepared: PreparedForest = {
    prepared: true,
    d: forest.d,
    trees,
    depth: D,
    feature,
    threshold,
    leafValue,
    // c(1) = 0 (one training row): every depth is 0 too, so use 1 and score 2^0 = 1 rather than 0/0.
    scale: -1 / (trees * Math.max(1, averagePathLength(forest.sampleSize))),
  };
  _prepared.set(forest, prepared);
  return prepared;
}

function _asPrepared(forest: Forest | PreparedForest): PreparedForest {
  return (forest as PreparedForest).prepared === true
    ? forest as PreparedForest
    : prepareForest(forest as Forest);
}

/**
 * Scores `count` rows of `d` features that start at `first`, `first + stride`, … in `values` into
 * `out[at ..]`. Rows are taken 256 at a time against one tree at a time, eight rows walked in lock-step so the
 * CPU overlaps their memory loads; the walk is branch-free (`node = 2 node + 1 + (x > split)`).
 */
function _scoreStrided(
  p: PreparedForest,
  values: ArrayLike<number>,
  first: number,
  stride: number,
  count: number,
  out: Float64Array,
  at: number,
): void {
  const { d, depth: D, feature, threshold, leafValue, trees, scale } = p;
  const nInternal = (1 << D) - 1;
  const nSlots = 1 << D;
  const BLOCK = 256;
  out.fill(0, at, at + count);
  for (let lo = 0; lo < count; lo += BLOCK) {
    const hi = Math.min(count, lo + BLOCK);
    for (let t = 0; t < trees; t++) {
      const fb = t * nInternal;
      const lb = t * nSlots - nInternal;
      let i = lo;
      for (; i + 8 <= hi; i += 8) {
        const b0 = first + i * stride;
        const b1 = b0 + stride;
        const b2 = b1 + stride;
        const b3 = b2 + stride;
        const b4 = b3 + stride;
        const b5 = b4 + stride;
        const b6 = b5 + stride;
        const b7 = b6 + stride;
        let n0 = 0, n1 = 0, n2 = 0, n3 = 0, n4 = 0, n5 = 0, n6 = 0, n7 = 0;
        for (let level = 0; level < D; level++) {
          const q0 = fb + n0, q1 = fb + n1, q2 = fb + n2, q3 = fb + n3;
          const q4 = fb + n4, q5 = fb + n5, q6 = fb + n6, q7 = fb + n7;
          n0 = 2 * n0 + 1 + +(values[b0 + feature[q0]] > threshold[q0]);
          n1 = 2 * n1 + 1 + +(values[b1 + feature[q1]] > threshold[q1]);
          n2 = 2 * n2 + 1 + +(values[b2 + feature[q2]] > threshold[q2]);
          n3 = 2 * n3 + 1 + +(values[b3 + feature[q3]] > threshold[q3]);
          n4 = 2 * n4 + 1 + +(values[b4 + feature[q4]] > threshold[q4]);
          n5 = 2 * n5 + 1 + +(values[b5 + feature[q5]] > threshold[q5]);
          n6 = 2 * n6 + 1 + +(values[b6 + feature[q6]] > threshold[q6]);
          n7 = 2 * n7 + 1 + +(values[b7 + feature[q7]] > threshold[q7]);
        }
        const o = at + i;
        out[o] += leafValue[lb + n0];
        out[o + 1] += leafValue[lb + n1];
        out[o + 2] += leafValue[lb + n2];
        out[o + 3] += leafValue[lb + n3];
        out[o + 4] += leafValue[lb + n4];
        out[o + 5] += leafValue[lb + n5];
        out[o + 6] += leafValue[lb + n6];
        out[o + 7] += leafValue[lb + n7];
      }
      for (; i < hi; i++) {
        const b = first + i * stride;
        let node = 0;
        for (let level = 0; level < D; level++) {
          const q = fb + node;
          node = 2 * node + 1 + +(values[b + feature[q]] > threshold[q]);
        }
        out[at + i] += leafValue[lb + node];
      }
    }
    for (let i = lo; i < hi; i++) {
      const b = first + i * stride;
      let missing = false;
      for (let j = 0; j < d; j++) {
        if (values[b + j] !== values[b + j]) missing = true;
      }
      out[at + i] = missing ? NaN : Math.pow(2, out[at + i] * scale);
    }
  }
}

/**
 * The anomaly score of one row, `2 ** (−E[h(x)] / c(sampleSize))` in (0, 1): near 1 is easy to isolate
 * (anomalous), around 0.5 and below is ordinary. This is scikit-learn's `score_samples` negated.
 *
 * @param forest A forest (JSON form or prepared).
 * @param rows Any array holding the row's `d` features contiguously, e.g. a series' values for a sliding window.
 * @param offset Index of the row's first feature in `rows`.
 * @returns The score, or `NaN` when a feature is `NaN`.
 * @throws {RangeError} When the row does not fit in `rows`.
 *
 * @example
 * ```ts
 * import { fitForest, scoreRow } from "./forest.ts";
 * const values = new Float64Array([1, 2, 1, 2, 1, 2, 1, 2, 9, 2]);
 * const forest = fitForest(values, 2, { trees: 20 });
 * if (!(scoreRow(forest, values, 8) > scoreRow(forest, values, 0))) throw new Error("example failed");
 * ```
 */
export function scoreRow(forest: Forest | PreparedForest, rows: ArrayLike<number>, offset: number): number {
  const p = _asPrepared(forest);
  if (!Number.isInteger(offset) || offset < 0 || offset + p.d > rows.length) {
    throw new RangeError(
      `Cannot score row: offset must leave ${p.d} values in rows of length ${rows.length}, current value is ${offset}`,
    );
  }
  const out = new Float64Array(1);
  _scoreStrided(p, rows, offset, p.d, 1, out, 0);
  return out[0];
}

/**
 * Scores many rows; see {@link scoreRow} for the score. Rows are `d` consecutive values starting every `stride`
 * values: `stride = d` (the default) reads a row-major `n × d` matrix, `stride = 1` reads every sliding window of
 * width `d` over one series without copying it.
 *
 * @param forest A forest (JSON form or prepared).
 * @param rows The values.
 * @param d Number of features per row; must match the forest.
 * @param options `stride` (default `d`) and `first` (index of the first row's first value, default 0).
 * @returns One score per row that fits entirely in `rows`, `NaN` for rows with a `NaN` feature.
 * @throws {RangeError} When `d` does not match the forest or `stride`/`first` is out of range.
 *
 * @example
 * ```ts
 * import { fitForest, scoreRows } from "./forest.ts";
 * const rows = new Float64Array([0, 1, 0, 1, 0, 1, 0, 1, 30, NaN]);
 * const forest = fitForest(rows.subarray(0, 8), 2, { trees: 10 });
 * const s = scoreRows(forest, rows, 2);
 * if (!(s.length === 5 && s[0] > 0 && s[0] < 1 && Number.isNaN(s[4]))) throw new Error("example failed");
 * const sliding = scoreRows(forest, rows, 2, { stride: 1 });
 * if (!(sliding.length === 9 && sliding[0] === s[0])) throw new Error("example failed");
 * ```
 */
export function scoreRows(
  forest: Forest | PreparedForest,
  rows: ArrayLike<number>,
  d: number,
  options: ScoreRowsOptions = {},
): Float64Array {
  const { stride = d, first = 0 } = options;
  const p = _asPrepared(forest);
  if (d !== p.d) {
    throw new RangeError(`Cannot score rows: d must equal the forest's ${p.d}, current value is ${d}`);
  }
  if (!Number.isInteger(stride) || stride < 1) {
    throw new RangeError(`Cannot score rows: stride must be an integer >= 1, current value is ${stride}`);
  }
  if (!Number.isInteger(first) || first < 0) {
    throw new RangeError(`Cannot score rows: first must be an integer >= 0, current value is ${first}`);
  }
  const n = rows.length - first >= d ? Math.floor((rows.length - first - d) / stride) + 1 : 0;
  const out = new Float64Array(n);
  _scoreStrided(p, rows, first, stride, n, out, 0);
  return out;
}

/** Options for {@link scoreRows}. */
export type ScoreRowsOptions = {
  /**
   * Distance between the first values of consecutive rows.
   * @default {d}
   */
  stride?: number;
  /**
   * Index of the first row's first value.
   * @default {0}
   */
  first?: number;
};
