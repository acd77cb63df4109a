import { parseTime } from "./parse_time.ts";
import { parseDurationMs } from "./parse_duration.ts";

/**
 * Parses a time given on a command line or in a config: ISO 8601, `YYYY-MM-DD HH:MM:SS` (UTC), epoch seconds/ms,
 * `now`, or relative to `now` as Graphite writes it (`-24h`, `-3d`, `now-6h`).
 *
 * @param flag What is parsed, for the error message (e.g. `--from`).
 * @param text The time.
 * @param now "Now", epoch ms (the clock for a live source, the end of the data for files).
 * @returns Epoch ms.
 * @throws {SyntaxError} When the text is not a time.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseWhen } from "./parse_when.ts";
 * const now = Date.UTC(2026, 0, 2);
 * assert.equal(parseWhen("--from", "-24h", now), Date.UTC(2026, 0, 1));
 * assert.equal(parseWhen("--from", "2026-01-01T00:00:00Z", now), Date.UTC(2026, 0, 1));
 * assert.equal(parseWhen("--until", "now", now), now);
 * ```
 */
export function parseWhen(flag: string, text: string, now: number): number {
  const s = text.trim();
  if (s === "now") return now;
  const rel = /^(?:now)?\s*-\s*(.+)$/.exec(s);
  const fail = () =>
    new SyntaxError(
      `Cannot parse ${flag}: expected ISO 8601, epoch seconds, "now" or a relative time like -24h, current value is "${text}"`,
    );
  if (rel && !/^\d{4}-/.test(s)) {
    try {
      return now - parseDurationMs(rel[1]);
    } catch {
      throw fail();
    }
  }
  const t = parseTime(s);
  if (Number.isNaN(t)) throw fail();
  return t;
}
