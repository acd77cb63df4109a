import assert from "node:assert/strict";
import { openCarbonWriter } from "./carbon_writer.ts";
import { parseHostPort } from "./parse_host_port.ts";

/**
 * A stand-in for carbon's line receiver on 127.0.0.1: it keeps every line it reads, and can go away, come back
 * on the same port, stop reading (a stalled carbon), or lose what it read last before dropping a connection
 * (what a crash does to lines the kernel had accepted).
 */
class LineServer {
  lines: string[] = [];
  connections = 0;
  /** Stop reading (connections stay open). */
  stalled = false;
  /** Drop the connection once this many lines were kept, and lose the rest of what was read with them. */
  crashAfter = Infinity;
  #listener?: Deno.Listener;
  #conns = new Set<Deno.Conn>();
  #serving?: Promise<void>;
  port = 0;

  start(): this {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: this.port });
    this.port = (this.#listener.addr as Deno.NetAddr).port;
    this.#serving = this.#accept(this.#listener);
    return this;
  }

  async #accept(listener: Deno.Listener) {
    const handlers: Promise<void>[] = [];
    try {
      for await (const conn of listener) {
        this.connections++;
        this.#conns.add(conn);
        handlers.push(this.#read(conn));
      }
    } catch { /* closed */ }
    await Promise.all(handlers);
  }

  async #read(conn: Deno.Conn) {
    const decoder = new TextDecoder();
    const buf = new Uint8Array(64 * 1024);
    let partial = "";
    try {
      while (true) {
        if (this.stalled) {
          await new Promise((r) => setTimeout(r, 20));
          if (!this.#conns.has(conn)) return;
          continue;
        }
        const n = await conn.read(buf);
        if (n === null) return;
        const text = partial + decoder.decode(buf.subarray(0, n), { stream: true });
        const parts = text.split("\n");
        partial = parts.pop()!;
        for (const line of parts) {
          if (this.lines.length >= this.crashAfter) {
            // What the kernel had accepted but "carbon" never wrote: lost, and the connection dropped.
            this.crashAfter = Infinity;
            this.#conns.delete(conn);
            conn.close();
            return;
          }
          this.lines.push(line);
        }
      }
    } catch {
      /* reset or closed */
    } finally {
      this.#conns.delete(conn);
    }
  }

  /** Closes the listener and every connection (carbon stopped). */
  async stop() {
    this.#listener?.close();
    this.#hangUp();
    await this.#serving;
  }

  /** Closes the listener, then reads each open connection to its end (the writer closed it). */
  async drain() {
    this.#listener?.close();
    await this.#serving;
  }

  #hangUp() {
    for (const c of this.#conns) {
      try {
        c.close();
      } catch { /* closed */ }
    }
    this.#conns.clear();
  }
}

const linesOf = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `anomaly.presence.n1.A.score ${i + from} ${1_700_000_000 + i + from}`);

Deno.test("parseHostPort() reads HOST:PORT and [IPv6]:PORT, and names what it expected", () => {
  assert.deepEqual(parseHostPort("carbon.example.com:2003"), { hostname: "carbon.example.com", port: 2003 });
  assert.deepEqual(parseHostPort("[::1]:2003"), { hostname: "::1", port: 2003 });
  for (const bad of ["", "carbon", "carbon:", "carbon:0", "carbon:70000", "a b:2003"]) {
    assert.throws(() => parseHostPort(bad), /must be HOST:PORT .* current value is/, bad);
  }
});

Deno.test("openCarbonWriter() sends every line, in order, in batches over one connection", async () => {
  const server = new LineServer().start();
  const writer = openCarbonWriter(`127.0.0.1:${server.port}`, { batch: 700 });
  const lines = linesOf(5000);
  writer.write(lines.slice(0, 2000));
  writer.write(lines.slice(2000));
  const stats = await writer.close(20_000);
  await server.drain();
  assert.deepEqual([stats.queued, stats.sent, stats.pending, stats.dropped], [5000, 5000, 0, 0]);
  assert.equal(server.connections, 1);
  assert.deepEqual(server.lines, lines);
});

Deno.test("openCarbonWriter() holds lines while carbon is away and delivers them when it is back", async () => {
  const server = new LineServer().start();
  const target = `127.0.0.1:${server.port}`;
  const writer = openCarbonWriter(target, { backoff: 20, maxBackoff: 100 });
  writer.write(linesOf(100));
  assert.equal((await writer.flush(20_000)).pending, 0);
  await server.stop();
  writer.write(linesOf(300, 100)); // carbon is down: queued, and the caller goes on at once
  const away = await writer.flush(300);
  assert.ok(away.pending > 0 && away.lastError, `pending ${away.pending}, error ${away.lastError}`);
  server.start(); // the same port
  const stats = await writer.close(20_000);
  await server.drain();
  assert.equal(stats.pending, 0);
  assert.ok(stats.reconnects >= 1, `reconnects ${stats.reconnects}`);
  // Every line arrived (the resent tail arrives twice: whisper overwrites the same timestamp with the same value).
  assert.deepEqual([...new Set(server.lines)].sort(), linesOf(400).sort());
});

