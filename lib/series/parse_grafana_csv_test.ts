import assert from "node:assert/strict";
import { parseGrafanaCsv } from "./parse_grafana_csv.ts";

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const K1 =
  "statsd.n200-primary-meraki-com.gauges.aggregator.agg_length_behind_ratio.ProbeTablesAggregator.x_hour";
const K2 =
  "statsd.n201-primary-meraki-com.gauges.aggregator.agg_length_behind_ratio.ProbeTablesAggregator.x_hour";
const vals = (s: { values: Float64Array }) => [...s.values];

Deno.test("parseGrafanaCsv() reads the exports users have", async (t) => {
  const cases: Array<{
    name: string;
    text: string;
    want: { keys: string[]; start: number; step: number; values: number[][] };
  }> = [
    {
      name: "sep line, quoted headers, percentages, empty cell",
      text: `sep=,\n"Time","${K1}","${K2}"\n2026-01-01 00:00:00,3.265%,1%\n2026-01-01 01:00:00,,2%\n` +
        `2026-01-01 02:00:00,0.5%,3%\n`,
      want: { keys: [K1, K2], start: T0, step: H, values: [[0.03265, NaN, 0.005], [0.01, 0.02, 0.03]] },
    },
    {
      name: "UTF-8 BOM, CRLF, lowercase time, ISO times, null and NaN markers",
      text: `\ufefftime,${K1}\r\n2026-01-01T00:00:00Z,0.1\r\n2026-01-01T00:01:00Z,null\r\n` +
        `2026-01-01T00:02:00Z,NaN\r\n2026-01-01T00:03:00Z,0.4\r\n`,
      want: { keys: [K1], start: T0, step: 60_000, values: [[0.1, NaN, NaN, 0.4]] },
    },
    {
      name: "title line before the header, epoch seconds",
      text: `My dashboard - lag panel\n"timestamp","a"\n${T0 / 1000},1\n${T0 / 1000 + 60},2\n`,
      want: { keys: ["a"], start: T0, step: 60_000, values: [[1, 2]] },
    },
    {
      name: "epoch milliseconds, time column not first, holes filled",
      text: `"a","Time (UTC)"\n1,${T0}\n2,${T0 + 60_000}\n4,${T0 + 180_000}\n5,${T0 + 240_000}\n`,
      want: { keys: ["a"], start: T0, step: 60_000, values: [[1, 2, NaN, 4, 5]] },
    },
    {
      name: "sep=; with semicolons (Excel in a comma-decimal locale)",
      text: `sep=;\n"Time";"a";"b"\n2026-01-01 00:00:00;1;2\n2026-01-01 00:00:10;3;4\n`,
      want: { keys: ["a", "b"], start: T0, step: 10_000, values: [[1, 3], [2, 4]] },
    },
    {
      name: "Grafana 'series as rows' layout",
      text: `"Series","Time","Value"\n"a",2026-01-01 00:00:00,1\n"b",2026-01-01 00:00:00,5%\n` +
        `"a",2026-01-01 00:01:00,2\n"b",2026-01-01 00:01:00,\n"a",2026-01-01 00:02:00,3\n`,
      want: { keys: ["a", "b"], start: T0, step: 60_000, values: [[1, 2, 3], [0.05, NaN]] },
    },
    {
      name: "negative, exponent and spaced values",
      text: `Time,a\n2026-01-01 00:00:00, -1.5 \n2026-01-01 00:01:00,2e-3\n2026-01-01 00:02:00,-0.5%\n`,
      want: { keys: ["a"], start: T0, step: 60_000, values: [[-1.5, 0.002, -0.005]] },
    },
  ];
  for (const { name, text, want } of cases) {
    await t.step(name, () => {
      const { series } = parseGrafanaCsv(text, { file: "x.csv" });
      assert.deepEqual(series.map((s) => s.key), want.keys);
      for (const s of series) assert.equal(s.start, want.start);
      for (const s of series) assert.equal(s.step, want.step);
      series.forEach((s, i) => {
        const got = vals(s);
        assert.equal(got.length, want.values[i].length, `${s.key} length`);
        got.forEach((v, j) => {
          const w = want.values[i][j];
          if (Number.isNaN(w)) assert.ok(Number.isNaN(v), `${s.key}[${j}] should be NaN, is ${v}`);
          else assert.ok(Math.abs(v - w) < 1e-12, `${s.key}[${j}] = ${v}, want ${w}`);
        });
      });
    });
  }
});

Deno.test("parseGrafanaCsv() parses headers into labels with the template, keeps unmatched keys", () => {
  const text = `Time,${K1},aliased name\n2026-01-01 00:00:00,1,2\n2026-01-01 00:01:00,1,2\n`;
  const { series } = parseGrafanaCsv(text, { extraLabels: { family: "presence" } });
  assert.deepEqual(series[0].labels, {
    machine: "n200-primary-meraki-com",
    aggregator: "ProbeTablesAggregator.x_hour",
    family: "presence",
  });
  assert.deepEqual(series[1].labels, { family: "presence" });
  assert.equal(series[1].key, "aliased name");
  const custom = parseGrafanaCsv("Time,web.n1.cpu\n0,1\n60,2\n", { template: "web.{host}.{metric}" });
  assert.deepEqual(custom.series[0].labels, { host: "n1", metric: "cpu" });
});

