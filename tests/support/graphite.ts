/**
 * A real Graphite on loopback for end-to-end tests: Debian's `graphite-carbon` (carbon-cache, plaintext port) and
 * `graphite-web` served by `gunicorn`, each with a private configuration in a fresh temp dir, on random free
 * ports of 127.0.0.1 only, started and stopped by process group.
 *
 * The settings that matter (DESIGN §7): carbon's `MAX_CREATES_PER_MINUTE` and `MAX_UPDATES_PER_SECOND` raised
 * to `inf`, tags off, sparse whisper files, graphite-web's `CARBONLINK_HOSTS` pointed at carbon's cache query port
 * (so points still in carbon's cache are served), graphite-web's settings module read through
 * `PYTHONPATH=<dir> GRAPHITE_SETTINGS_MODULE=<name>`, everything run with `/usr/bin/python3` (the `python3` on
 * PATH may lack Debian's modules). graphite-web's render API needs no database, so no `migrate` is run (its
 * SQLite file would only hold users, dashboards and events).
 *
 * Tests use `requireGraphiteOrSkip()`: without the packages a developer machine skips with a message, while CI
 * (`CI=true`) fails.
 *
 * @module
 */
import type { Series } from "../../lib/series/types.ts";
import { join } from "node:path";

/** A running Graphite. */
export interface Graphite {
  /** graphite-web's base URL, `http://127.0.0.1:PORT`. */
  url: string;
  /** carbon's plaintext (line) receiver port. */
  carbonPort: number;
  /** carbon's cache query port (CARBONLINK). */
  cachePort: number;
  /** The private temp dir (config, whisper files, logs); removed by `stop()`. */
  dir: string;
  /** Sends plaintext lines (`path value epoch_s`, with or without the trailing newline) over one TCP connection,
   * in large batches; resolves when all bytes are written and the connection is closed. */
  feed(lines: Iterable<string> | AsyncIterable<string>): Promise<void>;
  /** Polls the render API until `target` (may be a wildcard) has at least `points` non-null points in total,
   * i.e. carbon has taken them in (cached points are served through CARBONLINK, so they need not be on disk). */
  waitFor(target: string, points?: number, options?: WaitForOptions): Promise<void>;
  /** Waits until carbon has written every given series to its whisper file (the count of stored points of each
   * path is at least the number given), reading the files directly. Queries then no longer depend on carbon's
   * cache, whose writer briefly holds points that are neither in the cache nor on disk. Resolves with the time it
   * took in ms. */
  waitForFlush(expected: Map<string, number>, timeoutMs?: number): Promise<number>;
  /** Feeds every present point of the series (`key value epoch_s`) and waits until carbon has written them all;
   * resolves with the points fed and the time each half took. */
  feedSeries(series: readonly Series[]): Promise<{ points: number; feedMs: number; flushMs: number }>;
  /** Stops graphite-web only (carbon keeps running), for fault tests; `startWeb()` brings it back on the same
   * port. */
  stopWeb(): Promise<void>;
  /** Starts graphite-web again after `stopWeb()`. */
  startWeb(): Promise<void>;
  /** Stops carbon-cache only (TERM: it writes its cache out first), for write-back tests; `startCarbon()` brings
   * it back on the same ports. */
  stopCarbon(): Promise<void>;
  /** Starts carbon-cache again after `stopCarbon()`. */
  startCarbon(): Promise<void>;
  /** Stops everything (process groups: TERM, then KILL after a grace period) and removes the temp dir. */
  stop(): Promise<void>;
  /** Milliseconds `startGraphite()` took. */
  startMs: number;
}

/** Options of `waitFor()`. */
export interface WaitForOptions {
  /** Render `from` (Graphite syntax or epoch seconds). @default "-7d" */
  from?: string | number;
  /** Render `until`. @default "now" */
  until?: string | number;
  /** Give up after this long. @default 60_000 */
  timeoutMs?: number;
}

