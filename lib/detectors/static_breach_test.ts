import assert from "node:assert/strict";
import { staticBreach } from "./static_breach.ts";
import type { Series } from "../series/types.ts";
import { createRng } from "../prng.ts";

const MINUTE = 60_000;

/** A lag in minutes sampled every 10 minutes for 20 days: 10 to 2000 min, seeded, with missing points. */
function lagSeries(seed = 7): Series {
  const rng = createRng(seed);
  const values = Float64Array.from(
    { length: 20 * 144 },
    () => Math.exp(rng.uniform(Math.log(10), Math.log(6000))),
  );
  for (const i of [30, 205, 290, 411]) values[i] = NaN;
  return { key: "lag", labels: {}, start: Date.UTC(2026, 0, 5), step: 10 * MINUTE, values };
}

Deno.test("staticBreach.fit() defaults to 24 and 72 hours", () => {
  const p = staticBreach.fit([]);
  assert.deepEqual(p, { level1: 1440, level2: 4320 }); // 24 · 60, 72 · 60
  assert.equal(staticBreach.name, "static_breach");
});

Deno.test("staticBreach.fit() accepts lag strings and minutes", () => {
  const cases: Array<{ level1: number | string; level2: number | string; want: [number, number] }> = [
    { level1: "3 hours", level2: "2d", want: [180, 2880] },
    { level1: "1h 30m", level2: "1 week", want: [90, 10080] },
    { level1: 60, level2: "2 hours", want: [60, 120] },
    { level1: "45", level2: 46, want: [45, 46] },
  ];
  for (const { level1, level2, want } of cases) {
    const p = staticBreach.fit([], { level1, level2 });
    assert.deepEqual([p.level1, p.level2], want, `${level1} / ${level2}`);
  }
});

Deno.test("staticBreach.fit() rejects levels out of order and unparseable lags", () => {
  const cases: Array<{ level1: number | string; level2: number | string; current: string }> = [
    { level1: "3 days", level2: "2 days", current: "4320, 2880" },
    { level1: 60, level2: 60, current: "60, 60" },
    { level1: 0, level2: 60, current: "0, 60" },
  ];
  for (const { level1, level2, current } of cases) {
    assert.throws(() => staticBreach.fit([], { level1, level2 }), {
      name: "RangeError",
      message: `Cannot fit static breach levels: need 0 < level1 < level2, current value is ${current}`,
    });
  }
  assert.throws(() => staticBreach.fit([], { level1: "soon" }), {
    name: "SyntaxError",
    message:
      'Cannot parse lag: expected a duration like "3 hours", "2d" or "45 min", current value is "soon"',
  });
});

Deno.test("staticBreach.score() gives levels 0, 1, 2 at the breach lags, NaN when missing", () => {
  const p = staticBreach.fit([], { level1: "3 hours", level2: "2d" }); // 180, 2880 minutes
  const values = Float64Array.from([0, 179, 180, 2879, 2880, NaN, 100000, -5]);
  const s = staticBreach.score({ key: "k", labels: {}, start: 0, step: MINUTE, values }, p);
  assert.deepEqual([...s], [0, 0, 1, 1, 2, NaN, 2, 0]);
});

Deno.test("staticBreach.score() is causal and pointwise", () => {
  const s = lagSeries();
  const p = staticBreach.fit([]);
  const full = staticBreach.score(s, p);
  for (const k of [0, 30, 300, 411, 2000, s.values.length - 1]) {
    const part = staticBreach.score({ ...s, values: s.values.slice(0, k + 1) }, p);
    assert.deepEqual([...part], [...full.subarray(0, k + 1)], `prefix 0..${k}`);
  }
  // Every point is its own level: NaN exactly at missing points, else by comparison with 1440 and 4320.
  s.values.forEach((x, i) => {
    const want = Number.isNaN(x) ? NaN : x >= 4320 ? 2 : x >= 1440 ? 1 : 0;
    assert.equal(full[i], want, `i=${i}: ${x}`);
  });
  assert.ok(full.includes(2) && full.includes(1) && full.includes(0));
});
