/**
 * An exclusive lock file beside the alert state: created with `createNew` (atomic: only one run can create
 * it), holding `{ pid, token, createdAt }`. A lock older than `staleLockMs`, whose process is gone (when
 * `--allow-run` lets us ask) or that stays unreadable is broken. Private to `lib/alerts`.
 *
 * @module
 */
import process from "node:process";

/** What a lock file holds. */
export interface LockInfo {
  /** The process that holds it. */
  pid: number;
  /** Names this holder (a random UUID), so a run only ever removes its own lock. */
  token: string;
  /** When it was taken, epoch ms (the holder's `now`). */
  createdAt: number;
}

/** Options for {@link acquireLock}. */
export interface AcquireLockOptions {
  /** The current time, epoch ms (time spent waiting is added to it). */
  now: number;
  /** Give up after waiting this long. */
  lockTimeoutMs: number;
  /** Break a lock older than this. */
  staleLockMs: number;
  /** Look again this often. */
  pollMs: number;
  /** How to wait. */
  sleep: (ms: number) => Promise<void>;
}

function parseLock(raw: string): LockInfo | undefined {
  try {
    const v = JSON.parse(raw);
    if (
      v && Number.isInteger(v.pid) && v.pid > 0 && typeof v.token === "string" &&
      typeof v.createdAt === "number"
    ) return v;
  } catch {
    // unreadable: undefined
  }
  return undefined;
}

/**
 * Whether a process is running, as far as this process may ask: signal 0 (no effect on the process) through
 * `node:process`, which needs `--allow-run`; without it the process is assumed alive (so only age breaks
 * its lock) and Deno never prompts.
 *
 * @param pid The process id.
 * @returns `false` only when the process is known to be gone.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pidAlive } from "./_lock.ts";
 * assert.equal(await pidAlive(Deno.pid), true);
 * ```
 */
export async function pidAlive(pid: number): Promise<boolean> {
  if (pid === Deno.pid) return true;
  try {
    const { state } = await Deno.permissions.query({ name: "run" });
    if (state !== "granted") return true;
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code !== "ESRCH";
  }
}

/**
 * Moves a stale lock aside and removes it, but only if it is still the one seen (another run may have broken
 * it and taken a fresh lock meanwhile; that one is put back).
 */
async function breakLock(lockPath: string, seen: string): Promise<void> {
  const aside = `${lockPath}.broken-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.rename(lockPath, aside);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  const raw = await Deno.readTextFile(aside).catch(() => "");
  if (raw !== seen) {
    // a fresh lock of another run: put it back unless yet another run has created one meanwhile
    await Deno.link(aside, lockPath).catch(() => {});
  }
  await Deno.remove(aside).catch(() => {});
}

/**
 * Takes the lock, waiting for another holder to release it, breaking it when stale.
 *
 * @param lockPath The lock file.
 * @param options See {@link AcquireLockOptions}.
 * @returns This holder's token, for {@link releaseLock}.
 * @throws {Error} When the lock is still held after `lockTimeoutMs`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { acquireLock, releaseLock } from "./_lock.ts";
 * const dir = await Deno.makeTempDir();
 * const opts = { now: 0, lockTimeoutMs: 0, staleLockMs: 60_000, pollMs: 10, sleep: () => Promise.resolve() };
 * const token = await acquireLock(`${dir}/s.lock`, opts);
 * await assert.rejects(acquireLock(`${dir}/s.lock`, opts), /is held by pid/);
 * assert.equal(await releaseLock(`${dir}/s.lock`, token), true);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function acquireLock(lockPath: string, options: AcquireLockOptions): Promise<string> {
  const { now, lockTimeoutMs, staleLockMs, pollMs, sleep } = options;
  const token = crypto.randomUUID();
  let waited = 0;
  let unreadable: string | undefined;
  for (;;) {
    const info: LockInfo = { pid: Deno.pid, token, createdAt: now + waited };
    try {
      await Deno.writeTextFile(lockPath, JSON.stringify(info) + "\n", { createNew: true });
      return token;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    let raw: string;
    try {
      raw = await Deno.readTextFile(lockPath);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue; // released meanwhile
      throw error;
    }
    const holder = parseLock(raw);
    let stale = false;
    if (!holder) {
      // being written right now, or left empty by a crash: stale when it is still the same on the next look
      stale = unreadable === raw;
      unreadable = raw;
    } else {
      unreadable = undefined;
      stale = now + waited - holder.createdAt > staleLockMs || !(await pidAlive(holder.pid));
    }
    if (stale) {
      await breakLock(lockPath, raw);
      continue;
    }
    if (waited >= lockTimeoutMs) {
      const who = holder
        ? `pid ${holder.pid} since ${new Date(holder.createdAt).toISOString()}`
        : "a run that has not written its pid yet";
      throw new Error(
        `Cannot lock the alert state: ${lockPath} is held by ${who} (another run is sending alerts; waited ${waited} ms), current value is lockTimeoutMs ${lockTimeoutMs}`,
      );
    }
    const step = Math.max(1, Math.min(pollMs, lockTimeoutMs - waited));
    await sleep(step);
    waited += step;
  }
}

/**
 * Whether the lock file is still this holder's.
 *
 * @param lockPath The lock file.
 * @param token The holder's token.
 * @returns `true` when the lock file holds the token.
 */
export async function holdsLock(lockPath: string, token: string): Promise<boolean> {
  const raw = await Deno.readTextFile(lockPath).catch(() => "");
  return parseLock(raw)?.token === token;
}

/**
 * Releases the lock if it is still this holder's (a lock broken as stale by another run is left alone).
 *
 * @param lockPath The lock file.
 * @param token The holder's token.
 * @returns `true` when the lock was this holder's and was removed.
 */
export async function releaseLock(lockPath: string, token: string): Promise<boolean> {
  if (!(await holdsLock(lockPath, token))) return false;
  await Deno.remove(lockPath).catch(() => {});
  return true;
}
