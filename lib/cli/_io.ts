import { writeTextAtomic } from "../_write_atomic.ts";

/** Writes JSON atomically (temp file + rename) and returns the bytes written. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<number> {
  return await writeTextAtomic(path, JSON.stringify(value, null, 1) + "\n");
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

/** Parses `--profile`: strict, permissive, or none (the default of whatever reads it). */
export function parseProfile(command: string, text: string | undefined): "strict" | "permissive" | undefined {
  if (text !== undefined && text !== "strict" && text !== "permissive") {
    throw new RangeError(
      `Cannot ${command}: --profile must be strict or permissive, current value is "${text}"`,
    );
  }
  return text;
}

/** Progress on stderr, only when stderr is a terminal. */
export function progress(message: string): void {
  if (Deno.stderr.isTerminal()) console.error(message);
}
