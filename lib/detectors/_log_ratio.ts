import type { Series } from "../series/types.ts";
import { DAY, ewAlpha, pointsIn, RobustLevel, warmupPoints } from "../series/robust.ts";
import { seasonalExpectation } from "../series/seasonal_expectation.ts";
import { derivedOf } from "../series/derived.ts";
import { profileId } from "../series/profile_id.ts";

/**
 * ρ[i] = ln((x + c) / (e + c)): the log ratio of a value to its seasonal expectation, the median of the same
 * time 1 d / 7 d / 14 d earlier, with c = 10% of the series' causal running level so near-zero values do not
 * explode. Before two weeks, where the family's weekly day-over-day change `weekly` is known, the values 1 d /
 * 2 d / 3 d earlier carried forward by it (so a Monday is not judged by the weekend before it); where it is not
 * (`null`), nothing. `NaN` where either side is missing, and for the first three days: all three lags must
 * exist, so one bad day (yesterday's incident) is never the baseline.
 * Kept with the values array's derived series (`derivedOf`), as level shift and stall both use it.
 */
export function logRatio(series: Series, weekly: readonly number[] | null = null): Float64Array {
  const { values, step } = series;
  const key = `logRatio|${step}|${profileId(weekly)}`;
  const hit = derivedOf(values).get(key) as Float64Array | undefined;
  if (hit) return hit;
  const n = values.length;
  // Before two weeks only where the family's weekly rhythm is known (even if it is none): otherwise a Monday
  // judged by the weekend before it is as likely as a shift.
  const e = seasonalExpectation(series, { minLags: 3, dayChange: weekly, early: weekly !== null });
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
