/**
 * End-to-end tests of `deno task report`: the real CLI on the sample corpus and on a hostile one, the HTML's
 * structure, and a real headless Chromium opening the file (tests/support/chromium.ts).
 */
import assert from "node:assert/strict";
import { runCli } from "./support/cli.ts";
import { join } from "node:path";
import { openPage, requireOrSkip } from "./support/chromium.ts";
import { generateCorpus } from "../lib/synth/generate.ts";
import { formatGrafanaCsv } from "../lib/synth/write_csv.ts";

const HOSTILE = "<img src=x onerror=alert(1)>";
/** A shard and an aggregator named like markup, with quotes, parsed into labels by the default template. */
const HOSTILE_MACHINE = `<img src=x onerror=alert(1)>"'`;
const HOSTILE_AGGREGATOR = `P.<b onmouseover=alert(2)>"'&`;

const report = (...args: string[]) => runCli(["report", ...args]);

/** Writes a corpus whose series keys are hostile markup (an aggregator called `<img ...>` on two shards). */
async function hostileCorpus(dir: string): Promise<string> {
  const corpus = generateCorpus({ shards: 2, days: 21, aggregators: ["A"], seed: 5, recent: true });
  const series = corpus.series.map((s, i) => ({
    ...s,
    key: i === 0
      ? `${HOSTILE} ${i}`
      : `statsd.${HOSTILE_MACHINE}${i}.gauges.aggregator.agg_length_behind_ratio.${HOSTILE_AGGREGATOR}`,
    labels: {},
  }));
  await Deno.mkdir(join(dir, "data"), { recursive: true });
  await Deno.writeTextFile(join(dir, "data", "hostile.csv"), formatGrafanaCsv(series));
  return join(dir, "data");
}

/** Every http(s) reference in the page other than XML namespace URIs. */
function externalReferences(html: string): string[] {
  return [...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0])
    .filter((u) => !u.startsWith("http://www.w3.org/"));
}

const sample = await (async () => {
  const dir = await Deno.makeTempDir({ prefix: "report-test-" });
  const result = await report("--out", dir);
  return { dir, result, html: result.code === 0 ? await Deno.readTextFile(join(dir, "index.html")) : "" };
})();

Deno.test("report with no flags replays the sample and writes the page and both JSON files", async () => {
  const { dir, result } = sample;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /report: 36\/36 series from replay .*data/);
  assert.match(
    result.stdout,
    /^4 anomalies \(4 high, 0 medium, 0 low\) in 2026-11-22T23:00 – 2026-11-23T23:00 UTC; wrote /,
  );
  const anomalies = JSON.parse(await Deno.readTextFile(join(dir, "anomalies.json")));
  const hydrated = JSON.parse(await Deno.readTextFile(join(dir, "hydrated.json")));
  assert.equal(anomalies.anomalies.length, 4);
  assert.equal(hydrated.anomalies.length, 4);
  for (const h of hydrated.anomalies) {
    for (
      const field of ["machine", "aggregator", "timestamp", "severity", "max_value", "avg_value", "valid_pct"]
    ) {
      assert.ok(field in h, field);
    }
  }
  const kinds = new Set(
    anomalies.anomalies.map((a: { reasons: { detector: string }[] }) => a.reasons[0].detector),
  );
  assert.ok(
    kinds.has("missing_data") && kinds.has("seasonal_lag") && kinds.has("flatline"),
    [...kinds].join(),
  );
});

Deno.test("the report page is one self-contained file: CSP, no script, no external reference, every section", () => {
  const { html } = sample;
  assert.ok(html.startsWith("<!DOCTYPE html>"));
  const csp = html.match(/<meta[^>]*http-equiv="Content-Security-Policy"[^>]*>/)?.[0] ?? "";
  assert.match(csp, /content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"/);
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<link /i);
  assert.deepEqual(externalReferences(html), []);
  for (
    const id of ["summary", "heatmaps", "anomalies", "charts", "max-values", "fleet", "shards", "quality"]
  ) {
    assert.match(html, new RegExp(`<section id="${id}">`), id);
  }
  // One heatmap per aggregator, one context chart per anomaly, four ranked rows.
  assert.equal(
    (html.match(/agg_length_behind_ratio|ProbeTablesAggregator\.[a-z_]+/g) ?? []).length > 0,
    true,
  );
  assert.equal(
    (html.match(/<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g) ?? []).length >= 6 + 4 + 1,
    true,
  );
  assert.equal((html.match(/<span class="sev sev-high">/g) ?? []).length, 4);
  assert.ok(html.length < 5 * 1024 * 1024, `${html.length} bytes`);
  assert.doesNotMatch(html, /NaN/);
  // Six shards: far below the 20 a fleet-wide incident takes.
  assert.match(html, /<h2>Fleet-wide incidents \(0\)<\/h2>.*No fleet-wide incident in the window\./s);
});

