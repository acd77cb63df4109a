import assert from "node:assert/strict";
import type { Series } from "../series/types.ts";
import { formatGrafanaCsv, type FormatGrafanaCsvOptions } from "./write_csv.ts";

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;

function toy(key: string, values: number[], start = T0, step = HOUR): Series {
  return { key, labels: {}, start, step, values: new Float64Array(values) };
}

const pair = [toy("a.x", [0.03265, NaN, 0.0001234567, 0]), toy("a.y", [NaN, 1.5, 12.3456789, 0.5])];

Deno.test("formatGrafanaCsv() writes each format as Grafana would", () => {
  const cases: { name: string; options: FormatGrafanaCsvOptions; lines: string[] }[] = [
    {
      name: "defaults: grafana time, 6 digits, CRLF",
      options: {},
      lines: [
        '"Time","a.x","a.y"',
        "2026-01-01 00:00:00,0.03265,",
        "2026-01-01 01:00:00,,1.5",
        "2026-01-01 02:00:00,0.000123457,12.3457",
        "2026-01-01 03:00:00,0,0.5",
      ],
    },
    {
      name: "excel sep line, percent, 4 digits",
      options: { sep: true, percent: true, digits: 4 },
      lines: [
        "sep=,",
        '"Time","a.x","a.y"',
        "2026-01-01 00:00:00,3.265%,",
        "2026-01-01 01:00:00,,150%",
        "2026-01-01 02:00:00,0.01235%,1235%",
        "2026-01-01 03:00:00,0%,50%",
      ],
    },
    {
      name: "ISO times",
      options: { time: "iso", digits: 3 },
      lines: [
        '"Time","a.x","a.y"',
        "2026-01-01T00:00:00Z,0.0326,", // 0.03265 is 0.032649999… in binary,
        "2026-01-01T01:00:00Z,,1.5",
        "2026-01-01T02:00:00Z,0.000123,12.3",
        "2026-01-01T03:00:00Z,0,0.5",
      ],
    },
    {
      name: "epoch milliseconds",
      options: { time: "epochMs", digits: 2 },
      lines: [
        '"Time","a.x","a.y"',
        `${T0},0.033,`,
        `${T0 + HOUR},,1.5`,
        `${T0 + 2 * HOUR},0.00012,12`,
        `${T0 + 3 * HOUR},0,0.5`,
      ],
    },
  ];
  for (const { name, options, lines } of cases) {
    for (const newline of ["\n", "\r\n"] as const) {
      const csv = formatGrafanaCsv(pair, { ...options, newline });
      assert.equal(csv, lines.join(newline) + newline, `${name} (${JSON.stringify(newline)})`);
    }
    assert.equal(
      formatGrafanaCsv(pair, options).split("\r\n").length,
      lines.length + 1,
      `${name}: CRLF default`,
    );
  }
});

Deno.test("formatGrafanaCsv() quotes headers and keeps one row per grid point", () => {
  const csv = formatGrafanaCsv([toy('say "hi", ok', [1, 2, 3], T0, 60_000)], { newline: "\n" });
  assert.equal(
    csv,
    '"Time","say ""hi"", ok"\n2026-01-01 00:00:00,1\n2026-01-01 00:01:00,2\n2026-01-01 00:02:00,3\n',
  );
  assert.equal(formatGrafanaCsv([toy("empty", [])]), '"Time","empty"\r\n');
});

Deno.test("formatGrafanaCsv() writes a 260k-row file quickly and exactly", () => {
  const n = 262_080;
  const columns = Array.from({ length: 6 }, (_, c) => {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = i % 1000 === 7 ? NaN : 0.001 * (c + 1) * (1 + (i % 97) / 97);
    return toy(`s${c}`, [...values], T0, 60_000);
  });
  const started = performance.now();
  const csv = formatGrafanaCsv(columns, { percent: true, sep: true, digits: 4 });
  const elapsed = performance.now() - started;
  const lines = csv.split("\r\n");
  assert.equal(lines.length, n + 3); // sep, header, rows, trailing ""
  assert.equal(lines[2], "2026-01-01 00:00:00,0.1%,0.2%,0.3%,0.4%,0.5%,0.6%");
  assert.equal(lines[2 + 7], "2026-01-01 00:07:00,,,,,,");
  assert.equal(
    lines.at(-2)!.slice(0, 19),
    new Date(T0 + (n - 1) * 60_000).toISOString().replace("T", " ").slice(0, 19),
  );
  assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
});

Deno.test("formatGrafanaCsv() rejects series off the shared grid and bad digits", () => {
  const cases: [Series[], FormatGrafanaCsvOptions, string][] = [
    [[], {}, "Cannot format Grafana CSV: at least one series is needed, current value is 0 series"],
    [
      [toy("a", [1, 2]), toy("b", [1, 2], T0 + 1)],
      {},
      'Cannot format Grafana CSV: series "b" is not on the grid of "a" (start 1767225600000, step 3600000, 2 points), ' +
      "current value is start 1767225600001, step 3600000, 2 points",
    ],
    [
      [toy("a", [1, 2]), toy("b", [1, 2, 3])],
      {},
      'Cannot format Grafana CSV: series "b" is not on the grid of "a" (start 1767225600000, step 3600000, 2 points), ' +
      "current value is start 1767225600000, step 3600000, 3 points",
    ],
    [
      [toy("a", [1])],
      { digits: 0 },
      "Cannot format Grafana CSV: digits must be an integer from 1 to 17, current value is 0",
    ],
  ];
  for (const [series, options, message] of cases) {
    assert.throws(() => formatGrafanaCsv(series, options), { name: "RangeError", message });
  }
});