const PYTHON = "/usr/bin/python3";
const CARBON = "/usr/bin/carbon-cache";
const GUNICORN_CANDIDATES = ["/usr/bin/gunicorn", "/usr/bin/gunicorn3"];
const GRAPHITE_WSGI = "/usr/lib/python3/dist-packages/graphite/wsgi.py";

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether Graphite can be started here: Debian's python3, carbon-cache, graphite-web and gunicorn.
 *
 * @returns `ok`, and when not, which parts are missing.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { graphiteAvailable } from "./graphite.ts";
 * assert.equal(typeof graphiteAvailable().ok, "boolean");
 * ```
 */
export function graphiteAvailable(): { ok: boolean; reason: string } {
  const missing: string[] = [];
  if (!exists(PYTHON)) missing.push(`${PYTHON} (Debian package python3)`);
  if (!exists(CARBON)) missing.push(`${CARBON} (Debian package graphite-carbon)`);
  if (!exists(GRAPHITE_WSGI)) missing.push(`${GRAPHITE_WSGI} (Debian package graphite-web)`);
  if (!GUNICORN_CANDIDATES.some(exists)) missing.push("/usr/bin/gunicorn (Debian package gunicorn)");
  return missing.length
    ? { ok: false, reason: `Graphite is not installed: missing ${missing.join(", ")}` }
    : { ok: true, reason: "" };
}

let skipNoticeShown = false;

/**
 * For `Deno.test({ ...requireGraphiteOrSkip(), … })`: skips (with a one-time notice) when Graphite is missing on a
 * developer machine; under `CI=true` never skips, so the test fails on the missing parts.
 *
 * @returns `{ ignore }`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requireGraphiteOrSkip } from "./graphite.ts";
 * assert.equal(typeof requireGraphiteOrSkip().ignore, "boolean");
 * ```
 */
export function requireGraphiteOrSkip(): { ignore: boolean } {
  const got = graphiteAvailable();
  if (got.ok || Deno.env.get("CI") === "true") return { ignore: false };
  if (!skipNoticeShown) {
    skipNoticeShown = true;
    console.warn(
      `Skipping Graphite tests: ${got.reason}. ` +
        "Install: apt-get install graphite-carbon graphite-web gunicorn. Under CI=true this is a failure.",
    );
  }
  return { ignore: true };
}

