/**
 * A non-blocking writer to carbon's plaintext receiver (`path value epoch_s\n` over TCP).
 *
 * - `write` only queues: detection and alerting never wait for carbon.
 * - A background loop sends the queue in batches over one connection. When the connection fails it reconnects
 *   with backoff (doubling, jittered, capped) for as long as the writer is open.
 * - The plaintext protocol has no acknowledgement: what the kernel had accepted just before a connection broke
 *   may never have reached carbon. So after a reconnect the last `resend` lines sent are sent again; whisper
 *   stores one value per timestamp, so a repeat overwrites the same point with the same value.
 * - The queue is bounded (`buffer` lines, one point each). Beyond it the oldest lines are dropped, and counted in
 *   the stats: never silently.
 *
 * @module
 */

import { parseHostPort } from "./parse_host_port.ts";

/** What a writer has done so far. */
export interface WriteBackStats {
  /** Lines (points) handed to `write`. */
  queued: number;
  /** Lines written to a connection (a resent line counts once more in `resent`, not here). */
  sent: number;
  /** Lines dropped because the buffer was full (the oldest first). */
  dropped: number;
  /** Lines waiting to be sent. */
  pending: number;
  /** Lines sent again after a reconnect. */
  resent: number;
  /** Connections made after the first. */
  reconnects: number;
  /** The last connection or write error, if any. */
  lastError?: string;
}

/** The part of a TCP connection the writer uses (a `Deno.TcpConn`, or a stand-in in tests). */
export interface CarbonConn {
  write(bytes: Uint8Array): Promise<number>;
  close(): void;
  /** Carbon never answers on this connection: a read that ends (EOF) or fails means it went away. When a
   * stand-in has no `read`, a broken connection is only seen by a failed write. */
  read?(buffer: Uint8Array): Promise<number | null>;
}

/** Options of {@link openCarbonWriter}. */
export interface CarbonWriterOptions {
  /** Lines held while carbon is away; beyond it the oldest are dropped and counted. @default 2_000_000 */
  buffer?: number;
  /** Lines per write. @default 5000 */
  batch?: number;
  /** Lines sent again after a reconnect (the tail carbon may not have read: socket buffers hold megabytes). @default 50_000 */
  resend?: number;
  /** First wait after a failed connection or write, ms; it doubles up to `maxBackoff`. @default 200 */
  backoff?: number;
  /** Longest wait between attempts, ms. @default 5000 */
  maxBackoff?: number;
  /** Give up one connection attempt after this long, ms. @default 5000 */
  connectTimeout?: number;
  /** Give up one write after this long (a carbon that stopped reading), ms; then reconnect. @default 30_000 */
  writeTimeout?: number;
  /** Opens a connection. @default Deno.connect over TCP */
  connect?: (hostname: string, port: number) => Promise<CarbonConn>;
}

/** A writer opened by {@link openCarbonWriter}. */
export interface CarbonWriter {
  /** Where it writes, `HOST:PORT`. */
  readonly target: string;
  /** Queues lines (each `path value epoch_s`, no newline); returns at once. */
  write(lines: readonly string[]): void;
  /** Waits until everything queued so far is sent, or `timeoutMs` passed; never throws. */
  flush(timeoutMs: number): Promise<WriteBackStats>;
  /** The counts so far. */
  stats(): WriteBackStats;
  /** Flushes for at most `timeoutMs`, then stops and closes the connection. */
  close(timeoutMs?: number): Promise<WriteBackStats>;
}

/** A wait that `wake` ends early (all of them at once, on close). */
function sleeper(): { sleep: (ms: number) => Promise<void>; wake: () => void } {
  const waiting = new Set<() => void>();
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(id);
          waiting.delete(done);
          resolve();
        };
        const id = setTimeout(done, ms);
        waiting.add(done);
      }),
    wake: () => {
      for (const done of [...waiting]) done();
    },
  };
}

