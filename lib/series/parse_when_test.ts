import assert from "node:assert/strict";
import { parseWhen } from "./parse_when.ts";

const NOW = Date.UTC(2026, 2, 1, 12);
const MIN = 60_000, HOUR = 60 * MIN, DAY = 24 * HOUR;

Deno.test("parseWhen() reads relative times in our units and Graphite's", () => {
  const cases: Array<[string, number]> = [
    ["now", NOW],
    ["-24h", NOW - DAY],
    ["-1h", NOW - HOUR],
    ["-3d", NOW - 3 * DAY],
    ["now-6h", NOW - 6 * HOUR],
    ["now - 6h", NOW - 6 * HOUR],
    ["-5min", NOW - 5 * MIN], // Graphite's minutes
    ["-5m", NOW - 5 * MIN], // ours: m is minutes too
    ["-10minutes", NOW - 10 * MIN],
    ["-1mon", NOW - 30 * DAY], // Graphite's month: 30 days
    ["now-2months", NOW - 60 * DAY],
    ["-1y", NOW - 365 * DAY],
    ["-1w", NOW - 7 * DAY],
    ["-30s", NOW - 30_000],
    ["-1d12h", NOW - 36 * HOUR],
    ["2026-01-01T00:00:00Z", Date.UTC(2026, 0, 1)],
    ["2026-01-01 00:00:00", Date.UTC(2026, 0, 1)],
    ["1767225600", Date.UTC(2026, 0, 1)],
  ];
  for (const [text, want] of cases) assert.equal(parseWhen("--from", text, NOW), want, text);
});

Deno.test("parseWhen() refuses a relative time with an unknown unit", () => {
  for (const text of ["-3mo", "-3 fortnights", "now-"]) {
    assert.throws(() => parseWhen("--from", text, NOW), { name: "SyntaxError" }, text);
  }
  assert.throws(() => parseWhen("--until", "yesterday-ish", NOW), {
    name: "SyntaxError",
    message:
      'Cannot parse --until: expected ISO 8601, epoch seconds, "now" or a relative time like -24h, current value is "yesterday-ish"',
  });
  // A relative time with a bad unit names the flag too, not the duration parser's "lag".
  assert.throws(() => parseWhen("--from", "-3x", NOW), {
    name: "SyntaxError",
    message:
      'Cannot parse --from: expected ISO 8601, epoch seconds, "now" or a relative time like -24h, current value is "-3x"',
  });
});
