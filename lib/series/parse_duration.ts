/**
 * Minutes per unit. Graphite's own units (s, min, h, d, w, mon, y) are all here, with Graphite's lengths: a month
 * is 30 days and a year 365. Unlike Graphite, a bare `m` is minutes (Graphite refuses `m`); months are `mon`.
 */
const UNITS: Record<string, number> = {
  s: 1 / 60,
  sec: 1 / 60,
  secs: 1 / 60,
  second: 1 / 60,
  seconds: 1 / 60,
  m: 1,
  min: 1,
  mins: 1,
  minute: 1,
  minutes: 1,
  h: 60,
  hr: 60,
  hrs: 60,
  hour: 60,
  hours: 60,
  d: 1440,
  day: 1440,
  days: 1440,
  w: 10080,
  wk: 10080,
  week: 10080,
  weeks: 10080,
  mon: 43200,
  mons: 43200,
  month: 43200,
  months: 43200,
  y: 525600,
  yr: 525600,
  yrs: 525600,
  year: 525600,
  years: 525600,
};

/**
 * Parses a lag string such as `3 hours`, `2d`, `45 min`, `1h 30m` or a bare number of minutes into minutes.
 * Graphite's units are accepted too: `min` (minutes), `mon` (a month of 30 days) and `y` (365 days); `m` is
 * minutes, never months.
 *
 * @param text The lag.
 * @returns Minutes.
 * @throws {SyntaxError} When the text is not a lag.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDurationMs, parseLagMinutes } from "./parse_duration.ts";
 * assert.ok(parseLagMinutes("3 hours") === 180 && parseLagMinutes("2d") === 2880);
 * assert.ok(parseLagMinutes("45 min") === 45 && parseLagMinutes("1h 30m") === 90);
 * assert.ok(parseLagMinutes("1mon") === 30 * 1440 && parseLagMinutes("5m") === 5);
 * ```
 */
export function parseLagMinutes(text: string): number {
  const s = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)\s*([a-z]+)(?:\s*,\s*(?=\d)|\s*)/gy;
  let total = 0, matched = 0, m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const unit = UNITS[m[2]];
    if (unit === undefined) break;
    total += Number(m[1]) * unit;
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== s.length) {
    throw new SyntaxError(
      `Cannot parse lag: expected a duration like "3 hours", "2d" or "45 min", current value is ${
        JSON.stringify(text)
      }`,
    );
  }
  return total;
}

/**
 * Parses a duration such as `5m`, `24h`, `-7d` without the sign, `1h 30m` or a bare number of minutes into
 * milliseconds: {@link parseLagMinutes} × 60 000, the one place that product is taken.
 *
 * @param text The duration.
 * @returns Milliseconds.
 * @throws {SyntaxError} When the text is not a duration.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDurationMs } from "./parse_duration.ts";
 * assert.equal(parseDurationMs("5m"), 300_000);
 * assert.equal(parseDurationMs("1h 30m"), 5_400_000);
 * ```
 */
export function parseDurationMs(text: string): number {
  return parseLagMinutes(text) * 60_000;
}
