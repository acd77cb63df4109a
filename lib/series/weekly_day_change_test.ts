import assert from "node:assert/strict";
import { createRng } from "../prng.ts";
import type { Series } from "./types.ts";
import { weeklyDayChange, weeklyGains, withWeeklyGain } from "./weekly_day_change.ts";

const HOUR = 3_600_000, DAY = 86_400_000;
const MONDAY = Date.UTC(2026, 0, 5);

/** `count` series over `days` days at `step`, from `start`, each `level(t) · noise`, a tenth of points missing. */
function family(
  count: number,
  days: number,
  step: number,
  level: (t: number) => number,
  start = MONDAY,
): Series[] {
  const rng = createRng(count * 1000 + days);
  return Array.from({ length: count }, (_, k) => ({
    key: `s${k}`,
    labels: {},
    start,
    step,
    values: Float64Array.from({ length: (days * DAY) / step }, (_, i) => {
      const t = start + i * step;
      return rng.next() < 0.1 ? NaN : (1 + k) * level(t) * Math.exp(0.2 * rng.normal());
    }),
  }));
}

const weekend = (t: number) =>
  (new Date(t).getUTCDay() % 6 === 0 ? 4 : 10) * (1 + 0.5 * Math.sin((2 * Math.PI * t) / DAY));

Deno.test("weeklyDayChange() learns the drop into and the rise out of a weekend, and nothing else", () => {
  for (const [count, days, step] of [[12, 9, 5 * 60_000], [8, 15, HOUR], [24, 8, 60_000]] as const) {
    const d = weeklyDayChange(family(count, days, step, weekend));
    assert.ok(d, `${count} series × ${days} d at ${step / 60_000} min: a profile`);
    // Saturday against Friday, Monday against Sunday (c = 10% of the typical level shrinks them a little).
    for (const h of [3, 9, 15, 21]) {
      assert.ok(d[5 * 24 + h] < -0.4 && d[5 * 24 + h] > -1.3, `Saturday ${h}:00 ${d[5 * 24 + h]}`);
      assert.ok(d[h] > 0.4 && d[h] < 1.3, `Monday ${h}:00 ${d[h]}`);
    }
    // Tuesday to Friday and Sunday: no change worth carrying.
    const quiet = [1, 2, 3, 4, 6].flatMap((w) => Array.from({ length: 24 }, (_, h) => d[w * 24 + h]));
    // A few hours may come out of the noise at 1% each; they are small next to the weekend's.
    const stray = quiet.filter((v) => v !== 0);
    assert.ok(stray.length <= 6 && stray.every((v) => Math.abs(v) < 0.3), `quiet days: ${stray}`);
  }
});

Deno.test("weeklyDayChange() is all zeros without a weekly rhythm, and null before it has seen a week", () => {
  const flat = weeklyDayChange(
    family(12, 10, 5 * 60_000, (t) => 10 * (1 + 0.5 * Math.sin((2 * Math.PI * t) / DAY))),
  );
  assert.ok(flat && flat.length === 168);
  const stray = flat.filter((v) => v !== 0);
  assert.ok(stray.length <= 6 && stray.every((v) => Math.abs(v) < 0.2), `zeros: ${stray}`);
  // Three days: a Saturday drop seen, the Monday rise not — no profile rather than half of one.
  assert.equal(weeklyDayChange(family(12, 3, HOUR, weekend, MONDAY + 3 * DAY)), null);
  // One series of three weeks: three samples per hour of the week, too few to tell a rhythm from a bad day.
  assert.equal(weeklyDayChange(family(1, 21, HOUR, weekend)), null);
  // ... and of fifteen weeks (a tenth of its hours missing): enough.
  assert.ok(weeklyDayChange(family(1, 105, HOUR, weekend)));
  assert.equal(weeklyDayChange([]), null);
});

/** `weekends.length` hourly series of `days` days, each with its weekends at its own share of the weekdays. */
function weekendFleet(weekends: number[], days: number): Series[] {
  const rng = createRng(weekends.length * 100 + days);
  return weekends.map((w, k) => ({
    key: `s${k}`,
    labels: {},
    start: MONDAY,
    step: HOUR,
    values: Float64Array.from({ length: days * 24 }, (_, i) => {
      const t = MONDAY + i * HOUR;
      return (new Date(t).getUTCDay() % 6 === 0 ? w : 1) * (1 + 0.5 * Math.sin((2 * Math.PI * t) / DAY)) *
        Math.exp(0.1 * rng.normal());
    }),
  }));
}

Deno.test("weeklyGains() reads how deep each series' weekends are against its family's", () => {
  const depths = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];
  const fleet = [...weekendFleet(depths, 28), ...weekendFleet([0.5], 5).map((s) => ({ ...s, key: "young" }))];
  const gains = weeklyGains(fleet, weeklyDayChange(fleet));
  const g = depths.map((_, k) => gains[`s${k}`]?.[0] ?? 1);
  // The deepest weekends follow the profile's level most; the order holds from one depth to the next but two.
  assert.ok(g[0] > 1.4 && g[9] < 0.5, `gains ${g}`);
  for (let k = 2; k < g.length; k++) assert.ok(g[k] < g[k - 2], `gains ${g}`);
  // Less than a week of its own history: the family's profile as it is.
  assert.equal(gains.young, undefined);
  // A family whose series share one weekend keeps the profile for all of them.
  const same = weekendFleet(depths.map(() => 0.7), 28);
  assert.deepEqual(weeklyGains(same, weeklyDayChange(same)), {});
  // Without a weekly rhythm, no gains.
  assert.deepEqual(weeklyGains(fleet, null), {});
});

Deno.test("withWeeklyGain() carries each day's level and each hour's swing of a weekly profile at their own gains", () => {
  // Saturday (day 5): down 0.4 on average, 0.1 more at 12:00 and 0.1 less at 13:00; Monday up 0.4.
  const weekly = new Array(168).fill(0);
  for (let h = 0; h < 24; h++) weekly[5 * 24 + h] = -0.4, weekly[h] = 0.4;
  weekly[5 * 24 + 12] = -0.5, weekly[5 * 24 + 13] = -0.3;
  const detectors = { level_shift: { drift: 0.5, weekly }, flatline: { tolerance: 1e-9 } };
  assert.equal(withWeeklyGain(detectors, undefined), detectors);
  assert.equal(withWeeklyGain(detectors, [1, 1]), detectors);
  const scaled = withWeeklyGain(detectors, [1.5, 0]).level_shift.weekly as number[];
  assert.deepEqual([scaled[5 * 24], scaled[5 * 24 + 12], scaled[5 * 24 + 13], scaled[0]], [
    -0.6,
    -0.6,
    -0.6,
    0.6,
  ]);
  const swing = withWeeklyGain(detectors, [1, 2]).level_shift.weekly as number[];
  assert.deepEqual([swing[5 * 24], swing[5 * 24 + 12], swing[5 * 24 + 13]], [-0.4, -0.6, -0.2]);
  // The same object for the same gains, the other params and the model's own untouched.
  assert.equal(withWeeklyGain(detectors, [1.5, 0]).level_shift.weekly, scaled);
  assert.equal(withWeeklyGain(detectors, [1.5, 0]).flatline, detectors.flatline);
  assert.equal(weekly[5 * 24 + 12], -0.5);
  assert.equal(withWeeklyGain({ flatline: { tolerance: 1e-9 } }, [2, 2]).flatline.tolerance, 1e-9);
});
