/**
 * Parses one timestamp cell to epoch milliseconds UTC.
 *
 * Accepted: ISO 8601 (`2026-01-02T03:04:05Z`, with or without `T`, fractional seconds, `Z` or `±HH:MM`),
 * `YYYY-MM-DD HH:MM[:SS]` (always UTC, never local time), a bare date, and epoch seconds or epoch
 * milliseconds (a number ≥ 1e11 is taken as milliseconds). Anything else is `NaN` — the caller names the line.
 *
 * @param text The cell text.
 * @returns Epoch milliseconds, or `NaN` when the text is not a time this parser accepts.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTime } from "./parse_time.ts";
 * assert.ok(parseTime("2026-01-01 00:00:00") === Date.UTC(2026, 0, 1));
 * assert.ok(parseTime("1767225600") === Date.UTC(2026, 0, 1));
 * ```
 */
export function parseTime(text: string): number {
  let s = text;
  if (s.length > 0 && (s.charCodeAt(0) === 32 || s.charCodeAt(s.length - 1) === 32)) s = s.trim();
  const n = s.length;
  if (n === 0) return NaN;
  const c0 = s.charCodeAt(0);
  // Epoch seconds / milliseconds: digits with an optional fraction, no dash at position 4.
  if (n < 4 || s.charCodeAt(4) !== 45 /* - */) {
    if (c0 < 48 || c0 > 57) return NaN;
    const v = Number(s);
    if (!Number.isFinite(v) || v < 0) return NaN;
    return v >= 1e11 ? Math.round(v) : Math.round(v * 1000);
  }
  return parseIsoLike(s);
}

function digits(s: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function parseIsoLike(s: string): number {
  const n = s.length;
  if (n < 10 || s.charCodeAt(7) !== 45) return NaN;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31) return NaN;
  let hour = 0, minute = 0, second = 0, ms = 0, offsetMin = 0;
  let i = 10;
  if (i < n) {
    const sep = s.charCodeAt(i);
    if (sep !== 84 /* T */ && sep !== 32 /* space */) return NaN;
    if (n < i + 6 || s.charCodeAt(i + 3) !== 58 /* : */) return NaN;
    hour = digits(s, i + 1, 2);
    minute = digits(s, i + 4, 2);
    if (hour < 0 || hour > 24 || minute < 0 || minute > 59) return NaN;
    i += 6;
    if (i < n && s.charCodeAt(i) === 58) {
      second = digits(s, i + 1, 2);
      if (second < 0 || second > 60) return NaN;
      i += 3;
      if (i < n && (s.charCodeAt(i) === 46 /* . */ || s.charCodeAt(i) === 44 /* , */)) {
        let j = i + 1;
        let frac = 0, scale = 1;
        while (j < n) {
          const c = s.charCodeAt(j) - 48;
          if (c < 0 || c > 9) break;
          if (scale < 1e9) {
            frac = frac * 10 + c;
            scale *= 10;
          }
          j++;
        }
        if (j === i + 1) return NaN;
        ms = Math.round((frac / scale) * 1000);
        i = j;
      }
    }
    if (i < n) {
      const z = s.charCodeAt(i);
      if (z === 90 /* Z */ && i === n - 1) {
        i++;
      } else if (z === 43 /* + */ || z === 45 /* - */) {
        const hh = digits(s, i + 1, 2);
        let mm: number;
        if (n === i + 6 && s.charCodeAt(i + 3) === 58) mm = digits(s, i + 4, 2);
        else if (n === i + 5) mm = digits(s, i + 3, 2);
        else if (n === i + 3) mm = 0;
        else return NaN;
        if (hh < 0 || mm < 0) return NaN;
        offsetMin = (z === 43 ? 1 : -1) * (hh * 60 + mm);
        i = n;
      } else if (s.endsWith(" UTC") && i === n - 4) {
        i = n;
      } else {
        return NaN;
      }
    }
  }
  if (day > daysInMonth(year, month)) return NaN;
  return daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 +
    ms -
    offsetMin * 60_000;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm), no Date object needed. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
