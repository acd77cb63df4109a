import type { RobustScale } from "../series/robust.ts";

/**
 * A run of points on one side, judged together (`seasonal_lag`'s and `local_z`'s): a stretch of points each
 * beyond the typical deviation (|z| ≥ 1 in units of the running scale), on one side; a point within it or on the
 * other side ends the run, so the score falls back with the values. At most `length` points are kept (a ring: in
 * a full ring the oldest leaves). Its score is |Σ z| / √count (Stouffer's): a run of k points at z = h scores
 * h√k, a lone point its own |z|.
 */
export class OneSidedRun {
  readonly #ring: Float64Array;
  #size = 0;
  #sum = 0;
  #head = 0;

  /** @param length Most points a run holds; under 2, every point is judged alone. */
  constructor(readonly length: number) {
    this.#ring = new Float64Array(Math.max(1, length));
  }

  /**
   * Adds the point's signed z and returns its score: |z| alone, or its run's |Σ z| / √count where that is larger
   * (`NaN` for a `NaN` z, which also ends the run).
   */
  score(zd: number): number {
    const z = zd < 0 ? -zd : zd;
    const w = this.length;
    if (w < 2) return z;
    if (!(z >= 1) || (this.#size > 0 && (zd > 0) !== (this.#sum > 0))) {
      this.#size = this.#sum = 0;
      return z;
    }
    const ring = this.#ring;
    if (this.#size === w) this.#sum -= ring[this.#head];
    else this.#size++;
    ring[this.#head] = zd;
    this.#sum += zd;
    if (++this.#head === w) {
      this.#head = 0;
      // Re-summed as the ring wraps, so a run that lasts days never drifts.
      if (this.#size === w) {
        let sum = 0;
        for (let k = 0; k < w; k++) sum += ring[k];
        this.#sum = sum;
      }
    }
    const sum = this.#sum;
    const run = (sum < 0 ? -sum : sum) / Math.sqrt(this.#size);
    return run > z ? run : z;
  }
}

/**
 * One point's deviation `d` judged as `seasonal_lag` and `local_z` judge theirs: in units of the running scale as
 * it stood before the point (the scale then learns |d|), alone and with its run; `NaN` until the scale has a
 * value (the run still takes the point).
 */
export function judgeDeviation(d: number, scale: RobustScale, run: OneSidedRun): number {
  const s = scale.value;
  const zd = d / (s + 1e-12);
  scale.update(d < 0 ? -d : d);
  const z = run.score(zd);
  return s === s ? z : NaN;
}
