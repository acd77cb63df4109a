import assert from "node:assert/strict";
import { parseLagMinutes } from "./parse_duration.ts";

Deno.test("parseLagMinutes() converts lags to minutes", () => {
  const cases: Array<[string, number]> = [
    ["3 hours", 180],
    ["2d", 2880], // 2 · 1440
    ["45 min", 45],
    ["1h 30m", 90],
    ["1h30m", 90],
    ["1h, 30m", 90],
    ["1 day 2 hours", 1560], // 1440 + 120
    ["90", 90], // a bare number is minutes
    ["12.5", 12.5],
    ["  90  ", 90],
    ["0", 0],
    ["1.5h", 90],
    ["30s", 0.5],
    ["90 seconds", 1.5],
    ["1w", 10080], // 7 · 1440
    ["2 weeks", 20160],
    ["3 HOURS", 180],
    ["24 hours", 1440],
    ["72 hrs", 4320],
    ["1 wk 1 d 1 hr 1 min", 10080 + 1440 + 60 + 1],
  ];
  for (const [text, want] of cases) assert.equal(parseLagMinutes(text), want, JSON.stringify(text));
});

Deno.test("parseLagMinutes() accepts Graphite's units: min is minutes, mon is 30 days, y is 365 days", () => {
  const cases: Array<[string, number]> = [
    ["5min", 5],
    ["5m", 5], // ours: m is minutes (Graphite refuses a bare m)
    ["10minutes", 10],
    ["1mon", 30 * 1440],
    ["2mon", 2 * 30 * 1440],
    ["3 months", 3 * 30 * 1440],
    ["1 month", 30 * 1440],
    ["1y", 365 * 1440],
    ["2years", 2 * 365 * 1440],
    ["1mon2d", 32 * 1440],
    ["1y1mon1w1d1h1min1s", 365 * 1440 + 30 * 1440 + 10080 + 1440 + 60 + 1 + 1 / 60],
    ["72h", 4320],
    ["30d", 43200],
  ];
  for (const [text, want] of cases) assert.equal(parseLagMinutes(text), want, JSON.stringify(text));
});

Deno.test("parseLagMinutes() rejects text that is not a lag with a SyntaxError", () => {
  const cases = [
    "",
    "   ",
    "abc",
    "h",
    "3 fortnights",
    "-3h",
    "3h garbage",
    "1e3",
    "3 hours 5",
    "3 mo",
    ".5h",
    "NaN",
  ];
  for (const text of cases) {
    assert.throws(
      () => parseLagMinutes(text),
      {
        name: "SyntaxError",
        message: `Cannot parse lag: expected a duration like "3 hours", "2d" or "45 min", current value is ${
          JSON.stringify(text)
        }`,
      },
      JSON.stringify(text),
    );
  }
});
