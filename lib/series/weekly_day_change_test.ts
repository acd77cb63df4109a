import assert from "node:assert/strict";
import { createRng } from "../prng.ts";
import type { Series } from "./types.ts";
import { weeklyDayChange } from "./weekly_day_change.ts";

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
