import type { Series } from "../series/types.ts";
import { DAY, ewAlpha, pointsIn, RobustLevel, warmupPoints } from "../series/robust.ts";
import { seasonalExpectation } from "../series/seasonal_expectation.ts";
import { derivedOf } from "../series/derived.ts";

/**
 * ρ[i] = ln((x + c) / (e + c)): the log ratio of a value to its seasonal expectation, the median of the same
 * time 1 d / 7 d / 14 d earlier, with c = 10% of the series' causal running level so near-zero values do not
 * explode. `NaN` where either side is missing, and for the first two weeks: a sustained deviation from a
 * single earlier day is as often the weekly rhythm (a Monday after a Sunday) or yesterday's incident as a
 * shift. Until then robust_z and the 1 d seasonal lag see the onset of a shift or a climb.
 * Kept with the values array's derived series (`derivedOf`), as level shift, stall and rhythm all use it.
 */
export function logRatio(series: Series): Float64Array {
  const { values, step } = series;
  const key = `logRatio|${step}`;
  const hit = derivedOf(values).get(key) as Float64Array | undefined;
  if (hit) return hit;
  const n = values.length;
  const e = seasonalExpectation(series, { early: false, minLags: 3 });
  const level = new RobustLevel(ewAlpha(pointsIn(3 * DAY, step)), warmupPoints(step));
  const rho = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (x !== x) continue;
    const lv = level.value, ex = e[i];
    if (ex === ex && lv === lv) {
      const c = 0.1 * lv + 1e-12;
      rho[i] = Math.log((Math.max(x, 0) + c) / (Math.max(ex, 0) + c));
    }
    level.update(x);
  }
  derivedOf(values).set(key, rho);
  return rho;
}
