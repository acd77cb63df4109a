import { dirname } from "node:path";
import { acquireLock, releaseLock } from "../_lock.ts";
import { writeTextAtomic } from "../_write_atomic.ts";
import { readFeedback } from "./read_feedback.ts";
import type { FeedbackLine } from "./types.ts";

/** Options of {@link appendFeedback}. */
export interface AppendFeedbackOptions {
  /** The time, epoch ms, recorded in the lock file. */
  now: number;
  /** Give up waiting for another writer after this long, ms. @default 30_000 */
  lockTimeoutMs?: number;
  /** How to wait. @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Appends one line to the feedback file (a withdrawal only of a decision it holds): under the same kind of kernel lock the alert state uses (two
 * operators at once each get their line in), after checking that the file as it stands reads (a damaged file
 * is an error, never overwritten), by writing the whole file to a temporary one and renaming it over (a crash
 * leaves the old file or the new one, never half a line). Creates the file and its directory.
 *
 * @param path The feedback file.
 * @param line The decision or withdrawal.
 * @param options The time, and how long to wait for the lock.
 * @returns The file's lines after the append.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { appendFeedback } from "./append_feedback.ts";
 * const path = `${await Deno.makeTempDir()}/models/feedback.jsonl`;
 * const line = { id: "fb-1", decision: "anomalous" as const, spans: [{ series: "s", from: 0, until: 0 }],
 *   by: "ops", at: "2026-12-01T00:00:00.000Z" };
 * assert.equal((await appendFeedback(path, line, { now: 0 })).length, 1);
 * assert.equal((await Deno.readTextFile(path)).trim(), JSON.stringify(line));
 * ```
 */
export async function appendFeedback(
  path: string,
  line: FeedbackLine,
  options: AppendFeedbackOptions,
): Promise<FeedbackLine[]> {
  const { now, lockTimeoutMs = 30_000, sleep = (ms) => new Promise((r) => setTimeout(r, ms)) } = options;
  await Deno.mkdir(dirname(path) || ".", { recursive: true });
  const lock = await acquireLock(`${path}.lock`, {
    now,
    lockTimeoutMs,
    pollMs: 50,
    sleep,
    what: { name: "the feedback file", holder: "another decision is being written" },
  });
  try {
    const lines = await readFeedback(path);
    if ("undo" in line && !lines.some((l) => !("undo" in l) && l.id === line.undo)) {
      throw new RangeError(`Cannot undo: no decision ${line.undo} in ${path}, current value is ${line.undo}`);
    }
    const text = await Deno.readTextFile(path).catch(() => "");
    const body = text === "" || text.endsWith("\n") ? text : `${text}\n`;
    await writeTextAtomic(path, `${body}${JSON.stringify(line)}\n`);
    return [...lines, line];
  } finally {
    await releaseLock(lock);
  }
}
