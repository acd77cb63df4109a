/** Private helpers shared by the detectors: grid arithmetic, small medians, selection, EW rates. */

/** Milliseconds in an hour and a day. */
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Hours in a week: the slots of a weekly profile, Monday 00:00–01:00 UTC first. */
export const WEEK_SLOTS = 168;

/** The weekly slot of a time: hours since Monday 00:00 UTC (1970-01-01 was a Thursday). */
export function weekSlot(t: number): number {
  const h = Math.floor(t / HOUR) + 72;
  return ((h % WEEK_SLOTS) + WEEK_SLOTS) % WEEK_SLOTS;
}

/**
 * Points before a running level or scale is trusted: 2 hours, at least 6 points — detectors that need no
 * seasonal history score from the first hours.
 */
export function warmupPoints(step: number): number {
  return Math.max(6, Math.round((2 * HOUR) / step));
}

/** Grid points in a duration (at least 1). */
export function pointsIn(durationMs: number, step: number): number {
  return Math.max(1, Math.round(durationMs / step));
}

/** The per-point factor of an exponentially weighted average whose weights halve every `halfLife` points. */
export function ewAlpha(halfLifePoints: number): number {
  return 1 - Math.pow(0.5, 1 / Math.max(1, halfLifePoints));
}

/** Sorts the first `n` entries of `a` in place, ascending (insertion sort: for a few values). */
export function insertionSort(a: Float64Array, n: number): void {
  for (let x = 1; x < n; x++) {
    const v = a[x];
    let y = x - 1;
    while (y >= 0 && a[y] > v) {
      a[y + 1] = a[y];
      y--;
    }
    a[y + 1] = v;
  }
}

/** Median of the first `n` entries of `buf` (n ≤ 8), sorting them in place. */
export function smallMedian(buf: Float64Array, n: number): number {
  insertionSort(buf, n);
  return n % 2 ? buf[n >> 1] : (buf[(n >> 1) - 1] + buf[n >> 1]) / 2;
}

/** The k-th smallest (0-based) of `a[0..n)`, reordering `a` (Hoare's quickselect). */
export function select(a: Float64Array, n: number, k: number): number {
  let lo = 0, hi = n - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** Median of `a[0..n)` (reorders `a`). */
export function medianOf(a: Float64Array, n: number): number {
  if (n === 0) return NaN;
  const hi = select(a, n, n >> 1);
  if (n % 2) return hi;
  let lo = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (a[i] > lo) lo = a[i];
  return (lo + hi) / 2;
}

/**
 * A causal, robust running scale of a signal: an exponentially weighted mean of |d| whose updates are clipped
 * at `clip` × the current scale, so an anomaly barely moves it. Returns `NaN` until `warmup` values other than 0
 * were seen: exact zeros (a value and its expectation both at 0, an idle shard's night) say nothing about the
 * scale, and a scale started at 0 would stay there, every later value clipped to `clip` × 0 (an idle shard whose
 * first hours were its night then scored every deviation against 1e-12). After the warm-up, zeros count.
 */
export class RobustScale {
  #sum = 0;
  #count = 0;
  #scale = NaN;
  constructor(readonly alpha: number, readonly warmup: number, readonly clip = 4) {}
  /** The scale before seeing the next value. */
  get value(): number {
    return this.#scale;
  }
  /** Adds |d| (ignored when NaN). */
  update(absD: number): void {
    if (absD !== absD) return;
    if (this.#count < this.warmup) {
      if (absD === 0) return;
      this.#sum += absD;
      this.#count++;
      if (this.#count === this.warmup) this.#scale = this.#sum / this.warmup;
      return;
    }
    const v = Math.min(absD, this.clip * this.#scale);
    this.#scale += this.alpha * (v - this.#scale);
  }
}

/** A causal level: EW mean of |x| with clipped updates, used to set floors relative to a series' size. */
export class RobustLevel {
  #scale: RobustScale;
  constructor(alpha: number, warmup: number) {
    this.#scale = new RobustScale(alpha, warmup, 3);
  }
  get value(): number {
    return this.#scale.value;
  }
  update(x: number): void {
    this.#scale.update(Math.abs(x));
  }
}

/**
 * The median of the valid values among `x[b − span + 1 .. b]` for every b, `NaN` with fewer than `minValid` of
 * them: a sorted sliding window, updated per point by a binary search for the leaving value and one walk of its
 * slot to where the entering value belongs.
 *
 * @param x The values (`NaN` = missing).
 * @param span The window, in points.
 * @param minValid Fewest valid values for a median.
 * @returns One median per point.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trailingMedian } from "./robust.ts";
 * assert.deepEqual([...trailingMedian(new Float64Array([3, 1, NaN, 2, 9]), 3, 2)], [NaN, 2, 2, 1.5, 5.5]);
 * ```
 */
export function trailingMedian(x: Float64Array, span: number, minValid: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  const sorted = new Float64Array(span + 1);
  let size = 0;
  for (let b = 0; b < n; b++) {
    const v = x[b];
    const vIn = v === v;
    const leaving = b - span;
    const old = leaving >= 0 ? x[leaving] : NaN;
    if (old === old) {
      // The leaving value's slot (a binary search), then that hole walks to where v belongs (or to the end when
      // nothing enters): one pass over the values between, with no second search or shift.
      let lo = 0, hi = size;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid] < old) lo = mid + 1;
        else hi = mid;
      }
      let h = lo;
      if (vIn) {
        while (h + 1 < size && sorted[h + 1] < v) {
          sorted[h] = sorted[h + 1];
          h++;
        }
        while (h > 0 && sorted[h - 1] > v) {
          sorted[h] = sorted[h - 1];
          h--;
        }
        sorted[h] = v;
      } else {
        for (; h + 1 < size; h++) sorted[h] = sorted[h + 1];
        size--;
      }
    } else if (vIn) {
      let h = size;
      while (h > 0 && sorted[h - 1] > v) {
        sorted[h] = sorted[h - 1];
        h--;
      }
      sorted[h] = v;
      size++;
    }
    if (size < minValid || size === 0) out[b] = NaN;
    else out[b] = size % 2 === 1 ? sorted[size >> 1] : (sorted[(size >> 1) - 1] + sorted[size >> 1]) / 2;
  }
  return out;
}
