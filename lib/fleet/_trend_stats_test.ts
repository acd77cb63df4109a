import assert from "node:assert/strict";
import { benjaminiHochberg, mannKendall, normalCdf, slope } from "./_trend_stats.ts";

const close = (a: number, b: number, eps = 1e-4) => assert.ok(Math.abs(a - b) <= eps, `${a} vs ${b}`);

Deno.test("slope() is the least-squares slope against the index", () => {
  assert.equal(slope([1, 3, 5, 7]), 2);
  close(slope([1, 0, 0, 2]), 0.3);
  assert.equal(slope([4]), 0);
  assert.equal(slope([]), 0);
});

Deno.test("normalCdf() matches the standard normal table", () => {
  close(normalCdf(0), 0.5, 1e-7);
  close(normalCdf(1.959964), 0.975, 1e-6);
  close(normalCdf(-1.644854), 0.05, 1e-6);
  close(normalCdf(3), 0.99865, 1e-5);
});

Deno.test("mannKendall() scores a monotonic series and corrects the variance for ties", () => {
  // n = 5, strictly increasing: S = 10, Var = 5·4·15/18 = 16.667, z = 9/√16.667 = 2.2045, p = 0.01375.
  const up = mannKendall([1, 2, 3, 4, 5]);
  assert.equal(up.s, 10);
  close(up.z, 2.2045);
  close(up.p, 0.01375);
  const down = mannKendall([5, 4, 3, 2, 1]);
  assert.equal(down.s, -10);
  close(down.p, 1 - 0.01375);
  // One noisy day at the end of 14: S = 13, Var = (14·13·33 − 13·12·31)/18 = 65, z = 12/√65 = 1.488.
  const blip = mannKendall([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]);
  assert.equal(blip.s, 13);
  close(blip.z, 12 / Math.sqrt(65));
  assert.ok(blip.p > 0.05, "one noisy day is not a trend");
  // All equal: no variance, no trend.
  assert.deepEqual(mannKendall([2, 2, 2]), { s: 0, z: 0, p: 0.5 });
});

Deno.test("benjaminiHochberg() adjusts p-values in their order", () => {
  // m = 4: sorted 0.01, 0.02, 0.03, 0.5 → 0.04, 0.04, 0.04, 0.5 (monotone from the top).
  const q = benjaminiHochberg([0.03, 0.5, 0.01, 0.02]);
  q.forEach((v, i) => close(v, [0.04, 0.5, 0.04, 0.04][i], 1e-12));
  assert.deepEqual(benjaminiHochberg([]), []);
});
