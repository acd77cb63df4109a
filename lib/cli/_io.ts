import { writeTextAtomic } from "../_write_atomic.ts";
import { parseTime } from "../series/parse_time.ts";
import { parseLagMinutes } from "../detectors/parse_lag.ts";

/** Writes JSON atomically (temp file + rename) and returns the bytes written. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<number> {
  return await writeTextAtomic(path, JSON.stringify(value, null, 1) + "\n");
}

/**
 * A time flag: ISO 8601, `YYYY-MM-DD HH:MM:SS` (UTC), epoch seconds/ms, or relative to `now` like `-24h`,
 * `-3d`, `now`, `now-6h`.
 */
export function parseWhen(flag: string, text: string, now: number): number {
  const s = text.trim();
  if (s === "now") return now;
  const rel = /^(?:now)?\s*-\s*(.+)$/.exec(s);
  if (rel && !/^\d{4}-/.test(s)) return now - parseLagMinutes(rel[1]) * 60_000;
  const t = parseTime(s);
  if (Number.isNaN(t)) {
    throw new SyntaxError(
      `Cannot parse ${flag}: expected ISO 8601, epoch seconds, "now" or a relative time like -24h, current value is "${text}"`,
    );
  }
  return t;
}

/** Parses a positive number flag. */
export function parseNumber(flag: string, text: string, { min = -Infinity, max = Infinity } = {}): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || v < min || v > max) {
    throw new RangeError(
      `Cannot parse ${flag}: expected a number in [${min}, ${max}], current value is "${text}"`,
    );
  }
  return v;
}

/** Progress on stderr, only when stderr is a terminal. */
export function progress(message: string): void {
  if (Deno.stderr.isTerminal()) console.error(message);
}