Deno.test("openCarbonWriter() resends the tail carbon may have lost when a connection broke", async () => {
  for (const resend of [5000, 0]) {
    const server = new LineServer().start();
    server.crashAfter = 1200;
    const writer = openCarbonWriter(`127.0.0.1:${server.port}`, { batch: 500, resend, backoff: 20 });
    const lines = linesOf(3000);
    // A turn of the event loop between writes (a write into the kernel's buffer resolves at once, and the
    // server only reads on its turn), as a watch cycle's seconds between writes give.
    const turn = () => new Promise((r) => setTimeout(r, 2));
    for (let k = 0; k < lines.length; k += 100) {
      writer.write(lines.slice(k, k + 100));
      await writer.flush(5_000);
      await turn();
    }
    // The broken connection is noticed on a later write: keep writing until it has been.
    for (let k = 0; writer.stats().reconnects === 0 && k < 200; k++) {
      writer.write(linesOf(1, 3000 + k));
      await writer.flush(5_000);
      await turn();
    }
    const stats = await writer.close(20_000);
    await server.drain();
    const got = new Set(server.lines);
    const missing = lines.filter((l) => !got.has(l));
    if (resend > 0) {
      assert.ok(
        stats.reconnects >= 1 && stats.resent > 0,
        JSON.stringify({ ...stats, got: server.lines.length, conns: server.connections }),
      );
      assert.deepEqual(missing, [], `${missing.length} lost`);
    } else {
      // Without the resend the lines "carbon" had read and lost stay lost: what the resend is for.
      assert.ok(missing.length > 0, "nothing lost without a resend: the test does not test it");
    }
  }
});

Deno.test("openCarbonWriter() drops the oldest lines beyond its buffer, and counts them", async () => {
  const server = new LineServer().start();
  const port = server.port;
  await server.stop();
  const writer = openCarbonWriter(`127.0.0.1:${port}`, { buffer: 1000, backoff: 20, maxBackoff: 50 });
  const lines = linesOf(1500);
  writer.write(lines.slice(0, 800));
  writer.write(lines.slice(800));
  const held = writer.stats();
  assert.deepEqual([held.queued, held.dropped, held.pending], [1500, 500, 1000]);
  server.start();
  const stats = await writer.close(20_000);
  await server.drain();
  assert.deepEqual([stats.sent, stats.dropped, stats.pending], [1000, 500, 0]);
  assert.deepEqual([...new Set(server.lines)], lines.slice(500));
});

Deno.test("openCarbonWriter() never holds its caller when carbon stops reading", async () => {
  const server = new LineServer().start();
  server.stalled = true;
  const writer = openCarbonWriter(`127.0.0.1:${server.port}`, { writeTimeout: 60_000 });
  // Far more than the kernel's socket buffers hold: the writes stall, the caller does not.
  const big = linesOf(200_000);
  writer.write(big);
  writer.write(linesOf(10, 200_000));
  const stats = await writer.flush(500);
  assert.ok(stats.pending > 0, `pending ${stats.pending}`);
  assert.equal(stats.queued, 200_010);
  const closed = await writer.close(100);
  assert.ok(closed.pending > 0, "what was not sent is said");
  await server.stop();
});

Deno.test("openCarbonWriter() with nothing listening reports the error and never throws", async () => {
  const server = new LineServer().start();
  const port = server.port;
  await server.stop();
  const writer = openCarbonWriter(`127.0.0.1:${port}`, { backoff: 10, maxBackoff: 20 });
  writer.write(linesOf(5));
  const stats = await writer.close(200);
  assert.equal(stats.pending, 5);
  assert.match(stats.lastError ?? "", /refused|connect/i);
});

Deno.test("openCarbonWriter() notices carbon restarting between two writes and resends what the old connection lost", async () => {
  const server = new LineServer().start();
  const writer = openCarbonWriter(`127.0.0.1:${server.port}`, { backoff: 20, maxBackoff: 50 });
  writer.write(linesOf(100));
  assert.equal((await writer.flush(20_000)).pending, 0);
  // Carbon restarts on the same port while the writer is idle with its connection open: the old connection's
  // end arrives while nothing is being written, and a write into it would be accepted by the kernel and lost.
  const pause = () => new Promise((r) => setTimeout(r, 100));
  await pause();
  await server.stop();
  await pause();
  server.start();
  writer.write(linesOf(100, 100));
  const stats = await writer.close(20_000);
  await server.drain();
  assert.ok(stats.reconnects >= 1, JSON.stringify(stats));
  const got = new Set(server.lines);
  assert.deepEqual(linesOf(200).filter((l) => !got.has(l)).slice(0, 3), [], "lines lost");
});

Deno.test("openCarbonWriter() close is bounded while a connection attempt hangs, and its counts add up", async () => {
  const writer = openCarbonWriter("127.0.0.1:2003", {
    connect: () => new Promise(() => {}), // never answers
    connectTimeout: 60_000,
  });
  writer.write(linesOf(3));
  const stats = await writer.close(50);
  assert.equal(stats.queued, stats.sent + stats.pending + stats.dropped);
  assert.equal(stats.pending, 3);
});

Deno.test("openCarbonWriter() overflowing while a batch is being written drops the oldest lines after it", async () => {
  const got: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  const writer = openCarbonWriter("127.0.0.1:2003", {
    buffer: 1000,
    batch: 500,
    connect: () =>
      Promise.resolve({
        async write(b: Uint8Array) {
          await gate; // the first batch stays in flight until released
          got.push(...new TextDecoder().decode(b).split("\n").filter(Boolean));
          return b.length;
        },
        close() {},
      }),
  });
  writer.write(linesOf(1000));
  await new Promise((r) => setTimeout(r, 20)); // lines 0..499 are being written
  writer.write(linesOf(500, 1000)); // 1500 held: 500 over
  assert.equal(writer.stats().dropped, 500);
  release();
  const stats = await writer.close(5_000);
  assert.deepEqual([stats.sent, stats.dropped, stats.pending], [1000, 500, 0]);
  assert.deepEqual(got, [...linesOf(500), ...linesOf(500, 1000)], "the in-flight batch and the newest lines");
});
