import assert from "node:assert/strict";
import { parseTime } from "./parse_time.ts";

const T = Date.UTC(2026, 0, 2, 3, 4, 5);

Deno.test("parseTime() reads every accepted format as UTC", () => {
  const cases: Array<[string, number]> = [
    ["2026-01-02 03:04:05", T],
    ["2026-01-02T03:04:05", T],
    ["2026-01-02T03:04:05Z", T],
    ["2026-01-02T03:04:05.250Z", T + 250],
    ["2026-01-02T03:04:05.123456", T + 123],
    ["2026-01-02T05:04:05+02:00", T],
    ["2026-01-02T01:04:05-0200", T],
    ["2026-01-02 03:04", T - 5000],
    ["2026-01-02", Date.UTC(2026, 0, 2)],
    [" 2026-01-02 03:04:05 ", T],
    ["2026-01-02 03:04:05 UTC", T],
    [String(T / 1000), T],
    [String(T), T],
    ["1767323045.5", T + 500],
    ["2024-02-29 00:00:00", Date.UTC(2024, 1, 29)],
    ["1969-12-31 23:59:59", -1000],
  ];
  for (const [text, want] of cases) assert.equal(parseTime(text), want, text);
});

Deno.test("parseTime() refuses what it cannot read instead of guessing", () => {
  for (
    const text of [
      "",
      "yesterday",
      "01/02/2026 03:04",
      "2026-13-01 00:00:00",
      "2026-02-30 00:00:00",
      "2025-02-29",
      "2026-01-02 03:04:05 CET",
      "2026-01-02X03:04:05",
      "-5",
      "2026-1-2",
    ]
  ) {
    assert.ok(Number.isNaN(parseTime(text)), `${JSON.stringify(text)} should not parse`);
  }
});
