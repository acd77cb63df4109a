import assert from "node:assert/strict";
import { parseLagMinutes } from "./parse_lag.ts";

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