Deno.test("the report shows a fleet-wide incident once, with its shards, when many shards fail together", async () => {
  const dir = await Deno.makeTempDir({ prefix: "report-fleet-" });
  try {
    // Eight shards of one aggregator, three weeks; in the last day five of them fall behind together for 6 h.
    const corpus = generateCorpus({
      shards: 8,
      days: 21,
      aggregators: ["A"],
      seed: 3,
      recent: false,
      anomalyRate: 0,
    });
    const end = corpus.series[0].start + corpus.series[0].values.length * corpus.series[0].step;
    const series = corpus.series.map((s, k) => {
      const values = s.values.slice();
      if (k < 5) {
        for (let i = 0; i < values.length; i++) {
          const t = s.start + i * s.step;
          if (t >= end - 10 * 3_600_000 && t < end - 4 * 3_600_000) values[i] *= 6;
        }
      }
      return { ...s, values };
    });
    await Deno.mkdir(join(dir, "data"));
    await Deno.writeTextFile(join(dir, "data", "fleet.csv"), formatGrafanaCsv(series));
    await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify({ fleet: { minShards: 4 } }));
    const result = await report(
      "--config",
      join(dir, "config.json"),
      "--data",
      join(dir, "data"),
      "--out",
      join(dir, "out"),
    );
    assert.equal(result.code, 0, result.stderr);
    const html = await Deno.readTextFile(join(dir, "out", "index.html"));
    const section = html.match(/<section id="fleet">.*?<\/section>/s)?.[0] ?? "";
    assert.match(section, /<h2>Fleet-wide incidents \(1\)<\/h2>/);
    assert.match(section, /at least 4 shards/);
    // The five that fell behind, and at most one more: with 20 days of history the level shift detector has
    // only six days of its own to calibrate on, and flags n205 at 11:00 UTC on the same day (a false event).
    assert.match(section, /<td class="num">[56] \/ 8<\/td>/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("metric names are escaped: a series named like an <img> tag renders as text", async () => {
  const dir = await Deno.makeTempDir({ prefix: "report-hostile-" });
  try {
    const result = await report("--data", await hostileCorpus(dir), "--out", join(dir, "out"));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^[1-9]\d* anomalies/, "the hostile series have anomalies to list");
    const html = await Deno.readTextFile(join(dir, "out", "index.html"));
    assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"), "the name appears escaped");
    assert.ok(html.includes("&lt;b onmouseover=alert(2)&gt;"), "the aggregator label appears escaped");
    assert.doesNotMatch(html, /<img/i);
    assert.doesNotMatch(html, /<b /i);
    assert.doesNotMatch(html, /onerror=alert\(1\)>/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "a real Chromium opens the report: no console error, no request, readable with JavaScript off",
  ...requireOrSkip(),
  async fn() {
    const path = join(sample.dir, "index.html");
    const shot = join(sample.dir, "report.png");
    const page = await openPage(path, { screenshot: shot, width: 1050 });
    assert.deepEqual(page.consoleErrors, []);
    assert.deepEqual(page.exceptions, []);
    assert.deepEqual(page.requests, []);
    assert.deepEqual(page.failedRequests, []);
    assert.deepEqual(page.dialogs, []);
    assert.match(page.title, /^Anomaly report · 2026-11-22 23:00 UTC – 2026-11-23 23:00 UTC$/);
    for (const text of ["Summary", "Fleet heatmap", "Anomalies (4)", "Around each anomaly", "Data quality"]) {
      assert.ok(page.bodyText.includes(text), text);
    }
    const png = await Deno.readFile(shot);
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.ok(png.length > 100_000, `screenshot is ${png.length} bytes: the charts are drawn`);
    const noJs = await openPage(path, { javascript: false });
    assert.ok(noJs.bodyText.includes("Anomalies (4)"));
    assert.deepEqual(noJs.requests, []);
  },
});

Deno.test({
  name: "a real Chromium shows the hostile name as text and opens nothing",
  ...requireOrSkip(),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "report-hostile-browser-" });
    try {
      const result = await report("--data", await hostileCorpus(dir), "--out", join(dir, "out"));
      assert.equal(result.code, 0, result.stderr);
      const page = await openPage(join(dir, "out", "index.html"));
      assert.deepEqual(page.dialogs, []);
      assert.deepEqual(page.requests, []);
      assert.ok(page.bodyText.includes(HOSTILE));
      assert.ok(page.bodyText.includes("<b onmouseover=alert(2)>"));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(sample.dir, { recursive: true });
  } catch {
    // already gone
  }
});
