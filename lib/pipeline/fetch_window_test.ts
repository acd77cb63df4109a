import assert from "node:assert/strict";
import { join } from "node:path";
import { fetchWindow } from "./fetch_window.ts";
import { parseConfig } from "../sources/config.ts";

const NOW = Date.UTC(2026, 2, 1, 12);
const HOUR = 3_600_000, DAY = 24 * HOUR;

/** A fake graphite-web that answers every render from a 5-minute archive and records what it was asked. */
function coarseGraphite(machines: string[]) {
  const asked: URLSearchParams[] = [];
  const fetch = (input: string | URL | Request) => {
    const params = new URL(String(input)).searchParams;
    asked.push(params);
    const from = Number(params.get("from")), until = Number(params.get("until"));
    const step = 300;
    const t0 = from - (from % step) + step;
    const datapoints: Array<[number | null, number]> = [];
    for (let t = t0; t <= until; t += step) datapoints.push([t % 3600 === 0 ? null : 0.1, t]);
    const aggregator = /\.([^.]+)$/.exec(params.get("target")!)![1];
    return Promise.resolve(
      Response.json(machines.map((m) => ({ target: `s.${m}.${aggregator}`, datapoints }))),
    );
  };
  return { fetch, asked };
}

Deno.test("fetchWindow() asks a live source for --from -72h relative to the clock and keeps the step it gets", async () => {
  const config = parseConfig({
    source: "graphite",
    url: "http://graphite.test",
    machines: ["m1", "m2"],
    aggregators: ["A", "B"],
    template: "s.{machine}.{aggregator}",
    format: "json",
  }, "test");
  const { fetch, asked } = coarseGraphite(["m1", "m2"]);
  const got = await fetchWindow(config, { from: "-72h", now: NOW, fetch });
  assert.equal(got.from, NOW - 3 * DAY);
  assert.equal(got.until, NOW);
  assert.deepEqual(asked.map((p) => [p.get("from"), p.get("until")]), [
    [String((NOW - 3 * DAY) / 1000), String(NOW / 1000)],
    [String((NOW - 3 * DAY) / 1000), String(NOW / 1000)],
  ]);
  assert.deepEqual(got.series.map((s) => s.key).sort(), ["s.m1.A", "s.m1.B", "s.m2.A", "s.m2.B"]);
  for (const s of got.series) {
    assert.equal(s.step, 300_000, s.key); // the archive's step, not the configured 1m
    assert.equal(s.values.length, 3 * 24 * 12, s.key);
    assert.equal(s.labels.family, "presence");
  }
  assert.deepEqual([got.run.asked, got.run.answered, got.run.failed], [4, 4, 0]);
});

Deno.test("fetchWindow() defaults a live source to the last 30 days and reads --until -1h and Graphite's units", async () => {
  const config = parseConfig({
    source: "graphite",
    url: "http://graphite.test",
    machines: ["m1"],
    aggregators: ["A"],
    template: "s.{machine}.{aggregator}",
    format: "json",
  }, "test");
  const cases: Array<[{ from?: string; until?: string }, number, number]> = [
    [{}, NOW - 30 * DAY, NOW],
    [{ until: "-1h" }, NOW - 30 * DAY, NOW - HOUR],
    [{ from: "-1mon", until: "-5min" }, NOW - 30 * DAY, NOW - 5 * 60_000],
    [{ from: "now-2d", until: "now" }, NOW - 2 * DAY, NOW],
  ];
  for (const [flags, from, until] of cases) {
    const { fetch } = coarseGraphite(["m1"]);
    const got = await fetchWindow(config, { ...flags, now: NOW, fetch });
    assert.deepEqual([got.from, got.until], [from, until], JSON.stringify(flags));
  }
});

Deno.test("fetchWindow() reads files relative to the end of their data and refuses an empty window", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const rows = ["Time,s.m1.A"];
    for (let h = 0; h < 48; h++) rows.push(`${new Date(Date.UTC(2026, 0, 1, h)).toISOString()},${h}`);
    await Deno.writeTextFile(join(dir, "a.csv"), rows.join("\n") + "\n");
    const config = parseConfig({ source: "csv", data: [dir], template: "s.{machine}.{aggregator}" }, "test");
    const end = Date.UTC(2026, 0, 2, 23);
    const all = await fetchWindow(config, { now: NOW });
    assert.deepEqual([all.from, all.until, all.series[0].values.length], [Date.UTC(2026, 0, 1), end, 48]);
    const last = await fetchWindow(config, { from: "-12h", until: "-1h", now: NOW });
    assert.deepEqual([last.from, last.until], [end - 12 * HOUR, end - HOUR]);
    assert.deepEqual([...last.series[0].values], [35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46]);
    await assert.rejects(() => fetchWindow(config, { from: "-1h", until: "-2h", now: NOW }), {
      name: "RangeError",
      message: "Cannot fetch csv: --from must be before --until, current value is " +
        "2026-01-02T22:00:00.000Z .. 2026-01-02T21:00:00.000Z",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
