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

/** Parses a flag that takes one of a few words (`undefined` stays undefined: the reader's default). */
export function parseChoice<T extends string>(
  command: string,
  flag: string,
  text: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (text !== undefined && !choices.includes(text as T)) {
    const list = choices.length === 2
      ? choices.join(" or ")
      : `${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}`;
    throw new RangeError(`Cannot ${command}: ${flag} must be ${list}, current value is "${text}"`);
  }
  return text as T | undefined;
}

/** Parses `--profile`: strict, permissive, or none (the default of whatever reads it). */
export const parseProfile = (command: string, text: string | undefined) =>
  parseChoice(command, "--profile", text, ["strict", "permissive"] as const);

/** Progress on stderr, only when stderr is a terminal. */
export function progress(message: string): void {
  if (Deno.stderr.isTerminal()) console.error(message);
}
