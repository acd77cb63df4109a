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

/** A fleet written until minute 300, and a cache directory. */
async function cachedFleet() {
  const g = fakeGraphite();
  for (const k of KEYS) g.write(k, 0, 300, (m) => (m % 17) + k.length + (m === 200 ? NaN : 0));
  const dir = await Deno.makeTempDir({ prefix: "history_cache_" });
  return { g, dir };
}

/** The file a cache in `dir` writes (the only one there). */
async function cacheFile(dir: string): Promise<string> {
  const names = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  assert.equal(names.length, 1, `one file in the cache directory: ${names}`);
  assert.match(names[0], /^history-[0-9a-f]{8}\.bin$/);
  return `${dir}/${names[0]}`;
}

Deno.test("historyCache() with a cache directory: a restarted cache returns what a full fetch returns, fetching only what is new", async () => {
  const { g, dir } = await cachedFleet();
  try {
    const until = 300 * MIN + 20_500;
    const first = historyCache(config, { source: g.source, cache: dir });
    await both(first, g, until);
    assert.ok(first.stats.full && first.stats.savedBytes! > 0);
    await cacheFile(dir);
    // The watch stops; 10 minutes later a new process starts with the same directory.
    for (const k of KEYS) g.write(k, 301, 310, (m) => (m * 7) % 13);
    const warnings: string[] = [];
    const restarted = historyCache(config, {
      source: g.source,
      cache: dir,
      warn: (l) => void warnings.push(l),
    });
    const later = until + 10 * MIN;
    const { got, full } = await both(restarted, g, later);
    assert.deepEqual(got, full);
    assert.deepEqual(warnings, []);
    assert.equal(restarted.stats.full, false);
    assert.equal(restarted.stats.cachedSeries, KEYS.length);
    assert.equal(
      restarted.stats.fetchedFrom,
      until - 3 * MIN,
      "from where the first one stopped, less the overlap",
    );
    assert.equal(restarted.stats.fetchedPoints, KEYS.length * 13);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("historyCache() with saveEvery writes its file at most that often; flush() writes what is left; a restart reads the last one written", async () => {
  const { g, dir } = await cachedFleet();
  try {
    for (const k of KEYS) g.write(k, 301, 330, (m) => (m * 7) % 13);
    const t0 = 300 * MIN + 20_500;
    const cache = historyCache(config, { source: g.source, cache: dir, saveEvery: 10 * MIN });
    const written = async () => await Deno.readFile(await cacheFile(dir));
    await both(cache, g, t0);
    assert.ok(cache.stats.savedBytes! > 0, "the first fetch is written");
    const first = await written();
    await both(cache, g, t0 + 5 * MIN);
    assert.equal(cache.stats.savedBytes, undefined, "5 minutes later: not written");
    assert.deepEqual(await written(), first);
    await both(cache, g, t0 + 10 * MIN);
    assert.ok(cache.stats.savedBytes! > 0, "10 minutes after the last write: written");
    const second = await written();
    assert.notDeepEqual(second, first);
    await both(cache, g, t0 + 15 * MIN);
    assert.deepEqual(await written(), second);
    // A crash now: a new process reads the file of t0 + 10 min and fetches from there (on a copy of it).
    const copy = await Deno.makeTempDir({ prefix: "history_cache_crash_" });
    try {
      const file = await cacheFile(dir);
      await Deno.copyFile(file, `${copy}/${file.split("/").at(-1)}`);
      const crashed = historyCache(config, { source: g.source, cache: copy });
      const afterCrash = await both(crashed, g, t0 + 20 * MIN);
      assert.deepEqual(afterCrash.got, afterCrash.full);
      assert.equal(crashed.stats.fetchedFrom, t0 + 10 * MIN - 3 * MIN, "from the last file written");
    } finally {
      await Deno.remove(copy, { recursive: true });
    }
    // flush(): what the first cache kept since its last write, written now; nothing more to write after it.
    await cache.flush();
    const flushed = await written();
    assert.notDeepEqual(flushed, second);
    await cache.flush();
    assert.deepEqual(await written(), flushed);
    const restarted = historyCache(config, { source: g.source, cache: dir, saveEvery: 10 * MIN });
    const after = await both(restarted, g, t0 + 20 * MIN);
    assert.deepEqual(after.got, after.full);
    assert.equal(restarted.stats.fetchedFrom, t0 + 15 * MIN - 3 * MIN, "from the flushed file");
    assert.equal(
      restarted.stats.savedBytes,
      undefined,
      "5 minutes after what the file it read holds: not written",
    );
    assert.deepEqual(await written(), flushed);
    await both(restarted, g, t0 + 25 * MIN);
    assert.ok(restarted.stats.savedBytes! > 0, "10 minutes after it: written");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("historyCache() with a corrupt, cut, old-version or foreign cache file warns and fetches the whole range", async () => {
  const { g, dir } = await cachedFleet();
  try {
    const until = 300 * MIN + 20_500;
    await both(historyCache(config, { source: g.source, cache: dir }), g, until);
    const path = await cacheFile(dir);
    const good = await Deno.readFile(path);
    const headerLength = new DataView(good.buffer).getUint32(8, true);
    const header = new TextDecoder().decode(good.subarray(16, 16 + headerLength));
    const withHeader = (text: string) => {
      const bytes = new TextEncoder().encode(text.padEnd(headerLength));
      const out = good.slice();
      out.set(bytes, 16);
      return out;
    };
    const cases: [string, Uint8Array, RegExp][] = [
      ["garbage", new TextEncoder().encode("not a cache at all, not at all"), /not a history cache file/],
      ["cut short", good.subarray(0, good.length - 5), /should hold \d+ values/],
      ["empty", new Uint8Array(0), /too short for its header/],
      ["another version", withHeader(header.replace('"version":1', '"version":9')), /format version 9/],
      [
        "another source",
        withHeader(header.replace("graphite.invalid", "graphite.inXalid")),
        /another source/,
      ],
      [
        "a bad header",
        withHeader(header.replace('"start":', '"start":"x",').slice(0, headerLength)),
        /not JSON|malformed/,
      ],
    ];
    for (const [name, bytes, message] of cases) {
      await Deno.writeFile(path, bytes);
      const warnings: string[] = [];
      const cache = historyCache(config, {
        source: g.source,
        cache: dir,
        warn: (l) => void warnings.push(l),
      });
      const { got, full } = await both(cache, g, until);
      assert.deepEqual(got, full, name);
      assert.equal(cache.stats.full, true, `${name}: the whole range fetched`);
      assert.equal(warnings.length, 1, `${name}: ${warnings}`);
      assert.match(
        warnings[0],
        /^Cannot read the history cache .*, current value is .*; fetching the whole range$/,
      );
      assert.match(warnings[0], message, name);
      // …and the file is good again afterwards.
      const again = historyCache(config, {
        source: g.source,
        cache: dir,
        warn: (l) => void warnings.push(l),
      });
      await both(again, g, until);
      assert.equal(again.stats.full, false, `${name}: rewritten`);
      assert.equal(warnings.length, 1);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("historyCache() warns and keeps going when its cache file cannot be written", async () => {
  const { g, dir } = await cachedFleet();
  try {
    await Deno.writeTextFile(`${dir}/file`, "");
    const warnings: string[] = [];
    const cache = historyCache(config, {
      source: g.source,
      cache: `${dir}/file`, // a file where a directory should be
      warn: (l) => void warnings.push(l),
    });
    const { got, full } = await both(cache, g, 300 * MIN);
    assert.deepEqual(got, full);
    assert.equal(warnings.length, 2, `${warnings}`);
    assert.match(warnings[0], /^Cannot read the history cache .*: it cannot be opened/);
    assert.match(
      warnings[1],
      /^Cannot write the history cache .*, current value is 6 series; kept in memory/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("historyCache() keeps a first answer of the whole range as it is, and copies one that is a view of a larger array", async () => {
  const g = fakeGraphite();
  for (const k of KEYS) g.write(k, 0, 300, (m) => m % 11);
  const until = 300 * MIN;
  // Handed over: the kept series is the answer's own array (no second copy of the fleet in a first cycle).
  const answers: Series[] = [];
  const owned = historyCache(config, {
    source: async (from, u, o) => {
      const got = await g.source(from, u, o);
      answers.push(...got.series);
      return got;
    },
  });
  const first = await owned.fetch(until - RANGE, until);
  assert.equal(first.series.length, KEYS.length);
  for (const s of first.series) assert.equal(s.values, answers.find((a) => a.key === s.key)!.values);
  // A view into a larger array (a source that keeps its own storage) is copied: the cache shifts what it keeps in
  // place later, which must not reach the source's storage.
  const storage = new Map<string, Float64Array>();
  const viewing = historyCache(config, {
    source: async (from, u, o) => {
      const got = await g.source(from, u, o);
      const series = got.series.map((s) => {
        const store = new Float64Array(s.values.length + 10);
        store.set(s.values, 10);
        storage.set(s.key, store);
        return { ...s, values: store.subarray(10) };
      });
      return { ...got, series };
    },
  });
  const viewed = await viewing.fetch(until - RANGE, until);
  for (const s of viewed.series) {
    assert.notEqual(s.values.buffer, storage.get(s.key)!.buffer);
    assert.deepEqual([...s.values], [...first.series.find((f) => f.key === s.key)!.values]);
  }
});