/**
 * Races a promise against a timer; the timer is cleared either way. A late result is not left dangling: a late
 * rejection is swallowed and a late connection closed.
 */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let id: ReturnType<typeof setTimeout> | undefined, late = false;
  p.then((v) => {
    if (late) (v as { close?: () => void })?.close?.();
  }, () => {});
  const timeout = new Promise<never>((_, reject) => {
    id = setTimeout(() => {
      late = true;
      reject(new Error(`Cannot ${what}: no answer within ${ms} ms, current value is ${ms} ms`));
    }, ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(id));
}

/**
 * Opens a writer to carbon's plaintext receiver. Nothing connects until the first `write`.
 *
 * @param target `HOST:PORT` of carbon's line receiver.
 * @param options See {@link CarbonWriterOptions}.
 * @returns The writer; `close` it when done.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openCarbonWriter } from "./carbon_writer.ts";
 * const got: string[] = [];
 * const writer = openCarbonWriter("127.0.0.1:2003", {
 *   connect: () => Promise.resolve({
 *     write: (b: Uint8Array) => (got.push(new TextDecoder().decode(b)), Promise.resolve(b.length)),
 *     close: () => {},
 *   }),
 * });
 * writer.write(["anomaly.presence.n1.A.score 0.25 1700000000"]);
 * const stats = await writer.close(1000);
 * assert.equal(got.join(""), "anomaly.presence.n1.A.score 0.25 1700000000\n");
 * assert.deepEqual([stats.sent, stats.pending, stats.dropped], [1, 0, 0]);
 * ```
 */
export function openCarbonWriter(target: string, options: CarbonWriterOptions = {}): CarbonWriter {
  const {
    buffer = 2_000_000,
    batch = 5000,
    resend = 50_000,
    backoff = 200,
    maxBackoff = 5000,
    connectTimeout = 5000,
    writeTimeout = 30_000,
  } = options;
  const { hostname, port } = parseHostPort(target);
  const connect = options.connect ??
    ((hostname: string, port: number) => Deno.connect({ hostname, port, transport: "tcp" }));
  const encoder = new TextEncoder();
  // The queue: chunks of lines, `head` the first unsent index in the first chunk.
  const chunks: string[][] = [];
  let head = 0, pending = 0;
  // The batches sent last, for a resend after a reconnect: whole batches, kept while the ones after them hold
  // fewer than `resend` lines (no copying per batch; the tail is cut out only when a resend happens).
  const recent: string[][] = [];
  let recentLines = 0;
  const tail = () => recent.flat().slice(-resend);
  const stats = { queued: 0, sent: 0, dropped: 0, resent: 0, reconnects: 0 } as Omit<
    WriteBackStats,
    "pending"
  >;
  let lastError: string | undefined;
  let conn: CarbonConn | undefined, connectedOnce = false, owesResend = false;
  // Lines of the queue's head being written now (an overflow drops the oldest lines after them).
  let inflight = 0;
  // Connections carbon has closed (its read ended): the next send reconnects and resends the recent tail, as
  // lines written into such a connection after carbon went away never reached it.
  const gone = new WeakSet<CarbonConn>();
  const watch = (c: CarbonConn) => {
    if (!c.read) return;
    const buf = new Uint8Array(512);
    (async () => {
      try {
        while ((await c.read!(buf)) !== null) { /* carbon sends nothing; ignore anything */ }
      } catch { /* reset: the same */ }
      gone.add(c);
    })();
  };
  let running: Promise<void> | undefined, closed = false;
  const pause = sleeper();
  const idle: Array<() => void> = [];

  const snapshot = (): WriteBackStats => ({ ...stats, pending, ...(lastError ? { lastError } : {}) });

  const take = (max: number): string[] => {
    const out: string[] = [];
    while (out.length < max && chunks.length) {
      const c = chunks[0];
      const n = Math.min(max - out.length, c.length - head);
      for (let k = 0; k < n; k++) out.push(c[head + k]);
      head += n;
      if (head >= c.length) {
        chunks.shift();
        head = 0;
      }
    }
    return out;
  };
  const peek = (max: number): string[] => {
    const out: string[] = [];
    let h = head;
    for (const c of chunks) {
      for (let k = h; k < c.length && out.length < max; k++) out.push(c[k]);
      h = 0;
      if (out.length >= max) break;
    }
    return out;
  };

  const send = async (c: CarbonConn, lines: string[]) => {
    const bytes = encoder.encode(lines.join("\n") + "\n");
    let off = 0;
    while (off < bytes.length) {
      off += await within(c.write(bytes.subarray(off)), writeTimeout, "write to carbon");
    }
  };

  const loop = async () => {
    let wait = backoff, turn = performance.now();
    while (pending > 0 && !closed) {
      // A write into the kernel's buffer resolves at once: give the rest of the process (fetches, timers,
      // a fast carbon's reads on this host) a turn of the event loop every 20 ms of sending.
      if (performance.now() - turn > 20) {
        await new Promise((r) => setTimeout(r, 0));
        turn = performance.now();
      }
      try {
        if (conn && gone.has(conn)) {
          throw new Error(`Cannot write to carbon: ${target} closed the connection`);
        }
        if (!conn) {
          const c = await within(connect(hostname, port), connectTimeout, `connect to ${target}`);
          if (closed) {
            c.close();
            break;
          }
          conn = c;
          watch(c);
          if (connectedOnce) stats.reconnects++;
          connectedOnce = true;
        }
        if (owesResend && recentLines > 0) {
          const lines = tail();
          await send(conn, lines);
          stats.resent += lines.length;
        }
        owesResend = false;
        const lines = peek(batch);
        inflight = lines.length;
        try {
          await send(conn, lines);
        } finally {
          inflight = 0;
        }
        take(lines.length);
        pending -= lines.length;
        stats.sent += lines.length;
        if (resend > 0) {
          recent.push(lines);
          recentLines += lines.length;
          while (recentLines - recent[0].length >= resend) recentLines -= recent.shift()!.length;
        }
        wait = backoff;
      } catch (err) {
        lastError = (err as Error).message;
        try {
          conn?.close();
        } catch { /* already closed */ }
        if (conn) owesResend = true;
        conn = undefined;
        if (closed) break;
        await pause.sleep(wait * (0.5 + Math.random()));
        wait = Math.min(maxBackoff, wait * 2);
      }
    }
    running = undefined;
    for (const wake of idle.splice(0)) wake();
  };

  const flush = (timeoutMs: number): Promise<WriteBackStats> => {
    if (pending === 0) return Promise.resolve(snapshot());
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(id);
        resolve(snapshot());
      };
      const id = setTimeout(finish, Math.max(0, timeoutMs));
      idle.push(finish);
    });
  };

  return {
    target,
    write(lines) {
      if (closed || lines.length === 0) return;
      chunks.push(lines.slice());
      pending += lines.length;
      stats.queued += lines.length;
      // Over the bound: the oldest lines go, and are counted (not those being written at this moment).
      if (pending > buffer) {
        const writing = take(inflight);
        const over = Math.min(pending - buffer, pending - writing.length);
        take(over);
        if (writing.length) {
          chunks.unshift(writing);
          head = 0;
        }
        pending -= over;
        stats.dropped += over;
      }
      running ??= loop();
    },
    flush,
    stats: snapshot,
    async close(timeoutMs = 10_000) {
      const t0 = performance.now();
      await flush(timeoutMs);
      closed = true;
      pause.wake();
      try {
        conn?.close();
      } catch { /* already closed */ }
      conn = undefined;
      // The loop stops at once (its connection closed, its waits woken), unless a connection attempt is still
      // out: that is given what is left of `timeoutMs` and then left behind (it closes itself when it lands).
      if (running) {
        const left = Math.max(0, timeoutMs - (performance.now() - t0));
        await new Promise<void>((resolve) => {
          const id = setTimeout(resolve, left);
          running!.finally(() => {
            clearTimeout(id);
            resolve();
          });
        });
      }
      for (const wake of idle.splice(0)) wake();
      return snapshot();
    },
  };
}
