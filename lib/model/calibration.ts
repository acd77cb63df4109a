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
  const { tailFraction = 0.05, knots: k = 200, heavyTail = false, unit = 1 } = options;
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
  // exponential tail, extrapolated above u = p95.
  const ia = Math.floor(n * (1 - 4 * tailFraction)), ib = Math.floor(n * (1 - tailFraction));
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

/**
 * The tail probability P(raw ≥ x) under a calibration: 1 at or below the smallest training score, interpolated
 * (in log probability) between knots, the fitted tail above `u`. `NaN` in, `NaN` out.
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
    return cal.tail === "pareto" ? pm * Math.pow(x / m, -cal.shape) : pm * Math.exp(-(x - m) / cal.shape);
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
