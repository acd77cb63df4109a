/** How a detector's raw scores map to tail probabilities: empirical below `u`, a fitted tail above. */
export interface Calibration {
  /** Training samples the calibration was built from. */
  n: number;
  /** Raw score knots, ascending (empirical part). */
  knots: number[];
  /** P(raw ≥ knot) for each knot, descending. */
  probs: number[];
  /** Tail threshold: the raw score above which the fitted tail is used. */
  u: number;
  /** P(raw ≥ u). */
  pu: number;
  /** The smallest training score above u, where the tail starts. */
  m: number;
  /** P(raw ≥ m). */
  pm: number;
  /** Tail shape: `pareto` (p = pm·(x/m)^−alpha) for positive m, else `exponential` (p = pm·e^{−(x−m)/beta}). */
  tail: "pareto" | "exponential";
  /** Pareto index (Hill estimator) or exponential scale (mean excess). */
  shape: number;
}

/** Share of the training scores above the point where a calibration's fitted tail takes over. */
export const DEFAULT_TAIL_FRACTION = 0.05;

/** Options for {@link fitCalibration}. */
export interface FitCalibrationOptions {
  /** Tail probability where the fitted tail takes over (the tail shape is read between 4× this and this). @default 0.05 */
  tailFraction?: number;
  /** Knots stored for the empirical part. @default 200 */
  knots?: number;
  /** Fit a Pareto (heavy) tail to positive scores instead of an exponential one. @default false */
  heavyTail?: boolean;
  /** One step of the score (e.g. the grid step in hours for run-length scores), for the tail assumed when the
   * training scores never rose above their bulk. @default 1 */
  unit?: number;
}

/**
 * Fits a calibration of raw detector scores: the empirical survival function P(raw ≥ x) on training scores,
 * compressed to a few hundred knots, with a peaks-over-threshold tail (Pareto for positive scores, exponential
 * otherwise) so scores beyond anything seen in training still get a sensible, smaller probability.
 *
 * @param samples Raw training scores (NaN ignored). Reordered in place.
 * @param options See {@link FitCalibrationOptions}.
 * @returns The calibration (plain JSON).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitCalibration } from "./calibration.ts";
 * const cal = fitCalibration(Float64Array.from({ length: 1000 }, (_, i) => i / 1000));
 * assert.ok(cal.n === 1000 && cal.probs[0] === 1);
 * ```
 */
export function fitCalibration(samples: Float64Array, options: FitCalibrationOptions = {}): Calibration {
  const { tailFraction = DEFAULT_TAIL_FRACTION, knots: k = 200, heavyTail = false, unit = 1 } = options;
  const valid = samples.filter((v) => v === v).sort();
  const n = valid.length;
  if (n < 10) {
    throw new RangeError(`Cannot fit a calibration: need at least 10 finite scores, current value is ${n}`);
  }
  // Survival at index i (P(raw ≥ valid[i]), counting ties from their first index).
  const firstOf = (i: number) => {
    while (i > 0 && valid[i - 1] === valid[i]) i--;
    return i;
  };
  const surv = (i: number) => (n - firstOf(i) + 1) / (n + 1);
  // The tail is fitted to the body, not to the top: training data holds incidents (a few % of points), so the
  // highest scores are not "normal". Two body quantiles (p80, p95) fix a Pareto (positive scores) or an
  // exponential tail, extrapolated above u = p95 (p80 moves up to the first value above an atom at the floor).
  let ia = Math.floor(n * (1 - 4 * tailFraction));
  const ib = Math.floor(n * (1 - tailFraction));
  // A score that rests at its floor most of the time (a CUSUM at 0) has an atom there: the fall from all of the
  // atom to u is the atom, not the tail's decay. The shape is then read from the first value above the atom.
  if (valid[ia] === valid[0]) {
    let j = ia;
    while (j < ib && valid[j] === valid[0]) j++;
    if (valid[j] < valid[ib]) ia = j;
  }
  const qa = valid[ia], u = valid[ib];
  const first = firstOf(ib);
  const pu = surv(ib);
  let tail: Calibration["tail"], shape: number, m = u, pm = pu;
  if (u > qa) {
    const ratio = Math.log(surv(ia) / pu);
    if (heavyTail && qa > 0) {
      tail = "pareto";
      shape = ratio / Math.log(u / qa); // alpha
    } else {
      tail = "exponential";
      shape = (u - qa) / ratio; // beta
    }
  } else {
    // A discrete score with a mass at u (e.g. 0 hours missing): the tail starts at the next value m and decays
    // geometrically at the rate seen between m and the value after it.
    let j = ib;
    while (j < n && valid[j] === u) j++;
    if (j >= n) {
      // Nothing above u was ever seen (e.g. training without a single gap): no evidence for a tail. Assume one
      // step above u is a coin flip and each further step ten times rarer: a one-point gap or repeat is not an
      // incident, six steps of it are (p ≈ 5e-6).
      tail = "exponential";
      m = u + unit;
      pm = 0.5;
      shape = unit / Math.LN10;
    } else {
      m = valid[j];
      pm = surv(j);
      let k = j;
      while (k < n && valid[k] === m) k++;
      if (k >= n) {
        tail = "exponential";
        shape = Math.max(1e-3, m - u) / Math.log((n + 1) * pm);
      } else {
        // Decay from the counts AT m and at the next value, not from the survival P(≥ ·): for a run length,
        // count(raw = k) is the number of runs longer than k, so this ratio is the run continuation rate of the
        // short (normal) runs, which the long incidents in the training data barely move.
        const next = valid[k];
        let l = k;
        while (l < n && valid[l] === next) l++;
        const atM = k - j, atNext = l - k;
        tail = "exponential";
        // With no short normal runs at all (every run in training is an incident), the counts barely fall;
        // assume then that a normal run continues with probability at most 1/2 per step.
        shape = (next - m) / Math.max(Math.LN2, Math.log(atM / atNext));
      }
    }
  }
  // Empirical knots: distinct values spread over [valid[0], u], each with P(raw ≥ value).
  const knots: number[] = [], probs: number[] = [];
  let lastIdx = -1;
  for (let j = 0; j <= k; j++) {
    let idx = Math.round((first * j) / k);
    while (idx > 0 && valid[idx - 1] === valid[idx]) idx--;
    if (idx <= lastIdx) continue;
    knots.push(valid[idx]);
    probs.push((n - idx + 1) / (n + 1));
    lastIdx = idx;
  }
  if (knots[knots.length - 1] !== u) {
    knots.push(u);
    probs.push(pu);
  }
  probs[0] = 1;
  return { n, knots, probs, u, pu, m, pm, tail, shape };
}

