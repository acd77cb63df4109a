/**
 * A kernel lock on a file beside a shared file (the alert state, the feedback file) (`Deno.FsFile.lock`, an
 * `flock` on Unix): the operating
 * system releases it when its process ends, however it ends, so a killed run never leaves a lock behind. The
 * file itself stays (removing it would let two runs lock two different files of one name); while held it names
 * its holder, `{ pid, createdAt }`, for the message of a run that gives up waiting. Private to `lib/` (the
 * alert state and the feedback file use it).
 *
 * @module
 */

/** What a lock file names: its last holder. */
export interface LockInfo {
  /** The process that holds (or last held) it. */
  pid: number;
  /** When it was taken, epoch ms (the holder's `now`). */
  createdAt: number;
}

/** Options for {@link acquireLock}. */
export interface AcquireLockOptions {
  /** The current time, epoch ms, recorded in the lock file. */
  now: number;
  /** Give up after waiting this long. */
  lockTimeoutMs: number;
  /** Look again this often. */
  pollMs: number;
  /** How to wait. */
  sleep: (ms: number) => Promise<void>;
  /** What is locked and why, for the message: `the alert state` / `another run is sending alerts`.
   * @default the alert state's */
  what?: { name: string; holder: string };
}

function parseLock(raw: string): LockInfo | undefined {
  try {
    const v = JSON.parse(raw);
    if (v && Number.isInteger(v.pid) && v.pid > 0 && typeof v.createdAt === "number") return v;
  } catch {
    // being written, or empty: undefined
  }
  return undefined;
}

/**
 * Takes the lock, waiting while another process (or another open of the file in this one) holds it.
 *
 * @param lockPath The lock file (created when missing).
 * @param options See {@link AcquireLockOptions}.
 * @returns The open, locked file: give it to {@link releaseLock}.
 * @throws {Error} When the lock is still held after `lockTimeoutMs`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { acquireLock, releaseLock } from "./_lock.ts";
 * const dir = await Deno.makeTempDir();
 * const opts = { now: 0, lockTimeoutMs: 0, pollMs: 10, sleep: () => Promise.resolve() };
 * const held = await acquireLock(`${dir}/s.lock`, opts);
 * await assert.rejects(acquireLock(`${dir}/s.lock`, opts), /is held by pid/);
 * await releaseLock(held);
 * await releaseLock(await acquireLock(`${dir}/s.lock`, opts));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function acquireLock(lockPath: string, options: AcquireLockOptions): Promise<Deno.FsFile> {
  const { now, lockTimeoutMs, pollMs, sleep } = options;
  const { name, holder: doing } = options.what ?? {
    name: "the alert state",
    holder: "another run is sending alerts",
  };
  const file = await Deno.open(lockPath, { create: true, read: true, write: true });
  try {
    let waited = 0;
    while (!(await file.tryLock(true))) {
      if (waited >= lockTimeoutMs) {
        const holder = parseLock(await Deno.readTextFile(lockPath).catch(() => ""));
        const who = holder
          ? `pid ${holder.pid} since ${new Date(holder.createdAt).toISOString()}`
          : "a run that has not written its pid yet";
        throw new Error(
          `Cannot lock ${name}: ${lockPath} is held by ${who} (${doing}; waited ${waited} ms), current value is lockTimeoutMs ${lockTimeoutMs}`,
        );
      }
      const step = Math.max(1, Math.min(pollMs, lockTimeoutMs - waited));
      await sleep(step);
      waited += step;
    }
  } catch (error) {
    file.close();
    throw error;
  }
  const info: LockInfo = { pid: Deno.pid, createdAt: now };
  await file.truncate(0);
  await file.write(new TextEncoder().encode(JSON.stringify(info) + "\n"));
  return file;
}

/**
 * Releases the lock and closes the file (the file stays for the next run).
 *
 * @param file What {@link acquireLock} returned.
 */
export async function releaseLock(file: Deno.FsFile): Promise<void> {
  try {
    await file.unlock();
  } finally {
    file.close();
  }
}
