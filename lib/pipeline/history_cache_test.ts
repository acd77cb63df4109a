import assert from "node:assert/strict";
import { parseConfig } from "../sources/config.ts";
import type { SourceRun } from "../sources/fetch_source.ts";
import type { Series } from "../series/types.ts";
import { historyCache, type RangeFetch } from "./history_cache.ts";

const MIN = 60_000;
const config = parseConfig({
  source: "graphite",
  url: "http://graphite.invalid",
  machines: ["m1", "m2", "m3"],
  aggregators: ["a", "b"],
  template: "{machine}.{aggregator}",
}, "test");
const KEYS = ["m1.a", "m1.b", "m2.a", "m2.b", "m3.a", "m3.b"];

/**
 * A fake Graphite: each key's points by time (minutes), answered as graphite-web does — the grid from the first
 * minute after `from` (in whole seconds) to the last at or before `until`, null where nothing was written, an
 * all-null series as a failure, a key in `down` as a timeout.
 */
function fakeGraphite() {
  const points = new Map<string, Map<number, number>>(KEYS.map((k) => [k, new Map()]));
  const down = new Set<string>();
  const asked: { from: number; until: number }[] = [];
  const source: RangeFetch = (from, until) => {
    asked.push({ from, until });
    const start = (Math.floor(Math.floor(from / 1000) * 1000 / MIN) + 1) * MIN;
    const end = Math.floor(Math.floor(until / 1000) * 1000 / MIN) * MIN;
    const series: Series[] = [];
    const failures: SourceRun["failures"] = [];
    for (const key of KEYS) {
      if (down.has(key)) {
        failures.push({ series: key, kind: "timeout", reason: "no answer within 5 s" });
        continue;
      }
      const values = new Float64Array((end - start) / MIN + 1).map((_, i) =>
        points.get(key)!.get(start + i * MIN) ?? NaN
      );
      if (values.every(Number.isNaN)) failures.push({ series: key, kind: "all-null", reason: "all null" });
      else series.push({ key, labels: { machine: key.slice(0, 2) }, start, step: MIN, values });
    }
    const run: SourceRun = {
      source: "fake",
      from: new Date(from).toISOString(),
      until: new Date(until).toISOString(),
      asked: KEYS.length,
      answered: series.length,
      failed: failures.length,
      failures,
      requests: 1,
    };
    return Promise.resolve({ series, run });
  };
  const write = (key: string, fromMin: number, toMin: number, f: (t: number) => number) => {
    for (let m = fromMin; m <= toMin; m++) points.get(key)!.set(m * MIN, f(m));
  };
  return { source, points, down, asked, write };
}

const RANGE = 120 * MIN; // lookback + history of this toy

/** The cache's answer, and a fresh full fetch of the same range from the same fake, side by side. */
async function both(
  cache: ReturnType<typeof historyCache>,
  g: ReturnType<typeof fakeGraphite>,
  until: number,
) {
  const got = await cache.fetch(until - RANGE, until);
  const full = await g.source(until - RANGE, until, {});
  const simple = (r: { series: Series[]; run: SourceRun }) => ({
    series: r.series.map((s) => ({ key: s.key, start: s.start, values: [...s.values] })),
    answered: r.run.answered,
    failed: r.run.failures.map((f) => `${f.series} ${f.kind}`),
  });
  return { got: simple(got), full: simple(full) };
}

Deno.test("historyCache() returns what a full fetch returns, cycle after cycle, fetching only the new minutes", async () => {
  const g = fakeGraphite();
  // Until minute 300: m1 and m2 report every minute, m3.a stops at minute 250, m3.b has never reported.
  for (const k of ["m1.a", "m1.b", "m2.a", "m2.b"]) g.write(k, 0, 300, (m) => m % 17 + k.length);
  g.write("m3.a", 0, 250, (m) => m);
  const cache = historyCache(config, { source: g.source });
  let until = 300 * MIN + 20_500; // not on the grid, not on a whole second
  for (let cycle = 1; cycle <= 40; cycle++) {
    const { got, full } = await both(cache, g, until);
    assert.deepEqual(got, full, `cycle ${cycle}`);
    if (cycle > 1) {
      // Five minutes and the overlap; while m2.b fails (cycles 21, 22), also the cycles since it last answered.
      const back = cycle === 22 || cycle === 23 ? (cycle - 20) * 5 * MIN : 5 * MIN;
      assert.ok(
        cache.stats.fetchedFrom >= until - back - 3 * MIN - 1000,
        `cycle ${cycle} fetched from ${(until - cache.stats.fetchedFrom) / MIN} min back`,
      );
      assert.equal(cache.stats.full, false);
    }
    const nowMin = Math.floor(until / MIN);
    // Five more minutes: m1 and m2 report; the last minute of m1.a is late (filled a cycle later, in the overlap).
    until += 5 * MIN;
    const next = Math.floor(until / MIN);
    for (const k of ["m1.a", "m1.b", "m2.a", "m2.b"]) {
      g.write(k, nowMin + 1, k === "m1.a" ? next - 1 : next, (m) => (m * 7) % 13 + k.length);
    }
    g.write("m1.a", nowMin, nowMin, () => -1); // the late point of the previous cycle's last minute
    if (cycle === 10) g.write("m3.b", next - 2, next, (m) => m); // m3.b appears
    if (cycle === 20) g.down.add("m2.b"); // m2.b's requests fail for two cycles…
    if (cycle === 22) g.down.delete("m2.b"); // … and its gap is filled when it answers again
  }
  // m3.a fell out of the range (silent for longer than it): a failure, as in a full fetch.
  const last = await both(cache, g, until);
  assert.ok(last.got.failed.includes("m3.a all-null"));
  assert.deepEqual(last.got, last.full);
});

Deno.test("historyCache() keeps its points when the source throws, and fills the gap at the next fetch", async () => {
  const g = fakeGraphite();
  for (const k of KEYS) g.write(k, 0, 400, (m) => m);
  let fail = false;
  const cache = historyCache(config, {
    source: (from, until, o) =>
      fail ? Promise.reject(new Error("connection refused")) : g.source(from, until, o),
  });
  await cache.fetch(200 * MIN - RANGE, 200 * MIN);
  fail = true;
  await assert.rejects(cache.fetch(205 * MIN - RANGE, 205 * MIN), /connection refused/);
  fail = false;
  const got = await cache.fetch(210 * MIN - RANGE, 210 * MIN);
  assert.equal(cache.stats.fetchedFrom, 197 * MIN, "from the last answered minute less 3 steps");
  const full = await g.source(210 * MIN - RANGE, 210 * MIN, {});
  assert.deepEqual(
    got.series.map((s) => [s.start, ...s.values]),
    full.series.map((s) => [s.start, ...s.values]),
  );
});

Deno.test("historyCache() fetches the whole range again for a series that has never answered", async () => {
  const g = fakeGraphite();
  for (const k of KEYS) g.write(k, 0, 400, (m) => m);
  g.down.add("m1.a");
  const cache = historyCache(config, { source: g.source, overlap: 2 * MIN });
  await cache.fetch(200 * MIN - RANGE, 200 * MIN);
  g.down.delete("m1.a");
  const got = await cache.fetch(205 * MIN - RANGE, 205 * MIN);
  assert.equal(cache.stats.full, true);
  assert.equal(got.series.length, KEYS.length);
  await cache.fetch(210 * MIN - RANGE, 210 * MIN);
  assert.deepEqual(g.asked.at(-1), { from: 203 * MIN, until: 210 * MIN }, "the overlap given: 2 min");
});