function freePorts(n: number): number[] {
  // Hold all listeners until every port is known, so the same port is not handed out twice.
  const listeners = Array.from({ length: n }, () => Deno.listen({ hostname: "127.0.0.1", port: 0 }));
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const l of listeners) l.close();
  return ports;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function tail(path: string, lines = 30): Promise<string> {
  try {
    return (await Deno.readTextFile(path)).split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** A child in its own process group (session) with stdout+stderr going to a log file. */
class Child {
  readonly process: Deno.ChildProcess;
  exited = false;
  readonly status: Promise<Deno.CommandStatus>;

  constructor(readonly name: string, readonly log: string, argv: string[], env: Record<string, string>) {
    this.process = new Deno.Command("/bin/sh", {
      args: ["-c", 'exec "$@" >"$LOG_FILE" 2>&1', "sh", ...argv],
      env: { ...env, LOG_FILE: log },
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "null",
      detached: true,
    }).spawn();
    this.status = this.process.status.then((s) => {
      this.exited = true;
      return s;
    });
  }

  /** Signals the whole group (TERM unless told), waits up to `graceMs`, then KILLs it; resolves when the leader
   * has exited. */
  async stop(graceMs: number, first: Deno.Signal = "SIGTERM"): Promise<void> {
    const signal = (sig: Deno.Signal) => {
      try {
        Deno.kill(-this.process.pid, sig);
      } catch { /* the group is gone */ }
    };
    if (!this.exited) {
      signal(first);
      const done = await Promise.race([this.status.then(() => true), sleep(graceMs).then(() => false)]);
      if (!done) signal("SIGKILL");
    }
    await this.status;
    signal("SIGKILL"); // stragglers of the group (workers) if the leader left first
  }
}

async function waitUntil(what: string, child: Child, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exited) {
      throw new Error(`Cannot start Graphite: ${what} exited early, log:\n${await tail(child.log)}`);
    }
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(
    `Cannot start Graphite: ${what} not ready within ${timeoutMs} ms, log:\n${await tail(child.log)}`,
  );
}

async function canConnect(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

function carbonConf(dir: string, linePort: number, cachePort: number): string {
  return `[cache]
STORAGE_DIR = ${dir}/storage/
LOCAL_DATA_DIR = ${dir}/storage/whisper/
WHITELISTS_DIR = ${dir}/storage/lists/
CONF_DIR = ${dir}/conf/
LOG_DIR = ${dir}/log/
PID_DIR = ${dir}/
ENABLE_LOGROTATION = False
USER =
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
MIN_TIMESTAMP_RESOLUTION = 1
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = ${linePort}
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = 0
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = ${cachePort}
USE_FLOW_CONTROL = True
LOG_UPDATES = False
LOG_CREATES = False
LOG_CACHE_HITS = False
LOG_LISTENER_CONN_SUCCESS = False
CACHE_WRITE_STRATEGY = max
WHISPER_AUTOFLUSH = False
WHISPER_SPARSE_CREATE = True
WHISPER_FALLOCATE_CREATE = False
ENABLE_TAGS = False
`;
}

function webSettings(dir: string, cachePort: number): string {
  const py = (s: string) => JSON.stringify(s);
  return `# Private graphite-web settings for one test run.
SECRET_KEY = ${py(crypto.randomUUID())}
DEBUG = False
ALLOWED_HOSTS = ['127.0.0.1', 'localhost']
TIME_ZONE = 'UTC'
LOG_ROTATION = False
LOG_RENDERING_PERFORMANCE = False
LOG_CACHE_PERFORMANCE = False
LOG_INFO_PERFORMANCE = False
GRAPHITE_ROOT = '/usr/share/graphite-web'
STATIC_ROOT = '/usr/share/graphite-web/static'
CONF_DIR = ${py(`${dir}/conf`)}
STORAGE_DIR = ${py(`${dir}/storage`)}
WHISPER_DIR = ${py(`${dir}/storage/whisper`)}
INDEX_FILE = ${py(`${dir}/storage/index`)}
LOG_DIR = ${py(`${dir}/log`)}
CARBONLINK_HOSTS = ['127.0.0.1:${cachePort}']
CARBONLINK_TIMEOUT = 10.0
TAGDB = ''
FUNCTION_PLUGINS = []
DEFAULT_XFILES_FACTOR = 0
USE_WORKER_POOL = False
DATABASES = {'default': {'NAME': ${py(`${dir}/storage/graphite.db`)}, 'ENGINE': 'django.db.backends.sqlite3'}}
`;
}

/**
 * Points stored in the first archive of a whisper file (slots with a non-zero timestamp); 0 when the file does
 * not exist yet. Format: 16-byte metadata (aggregation, max retention, xff, archive count), 12 bytes per archive
 * (offset, seconds per point, points), 12-byte points (uint32 timestamp, float64 value), all big-endian.
 */
async function storedPoints(file: string): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(file);
  } catch {
    return 0;
  }
  if (bytes.length < 28) return 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offset = view.getUint32(16);
  const points = view.getUint32(24);
  let stored = 0;
  for (let i = 0; i < points; i++) {
    const at = offset + i * 12;
    if (at + 12 > bytes.length) break;
    if (view.getUint32(at) !== 0) stored++;
  }
  return stored;
}

/** Options for `startGraphite()`. */
export interface StartGraphiteOptions {
  /** Whisper retentions for every metric. @default "60s:7d" */
  retentions?: string;
  /** gunicorn worker processes (each with 4 threads). @default 2 */
  workers?: number;
  /** Give up starting after this long. @default 30_000 */
  timeoutMs?: number;
  /** Create graphite-web's database (`django-admin migrate`) before starting it, as a real installation has: its
   * `/metrics/find` in the default `treejson` format (the one Grafana asks for) reads the default user's profile
   * from it, and answers 500 without it. The render API needs none. @default false */
  database?: boolean;
}

/**
 * Starts carbon-cache and graphite-web (under gunicorn) on random free ports of 127.0.0.1, with private config,
 * whisper files and logs in a new temp dir. On failure everything started is stopped and the error carries the
 * tail of the failing part's log.
 *
 * @param options See {@link StartGraphiteOptions}.
 * @returns The running {@link Graphite}.
 * @example
 * ```ts ignore
 * const graphite = await startGraphite();
 * try {
 *   await graphite.feed(["a.b 1 1700000000"]);
 * } finally {
 *   await graphite.stop();
 * }
 * ```
 */
