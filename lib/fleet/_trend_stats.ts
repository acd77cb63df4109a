/** Private trend statistics of the fleet summaries: least-squares slope, Mann–Kendall test, Benjamini–Hochberg. */

/** Least-squares slope of `y` against its index (per step of the index); 0 for fewer than two points. */
export function slope(y: ArrayLike<number>): number {
  const n = y.length;
  if (n < 2) return 0;
  let my = 0;
  for (let i = 0; i < n; i++) my += y[i];
  my /= n;
  const mx = (n - 1) / 2;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - mx) * (y[i] - my);
    sxx += (i - mx) * (i - mx);
  }
  return sxy / sxx;
}

/**
 * Mann–Kendall statistic `s`, its normal score `z` (tie-corrected variance, continuity correction) and the
 * one-sided p-value of an increasing trend.
 */
export interface MannKendall {
  s: number;
  z: number;
  p: number;
}

/**
 * The Mann–Kendall trend test of `y` against its order: `S = Σ_{i<j} sign(y_j − y_i)`, its variance corrected
 * for ties (counts have many), `z = (S ∓ 1) / √Var`, and `p = P(Z ≥ z)`, the one-sided p-value of an
 * increasing trend. Rank-based, so one large value (a noisy day) weighs no more than a small one.
 */
export function mannKendall(y: ArrayLike<number>): MannKendall {
  const n = y.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) s += Math.sign(y[j] - y[i]);
  }
  const ties = new Map<number, number>();
  for (let i = 0; i < n; i++) ties.set(y[i], (ties.get(y[i]) ?? 0) + 1);
  let variance = n * (n - 1) * (2 * n + 5);
  for (const t of ties.values()) variance -= t * (t - 1) * (2 * t + 5);
  variance /= 18;
  const z = variance > 0 && s !== 0 ? (s - Math.sign(s)) / Math.sqrt(variance) : 0;
  return { s, z, p: z === 0 ? 0.5 : 1 - normalCdf(z) };
}

/** The standard normal CDF, through the erfc approximation of Abramowitz & Stegun 7.1.26 (error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-x * x);
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/**
 * Benjamini–Hochberg adjusted p-values (q-values), in the order of `p`: a finding with `q ≤ α` keeps the false
 * discovery rate among all findings at `α`, however many shards are tested.
 */
export function benjaminiHochberg(p: readonly number[]): number[] {
  const m = p.length;
  const order = Array.from(p.keys()).sort((a, b) => p[a] - p[b]);
  const q = new Array<number>(m);
  let min = 1;
  for (let r = m - 1; r >= 0; r--) {
    min = Math.min(min, (p[order[r]] * m) / (r + 1));
    q[order[r]] = min;
  }
  return q;
}