Deno.test("parseGrafanaCsv() reports duplicates, jitter, gaps, percentages and missing cells", () => {
  const text = `Time,a\n2026-01-01 00:00:00,1%\n2026-01-01 00:01:00,\n2026-01-01 00:01:00,2\n` +
    `2026-01-01 00:02:03,3\n2026-01-01 00:05:00,null\n\n2026-01-01 00:06:00,6\n2026-01-01 00:07:00,7\n`;
  const { report, series } = parseGrafanaCsv(text, { file: "r.csv" });
  assert.deepEqual(
    { ...report, skippedRows: report.skippedRows.length },
    {
      file: "r.csv",
      layout: "wide",
      timeColumn: "Time",
      rows: 7,
      blankLines: 1,
      percentValues: 1,
      missingValues: 2,
      duplicates: 1,
      jitter: 1,
      gaps: 2,
      skipped: 0,
      skippedRows: 0,
    },
  );
  assert.deepEqual(vals(series[0]).map((v) => Number.isNaN(v) ? null : v), [
    0.01,
    2,
    3,
    null,
    null,
    null,
    6,
    7,
  ]);
});

Deno.test("parseGrafanaCsv() names the file and line of bad input", () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      "wrong field count",
      "sep=,\nTime,a,b\n2026-01-01 00:00:00,1,2\n2026-01-01 00:01:00,1\n",
      /^Cannot parse bad\.csv:4: expected 3 fields as in the header on line 2, found 2$/,
    ],
    [
      "unparseable time",
      "Time,a\n2026-01-01 00:00:00,1\nyesterday,2\n",
      /^Cannot parse bad\.csv:3: cannot read the time "yesterday" in column "Time"$/,
    ],
    [
      "local-looking time",
      "Time,a\n01/02/2026 10:00,1\n",
      /^Cannot parse bad\.csv:2: cannot read the time "01\/02\/2026 10:00"/,
    ],
    [
      "non-numeric value",
      "Time,a\n2026-01-01 00:00:00,1\n2026-01-01 00:01:00,12 ms\n",
      /^Cannot parse bad\.csv:3: the value "12 ms" in column "a" is not a number, a percentage or a missing marker$/,
    ],
    [
      "bad percentage",
      "Time,a\n2026-01-01 00:00:00,abc%\n",
      /^Cannot parse bad\.csv:2: the value "abc%" in column "a"/,
    ],
    [
      "hex is not a number",
      "Time,a\n2026-01-01 00:00:00,0x10\n",
      /^Cannot parse bad\.csv:2: the value "0x10"/,
    ],
    ["empty file", "", /^Cannot parse bad\.csv: the file is empty/],
    ["only a sep line", "sep=,\n", /^Cannot parse bad\.csv: the file is empty/],
    [
      "no time column",
      "host,value\na,1\nb,2\n",
      /^Cannot parse bad\.csv:2: no time column .*current value is \["host","value"\]/,
    ],
    [
      "no value column",
      "Time\n2026-01-01 00:00:00\n",
      /^Cannot parse bad\.csv:1: no value column next to the time column/,
    ],
    ["header only", "Time,a\n", /^Cannot parse bad\.csv: no data rows after the header on line 1/],
    [
      "far-off time",
      "Time,a\n2026-01-01 00:00:00,1\n2026-01-01 00:01:00,1\n2026-01-01 00:02:00,1\n1970-01-01 00:00:00,1\n",
      /^Cannot build a grid for bad\.csv: 4 rows at step 60000 ms would span/,
    ],
  ];
  for (const [name, text, message] of cases) {
    assert.throws(() => parseGrafanaCsv(text, { file: "bad.csv" }), (err: Error) => {
      assert.ok(err instanceof SyntaxError || err instanceof RangeError, `${name}: ${err}`);
      assert.match(err.message, message, name);
      return true;
    }, name);
  }
});

Deno.test("parseGrafanaCsv() with onError: skip drops bad rows, counts them and keeps the rest", () => {
  const text = "Time,a\n2026-01-01 00:00:00,1\nnope,2\n2026-01-01 00:01:00,1,9\n2026-01-01 00:02:00,x\n" +
    "2026-01-01 00:03:00,4\n2026-01-01 00:04:00,5\n2026-01-01 00:05:00,6\n";
  const { series, report } = parseGrafanaCsv(text, { file: "s.csv", onError: "skip" });
  assert.equal(report.skipped, 3);
  assert.deepEqual(report.skippedRows.map((r) => r.line), [3, 4, 5]);
  assert.match(report.skippedRows[2].reason, /the value "x"/);
  assert.deepEqual(vals(series[0]).map((v) => Number.isNaN(v) ? null : v), [1, null, null, 4, 5, 6]);
});