/** Steps after which a run is taken for an incident when the normal runs' continuation rate is read. */
const PLATEAU = 6;

/** Options for {@link fitRunLength}. */
export interface FitRunLengthOptions {
  /** One grid step in the score's unit (hours). */
  unit: number;
  /** Run length, in steps, that first counts: shorter runs are never evidence. @default 1 */
  first?: number;
  /** Fewest runs of the first length needed to read their continuation rate off the data. @default 30 */
  minRuns?: number;
  /**
   * How often normal runs must start, at least, for their continuation rate to be read off the data: once per
   * this many hours of each series on average (in the score's unit). @default 168 (a week)
   */
  minRate?: number;
}

/**
 * Fits the calibration of a run-length score (hours stuck, hours without data) as a memoryless run model: a run
 * of the `first` length starts at a point with probability s, and each further step continues it with
 * probability c, so P(run ≥ first + k steps) = s · c^k. Both are read off the normal runs — those that end
 * within 6 steps; the longer ones are taken for incidents, so the incidents in training data make neither a run
 * nor a long run look normal. s is their rate, each run counted once (Laplace-smoothed); c is the share of them
 * that went one step further, when there are at least `minRuns` of them and they start at least once a week of
 * each series on average (`minRate`); otherwise (a noisy metric whose only runs are its incidents), it is s
 * itself: each further repeat or missing point as unlikely as the first one. The rate matters as much as the
 * count: a fleet of 96 series with 6 months of hourly history holds 50 flatline incidents of 1–12 h, enough runs
 * by count, all of them incidents; their continuation (0.99) made a 12-hour flatline as likely as a 1-hour one.
 * Normal life is what a metric does every week; runs rarer than that are the incidents.
 *
 * @param samples Every raw score of the training data (not subsampled; NaN ignored).
 * @param options See {@link FitRunLengthOptions}.
 * @returns The calibration (plain JSON, read by {@link tailProbability}).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitRunLength, tailProbability } from "./calibration.ts";
 * // 10 000 points, one 3-step run (raw 1, 2, 3 hours at an hourly step)
 * const raw = new Float64Array(10_000);
 * raw.set([1, 2, 3], 500);
 * const cal = fitRunLength(raw, { unit: 1 });
 * assert.equal(tailProbability(cal, 0), 1);
 * assert.ok(Math.abs(tailProbability(cal, 1) - 2 / 10_002) < 1e-12);
 * assert.ok(tailProbability(cal, 2) < 1e-7); // a 3-point run: s · c, with c = s (the only run is this one)
 * ```
 */
