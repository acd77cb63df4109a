import { dirname } from "node:path";
import type { AlertState } from "./types.ts";
import { writeTextAtomic } from "../_write_atomic.ts";
import { checkAlertState } from "./_episodes.ts";
import { acquireLock, releaseLock } from "../_lock.ts";

/** Options for {@link withAlertState}. */
export interface WithAlertStateOptions {
  /** The current time, epoch ms (recorded in the lock file, named to a run that gives up waiting). */
  now: number;
  /** Give up when another run still holds the lock after this long. Longer than a run's sending takes.
   * @default 120_000 */
  lockTimeoutMs?: number;
  /** How often to look at a held lock. @default 100 */
  pollMs?: number;
  /** How to wait for the lock (injectable for tests). @default a `setTimeout` promise */
  sleep?: (ms: number) => Promise<void>;
}

/** What the function given to {@link withAlertState} returns: the new state and anything else. */
export interface AlertStateUpdate<T> {
  /** The state to write. */
  state: AlertState;
  /** Returned by `withAlertState`. */
  result: T;
}

async function readAlertState(path: string): Promise<AlertState> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { version: 1, episodes: [] };
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new SyntaxError(
      `Cannot read alert state ${path}: not valid JSON (${why}); fix or remove the file, current value is ${
        JSON.stringify(text.length > 60 ? text.slice(0, 59) + "…" : text)
      }`,
    );
  }
  return checkAlertState(value, `alert state ${path}`);
}

/**
 * Runs one read-modify-write of the alert dedupe state under an exclusive lock, so two overlapping runs never
 * lose each other's records nor send the same episode twice: takes a kernel lock on `<path>.lock`
 * (`Deno.FsFile.lock`: released by the operating system when its process dies, so a killed run never blocks the
 * next one; a live holder is waited for up to `lockTimeoutMs`), reads the state (a missing file is the empty state; invalid JSON or an unknown version is
 * an error naming the file, never a silent reset), runs `fn`, writes the state it returns atomically and
 * releases the lock, also when `fn` throws (then nothing is written). Deliver inside `fn` (plan, send,
 * record), so the next run sees what this one sent.
 *
 * @param path The state file, e.g. `reports/alert_state.json`.
 * @param fn Given the current state, returns the new state and a result (may be async).
 * @param options See {@link WithAlertStateOptions}.
 * @returns `fn`'s result.
 * @throws {SyntaxError} When the file is not JSON.
 * @throws {TypeError} When it is not a version-1 state (or `fn` returns none).
 * @throws {Error} When the lock is still held after `lockTimeoutMs`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withAlertState } from "./with_alert_state.ts";
 * const dir = await Deno.makeTempDir();
 * const count = await withAlertState(`${dir}/state.json`, (state) => ({ state, result: state.episodes.length }),
 *   { now: 0 });
 * assert.equal(count, 0);
 * assert.deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/state.json`)), { version: 1, episodes: [] });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function withAlertState<T>(
  path: string,
  fn: (state: AlertState) => AlertStateUpdate<T> | Promise<AlertStateUpdate<T>>,
  options: WithAlertStateOptions,
): Promise<T> {
  const {
    now,
    lockTimeoutMs = 120_000,
    pollMs = 100,
    sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  } = options;
  if (typeof path !== "string" || !path) {
    throw new TypeError(
      `Cannot use the alert state: path must be a file path, current value is ${JSON.stringify(path)}`,
    );
  }
  if (typeof now !== "number" || !Number.isFinite(now)) {
    throw new RangeError(
      `Cannot use alert state ${path}: now must be a finite epoch-ms time, current value is ${now}`,
    );
  }
  if (!(lockTimeoutMs >= 0 && lockTimeoutMs < Infinity)) {
    throw new RangeError(
      `Cannot use alert state ${path}: lockTimeoutMs must be >= 0, current value is ${lockTimeoutMs}`,
    );
  }
  if (!(pollMs > 0 && pollMs < Infinity)) {
    throw new RangeError(
      `Cannot use alert state ${path}: pollMs must be positive, current value is ${pollMs}`,
    );
  }
  const lockPath = `${path}.lock`;
  await Deno.mkdir(dirname(path) || ".", { recursive: true });
  const lock = await acquireLock(lockPath, { now, lockTimeoutMs, pollMs, sleep });
  try {
    const state = await readAlertState(path);
    const update = await fn(state);
    if (!update || typeof update !== "object" || !("state" in update)) {
      throw new TypeError(
        `Cannot update alert state ${path}: the function must return { state, result }, current value is ${
          JSON.stringify(update)
        }`,
      );
    }
    checkAlertState(update.state, `the new alert state for ${path}`);
    await writeTextAtomic(path, JSON.stringify(update.state, null, 2) + "\n");
    return update.result;
  } finally {
    await releaseLock(lock);
  }
}
