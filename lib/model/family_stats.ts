import type { Series } from "../series/types.ts";
import { quantileSorted } from "../series/summarize.ts";
import { medianOf } from "../series/robust.ts";

const DAY = 86_400_000, HOUR = 3_600_000;

/** p05/p50/p95/p99 of the valid values, `null` when there are none. */
export function valueRange(
  values: Float64Array,
): { p05: number | null; p50: number | null; p95: number | null; p99: number | null } {
  const v = values.filter((x) => x === x).sort();
  const q = (p: number) => (v.length ? quantileSorted(v, p) : null);
  return { p05: q(0.05), p50: q(0.5), p95: q(0.95), p99: q(0.99) };
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  return medianOf(Float64Array.from(xs), xs.length);
}

/** Hour-of-day and day-of-week profiles (ratios to the daily / overall median) and autocorrelations. */
export function seasonality(series: readonly Series[], maxPoints = 300_000) {
  let total = 0;
  for (const s of series) total += s.values.length;
  const dayStride = Math.max(1, Math.ceil(total / maxPoints)); // look at every dayStride-th day
  const hours: number[][] = Array.from({ length: 24 }, () => []);
  const days: number[][] = Array.from({ length: 7 }, () => []);
  const acf: Record<"24h" | "72h" | "7d", number[]> = { "24h": [], "72h": [], "7d": [] };
  for (const s of series) {
    if (s.step > HOUR) continue;
    const { values, start, step } = s;
    const perDay = Math.round(DAY / step);
    const dailyMedians: number[] = [];
    const ownDays: number[][] = Array.from({ length: 7 }, () => []); // this series' daily medians by weekday
    const buf = new Float64Array(perDay);
    const firstDay = Math.ceil(start / DAY) * DAY;
    for (
      let d0 = Math.round((firstDay - start) / step);
      d0 + perDay <= values.length;
      d0 += perDay * dayStride
    ) {
      let m = 0;
      for (let j = 0; j < perDay; j++) {
        const v = values[d0 + j];
        if (v === v) buf[m++] = v;
      }
      if (m < perDay / 2) continue;
      const med = medianOf(buf, m);
      if (!(med > 0)) continue;
      dailyMedians.push(med);
      ownDays[(Math.floor((start + d0 * step) / DAY) + 4) % 7].push(med); // 1970-01-01 was a Thursday
      for (let j = 0; j < perDay; j++) {
        const v = values[d0 + j];
        if (v === v) hours[Math.floor((((start + (d0 + j) * step) % DAY) + DAY) % DAY / HOUR)].push(v / med);
      }
    }
    const overall = median(dailyMedians);
    if (overall) ownDays.forEach((xs, i) => days[i].push(...xs.map((x) => x / overall)));
    for (const [name, lag] of [["24h", DAY], ["72h", 3 * DAY], ["7d", 7 * DAY]] as const) {
      const l = Math.round(lag / step);
      let n = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
      for (let i = l; i < values.length; i += dayStride) {
        const a = values[i], b = values[i - l];
        if (!(a > 0) || !(b > 0)) continue;
        const la = Math.log(a), lb = Math.log(b);
        n++;
        sa += la;
        sb += lb;
        saa += la * la;
        sbb += lb * lb;
        sab += la * lb;
      }
      const va = n * saa - sa * sa, vb = n * sbb - sb * sb;
      if (n > 10 && va > 0 && vb > 0) acf[name].push((n * sab - sa * sb) / Math.sqrt(va * vb));
    }
  }
  return {
    hourOfDay: hours.map(median),
    dayOfWeek: days.map(median),
    autocorrelation: { "24h": median(acf["24h"]), "72h": median(acf["72h"]), "7d": median(acf["7d"]) },
  };
}