export function fitRunLength(samples: ArrayLike<number>, options: FitRunLengthOptions): Calibration {
  const { unit, first = 1, minRuns = 30, minRate = 168 } = options;
  let n = 0, atFirst = 0, atNext = 0, atPlateau = 0, beyond = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    if (v !== v) continue;
    n++;
    const k = Math.round(v / unit);
    if (k === first) atFirst++;
    else if (k === first + 1) atNext++;
    else if (k === first + PLATEAU) atPlateau++;
    if (k >= first + PLATEAU) beyond++;
  }
  if (n < 10) {
    throw new RangeError(
      `Cannot fit a run-length calibration: need at least 10 finite scores, current value is ${n}`,
    );
  }
  // Long runs are taken for incidents, and incidents are rare: when more of the training time sits in long runs
  // than the tail share a calibration reads its tail from (a square wave, a counter that rests for hours), the
  // runs are the series' normal life, and their own distribution calibrates them.
  if (beyond > DEFAULT_TAIL_FRACTION * n) return fitCalibration(Float64Array.from(samples), { unit });
  // Runs that reach `first` + PLATEAU steps are taken for incidents (they go on); the rest are the normal runs:
  // their rate is how often a run starts, and their decay from one length to the next is their continuation rate.
  const normal = atFirst - atPlateau;
  const s = (normal + 1) / (n + 2);
  const often = normal >= minRuns && normal * minRate >= n * unit;
  const c = often ? Math.min(0.99, Math.max(s, (atNext - atPlateau) / normal)) : s;
  const m = first * unit;
  return {
    n,
    knots: [0, m - unit / 2],
    probs: [1, 1],
    u: m - unit / 2,
    pu: 1,
    m,
    pm: s,
    tail: "exponential",
    shape: unit / -Math.log(c),
  };
}

/** Decades beyond the rarest training score that a fitted tail is trusted for. */
export const TAIL_DECADES = 4;

/**
 * Whether a calibration's scores rest at their smallest value most of the time (at least 80 % of them): a sum
 * with memory (a CUSUM at 0), whose tail is made of how long deviations persist.
 */
export function restsAtAtom(cal: Pick<Calibration, "knots" | "probs">): boolean {
  return cal.knots.length > 1 && cal.probs[1] <= 0.2;
}

/**
 * The smallest tail probability a calibration gives: {@link TAIL_DECADES} decades below 1/(n + 1), the rarest
 * score it saw. An extrapolated tail says that a score is far beyond anything seen, not how far: without the
 * floor, an exponential tail fitted to a quiet body gives 1e-300 to a sustained shift, and a profile threshold
 * learned from such numbers (the daily maxima of a CUSUM in six months of training) ends up beyond every spike.
 *
 * @param cal The calibration.
 * @returns The floor, a probability.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tailFloor } from "./calibration.ts";
 * assert.ok(Math.abs(tailFloor({ n: 999 }) - 1e-7) < 1e-20);
 * ```
 */
export function tailFloor(cal: Pick<Calibration, "n">): number {
  return Math.pow(10, -TAIL_DECADES) / (cal.n + 1);
}

/** The raw score where a calibration's fitted tail falls to `floor` (≤ 0 when there is none). */
export function floorPoint(cal: Calibration, floor: number): number {
  const { m, pm, shape } = cal;
  if (!(pm > floor) || !(shape > 0)) return 0;
  return cal.tail === "pareto" ? m * Math.pow(pm / floor, 1 / shape) : m + shape * Math.log(pm / floor);
}

/**
 * The tail probability P(raw ≥ x) under a calibration: 1 at or below the smallest training score, interpolated
 * (in log probability) between knots, the fitted tail above `u` down to {@link tailFloor}, and beyond the floor a
 * decade for each tenfold of the score past {@link floorPoint}. `NaN` in, `NaN`
 * out.
 *
 * @param cal The calibration.
 * @param x A raw score.
 * @returns The tail probability in (0, 1].
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitCalibration, tailProbability } from "./calibration.ts";
 * const cal = fitCalibration(Float64Array.from({ length: 1000 }, (_, i) => i / 1000));
 * assert.ok(tailProbability(cal, 0.5) > 0.45 && tailProbability(cal, 0.5) < 0.55);
 * assert.ok(tailProbability(cal, 5) < 1e-4);
 * ```
 */
export function tailProbability(cal: Calibration, x: number): number {
  if (x !== x) return NaN;
  const { knots, probs, u } = cal;
  if (x > u) {
    const { m, pm } = cal;
    if (x <= m) return pm;
    const p = cal.tail === "pareto" ? pm * Math.pow(x / m, -cal.shape) : pm * Math.exp(-(x - m) / cal.shape);
    const floor = tailFloor(cal);
    if (p >= floor) return p;
    // Beyond the floor, only "farther is rarer": a decade for each tenfold of the score past where the tail met
    // the floor, so that a score ten times beyond the usual extremes still ranks above them.
    const at = floorPoint(cal, floor);
    return at > 0 && x > at ? floor * (at / x) : floor;
  }
  if (x <= knots[0]) return 1;
  let lo = 0, hi = knots.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (knots[mid] <= x) lo = mid;
    else hi = mid;
  }
  if (x === knots[lo] || knots[hi] === knots[lo]) return probs[lo];
  if (x >= knots[hi]) return probs[hi];
  // Strictly between two knots: P(raw ≥ x) = P(raw ≥ next knot) … interpolate in log space.
  const f = (x - knots[lo]) / (knots[hi] - knots[lo]);
  return Math.exp(Math.log(probs[lo]) * (1 - f) + Math.log(probs[hi]) * f);
}