export async function startGraphite(options: StartGraphiteOptions = {}): Promise<Graphite> {
  const { retentions = "60s:7d", workers = 2, timeoutMs = 30_000, database = false } = options;
  const t0 = performance.now();
  const got = graphiteAvailable();
  if (!got.ok) throw new Error(`Cannot start Graphite: ${got.reason}`);
  const gunicorn = GUNICORN_CANDIDATES.find(exists)!;
  const dir = await Deno.makeTempDir({ prefix: "graphite-test-" });
  for (const sub of ["conf", "storage/whisper", "storage/lists", "log"]) {
    await Deno.mkdir(join(dir, sub), { recursive: true });
  }
  const [linePort, cachePort, webPort] = freePorts(3);
  const settingsModule = "graphite_test_settings";
  await Deno.writeTextFile(join(dir, "conf/carbon.conf"), carbonConf(dir, linePort, cachePort));
  // The written-back tree's entries are the README's ("Grafana"), at the test's retentions.
  await Deno.writeTextFile(
    join(dir, "conf/storage-schemas.conf"),
    `[anomaly]\npattern = ^anomaly\\.\nretentions = ${retentions}\n\n[default]\npattern = .*\nretentions = ${retentions}\n`,
  );
  await Deno.writeTextFile(
    join(dir, "conf/storage-aggregation.conf"),
    "[anomaly_flags]\npattern = ^anomaly\\..*\\.(score|anomalous)$\nxFilesFactor = 0\naggregationMethod = max\n\n" +
      "[default]\npattern = .*\nxFilesFactor = 0\naggregationMethod = average\n",
  );
  await Deno.writeTextFile(join(dir, `${settingsModule}.py`), webSettings(dir, cachePort));

  const baseEnv = { PATH: "/usr/bin:/bin", LANG: "C.UTF-8", TZ: "UTC", HOME: dir };
  let carbon: Child | undefined;
  let web: Child | undefined;
  const url = `http://127.0.0.1:${webPort}`;

  const startCarbon = () =>
    new Child("carbon-cache", join(dir, "log/carbon.out"), [
      PYTHON,
      CARBON,
      `--config=${dir}/conf/carbon.conf`,
      `--pidfile=${dir}/carbon.pid`,
      `--logdir=${dir}/log`,
      "--nodaemon",
      "start",
    ], { ...baseEnv, PYTHONWARNINGS: "ignore" });
  const startWebChild = () =>
    new Child("graphite-web", join(dir, "log/gunicorn.out"), [
      PYTHON,
      gunicorn,
      "--bind",
      `127.0.0.1:${webPort}`,
      "--workers",
      String(workers),
      "--threads",
      "4",
      "--worker-class",
      "gthread",
      "--graceful-timeout",
      "2",
      "--timeout",
      "120",
      "--limit-request-line",
      "8190",
      "--chdir",
      dir,
      "graphite.wsgi:application",
    ], {
      ...baseEnv,
      PYTHONPATH: dir,
      GRAPHITE_SETTINGS_MODULE: settingsModule,
      DJANGO_SETTINGS_MODULE: "graphite.settings",
      PYTHONWARNINGS: "ignore",
    });
  const webReady = async () => {
    try {
      const res = await fetch(`${url}/render?target=__ready__&format=json`);
      await res.body?.cancel();
      return res.status === 200;
    } catch {
      return false;
    }
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // graphite-web first (it may be asking carbon); carbon may flush its cache on TERM: it is thrown away anyway.
    // gunicorn: SIGINT is its quick shutdown (TERM waits for workers' graceful timeout).
    await Promise.all([web?.stop(3_000, "SIGINT"), carbon?.stop(300)]);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };

  if (database) {
    const migrated = await new Deno.Command(PYTHON, {
      args: ["/usr/bin/django-admin", "migrate", "--noinput", "--run-syncdb"],
      env: {
        ...baseEnv,
        PYTHONPATH: dir,
        GRAPHITE_SETTINGS_MODULE: settingsModule,
        DJANGO_SETTINGS_MODULE: "graphite.settings",
        PYTHONWARNINGS: "ignore",
      },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!migrated.success) {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      throw new Error(
        `Cannot start Graphite: django-admin migrate failed, log:\n${
          new TextDecoder().decode(migrated.stderr)
        }`,
      );
    }
  }
  try {
    carbon = startCarbon();
    web = startWebChild();
    await Promise.all([
      waitUntil(
        "carbon-cache",
        carbon,
        async () => await canConnect(linePort) && await canConnect(cachePort),
        timeoutMs,
      ),
      waitUntil("graphite-web", web, webReady, timeoutMs),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }

  const feed = async (lines: Iterable<string> | AsyncIterable<string>) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: linePort });
    const encoder = new TextEncoder();
    const writeAll = async (text: string) => {
      const bytes = encoder.encode(text);
      for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
    };
    try {
      let batch: string[] = [];
      let size = 0;
      for await (const line of lines) {
        batch.push(line.endsWith("\n") ? line : line + "\n");
        size += line.length + 1;
        if (size >= 1 << 20) {
          await writeAll(batch.join(""));
          batch = [];
          size = 0;
        }
      }
      if (batch.length) await writeAll(batch.join(""));
    } finally {
      conn.close();
    }
  };

  const waitFor = async (target: string, points = 1, opts: WaitForOptions = {}) => {
    const { from = "-7d", until = "now", timeoutMs: waitMs = 60_000 } = opts;
    const params = new URLSearchParams({ target, from: String(from), until: String(until), format: "json" });
    const deadline = performance.now() + waitMs;
    let seen = 0;
    while (performance.now() < deadline) {
      try {
        const res = await fetch(`${url}/render?${params}`);
        if (res.ok) {
          const data = await res.json() as { datapoints: [number | null, number][] }[];
          seen = 0;
          for (const s of data) for (const [v] of s.datapoints) if (v !== null) seen++;
          if (seen >= points) return;
        } else {
          await res.body?.cancel();
        }
      } catch { /* not up yet */ }
      await sleep(100);
    }
    throw new Error(
      `Cannot wait for ${target}: fewer than ${points} points after ${waitMs} ms, current value is ${seen}`,
    );
  };

  const waitForFlush = async (expected: Map<string, number>, waitMs = 120_000) => {
    const t = performance.now();
    const pending = new Map(expected);
    while (pending.size) {
      for (const [path, points] of pending) {
        const file = join(dir, "storage/whisper", ...path.split(".")) + ".wsp";
        if (await storedPoints(file) >= points) pending.delete(path);
      }
      if (!pending.size) break;
      if (performance.now() - t > waitMs) {
        const [path, points] = pending.entries().next().value!;
        throw new Error(
          `Cannot wait for carbon to write: ${pending.size} series still short after ${waitMs} ms, e.g. ${path} ` +
            `(expected ${points} points), current value is ${pending.size}`,
        );
      }
      await sleep(100);
    }
    return performance.now() - t;
  };

  const stopWeb = async () => {
    await web?.stop(3_000, "SIGINT");
    // gunicorn's workers hold the listening socket too and can outlive the master by a moment, serving one more
    // request: wait until the port refuses connections.
    for (const t0 = performance.now(); performance.now() - t0 < 5_000;) {
      try {
        (await Deno.connect({ hostname: "127.0.0.1", port: webPort })).close();
      } catch {
        return;
      }
      await sleep(20);
    }
    throw new Error(`Cannot stop graphite-web: port ${webPort} still accepts connections after 5 s`);
  };
  const startWeb = async () => {
    if (web && !web.exited) return;
    web = startWebChild();
    await waitUntil("graphite-web", web, webReady, timeoutMs);
  };

  const stopCarbon = async () => {
    await carbon?.stop(20_000);
    for (const t0 = performance.now(); performance.now() - t0 < 5_000;) {
      if (!await canConnect(linePort)) return;
      await sleep(20);
    }
    throw new Error(`Cannot stop carbon-cache: port ${linePort} still accepts connections after 5 s`);
  };
  const startCarbonAgain = async () => {
    if (carbon && !carbon.exited) return;
    carbon = startCarbon();
    await waitUntil(
      "carbon-cache",
      carbon,
      async () => await canConnect(linePort) && await canConnect(cachePort),
      timeoutMs,
    );
  };

  const feedSeries = async (series: readonly Series[]) => {
    const counts = new Map<string, number>();
    const t0 = performance.now();
    await feed((function* () {
      for (const s of series) {
        let n = 0;
        for (let i = 0; i < s.values.length; i++) {
          const v = s.values[i];
          if (Number.isNaN(v)) continue;
          n++;
          yield `${s.key} ${v} ${(s.start + i * s.step) / 1000}\n`;
        }
        counts.set(s.key, n);
      }
    })());
    const feedMs = performance.now() - t0;
    const flushMs = await waitForFlush(counts);
    return { points: [...counts.values()].reduce((a, b) => a + b, 0), feedMs, flushMs };
  };

  return {
    url,
    carbonPort: linePort,
    cachePort,
    dir,
    feed,
    feedSeries,
    waitFor,
    waitForFlush,
    stopWeb,
    startWeb,
    stopCarbon,
    startCarbon: startCarbonAgain,
    stop,
    startMs: performance.now() - t0,
  };
}
