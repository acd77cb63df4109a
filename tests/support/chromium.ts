/**
 * A real headless Chromium for end-to-end tests, driven over the Chrome DevTools Protocol (CDP) with the global
 * `WebSocket` (no third-party client).
 *
 * `openPage()` starts a fresh browser (a new temp profile every time), opens one local file, records everything
 * the page asked for and everything that went wrong (console errors, uncaught exceptions, `Log` errors such as CSP
 * violations, failed loads, JavaScript dialogs), reads the title and the visible text, optionally writes a
 * full-page PNG, then closes the browser, kills what is left of it and removes the profile, also on errors and
 * timeouts.
 *
 * Tests use `requireOrSkip()`: without Chromium a developer machine skips the browser tests with a message, while
 * CI (`CI=true`) fails them.
 *
 * @module
 */
import { delimiter, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** What one page load did, as seen by the browser. */
export interface PageReport {
  /** `console.error` / `console.assert` calls and `Log` entries of level error (CSP violations, failed loads). */
  consoleErrors: string[];
  /** Uncaught exceptions (`Runtime.exceptionThrown`), each the exception's description (message and stack). */
  exceptions: string[];
  /** Every URL the page asked for, in order, excluding the page itself; `data:` URLs are cut to 80 characters. */
  requests: string[];
  /** Requests that failed (`Network.loadingFailed`) as `<url> (<errorText>[, blocked: <reason>])`, and those
   * answered with an HTTP status of 400 or more, as `<url> (HTTP <status>)`. */
  failedRequests: string[];
  /** JavaScript dialogs the page opened (`alert`, `confirm`, `prompt`, `beforeunload`), as `<type>: <message>`; each
   * is dismissed so it cannot hang the load. */
  dialogs: string[];
  /** `document.title`. */
  title: string;
  /** `document.body.innerText` (with JavaScript off as well, see `openPage()`). */
  bodyText: string;
  /** The PNG written, when `screenshot` was asked for. */
  screenshot?: string;
}

/** Options for `openPage()`. */
export interface OpenPageOptions {
  /** Write a full-page PNG screenshot to this path. @default undefined (no screenshot) */
  screenshot?: string;
  /** Viewport width in CSS pixels. @default 1280 */
  width?: number;
  /** Viewport height in CSS pixels; the screenshot covers the full page height anyway. @default 800 */
  height?: number;
  /** Run the page's scripts. @default true */
  javascript?: boolean;
  /** Give up (and kill the browser) after this long. @default 30_000 */
  timeoutMs?: number;
  /** Wait this long after the load event for late errors and requests. @default 300 */
  settleMs?: number;
  /** Called with the browser's process id right after it starts, and whether that id also names its own process
   * group (started through `setsid`); for tests of the harness itself. @default undefined */
  onLaunch?: (browser: { pid: number; processGroup: boolean }) => void;
}

/** Flags every launch uses; without the background-networking ones Chromium's own connections are refused by a
 * closed network and slow everything down. */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-quic",
  "--disable-extensions",
  "--mute-audio",
  "--remote-debugging-port=0",
  "--remote-debugging-address=127.0.0.1",
];

const CANDIDATES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && (info.mode === null || (info.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}

/**
 * Finds a Chromium (or Chrome) executable: `$CHROMIUM` first, then `/usr/bin/chromium`, then `chromium`,
 * `chromium-browser`, `google-chrome`, `google-chrome-stable` on `PATH`.
 *
 * @returns the absolute path, or `undefined` when there is none (or `$CHROMIUM` names no executable file)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findChromium } from "./chromium.ts";
 * const path = findChromium();
 * assert.ok(path === undefined || path.startsWith("/"));
 * ```
 */
export function findChromium(): string | undefined {
  const fromEnv = Deno.env.get("CHROMIUM");
  if (fromEnv) return isExecutableFile(fromEnv) ? resolve(fromEnv) : undefined;
  if (isExecutableFile("/usr/bin/chromium")) return "/usr/bin/chromium";
  const dirs = (Deno.env.get("PATH") ?? "").split(delimiter).filter((d) => d !== "");
  for (const name of CANDIDATES) {
    for (const dir of dirs) {
      const path = resolve(dir, name);
      if (isExecutableFile(path)) return path;
    }
  }
  return undefined;
}

/** Whether a browser is there to test with, and if not why. */
export type ChromiumAvailability = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Says whether Chromium can be used, with the path or a reason that tells how to get it.
 *
 * @returns `{ok: true, path}` or `{ok: false, reason}`
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chromiumAvailable } from "./chromium.ts";
 * const got = chromiumAvailable();
 * assert.ok(got.ok ? got.path.length > 0 : got.reason.includes("Chromium"));
 * ```
 */
export function chromiumAvailable(): ChromiumAvailability {
  const path = findChromium();
  if (path) return { ok: true, path };
  const env = Deno.env.get("CHROMIUM");
  const reason = env
    ? `Chromium not found: $CHROMIUM is ${JSON.stringify(env)}, which is not an executable file`
    : `Chromium not found: no /usr/bin/chromium and none of ${CANDIDATES.join(", ")} on PATH ` +
      `(install it with \`apt-get install chromium\` or set $CHROMIUM)`;
  return { ok: false, reason };
}

let skipNoticeShown = false;

/**
 * The `ignore` flag for a browser test: spread it into `Deno.test({...})`. With Chromium there the test runs; without
 * it a developer machine skips the test (saying why on the console, once), while under CI (`CI=true`) the test runs
 * and fails with a clear message, because a missing part is a failure there.
 *
 * @returns `{ignore}` to spread into the test definition
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requireOrSkip } from "./chromium.ts";
 * assert.equal(typeof requireOrSkip().ignore, "boolean");
 * ```
 */
export function requireOrSkip(): { ignore: boolean } {
  const got = chromiumAvailable();
  if (got.ok || Deno.env.get("CI") === "true") return { ignore: false };
  if (!skipNoticeShown) {
    skipNoticeShown = true;
    console.warn(`Skipping browser tests: ${got.reason}. Under CI=true this is a failure.`);
  }
  return { ignore: true };
}

// ---------------------------------------------------------------------------------------------------------------
// CDP over WebSocket

// deno-lint-ignore no-explicit-any
type Json = any;
interface CdpEvent {
  method: string;
  params: Json;
  sessionId?: string;
}

class CdpConnection {
  #ws: WebSocket;
  #nextId = 1;
  #pending = new Map<number, { resolve: (v: Json) => void; reject: (e: Error) => void; method: string }>();
  #listeners = new Set<(event: CdpEvent) => void>();
  #closed: Promise<void>;
  #closedError: Error | undefined;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    this.#closed = new Promise((resolve) => {
      ws.addEventListener("close", () => {
        this.#closedError = new Error("Cannot talk to Chromium: the DevTools connection closed");
        for (const p of this.#pending.values()) p.reject(this.#closedError);
        this.#pending.clear();
        resolve();
      });
    });
    ws.addEventListener("message", (e) => this.#onMessage(e.data));
  }

  static async connect(url: string): Promise<CdpConnection> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener("open", () => resolve(), { once: true });
      ws.addEventListener("error", () => reject(new Error(`Cannot connect to Chromium: ${url} refused`)), {
        once: true,
      });
    });
    return new CdpConnection(ws);
  }

  #onMessage(data: unknown): void {
    if (typeof data !== "string") return;
    const msg = JSON.parse(data);
    if (typeof msg.id === "number") {
      const p = this.#pending.get(msg.id);
      if (!p) return;
      this.#pending.delete(msg.id);
      if (msg.error) {
        p.reject(new Error(`${p.method} failed with ${msg.error.message} (code ${msg.error.code})`));
      } else p.resolve(msg.result);
    } else if (typeof msg.method === "string") {
      for (const fn of [...this.#listeners]) fn(msg as CdpEvent);
    }
  }

  send(method: string, params: Json = {}, sessionId?: string): Promise<Json> {
    if (this.#closedError) return Promise.reject(this.#closedError);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, method });
      this.#ws.send(JSON.stringify(sessionId ? { id, method, params, sessionId } : { id, method, params }));
    });
  }

  on(fn: (event: CdpEvent) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Resolves with the params of the first `method` event on `sessionId`. */
  once(method: string, sessionId: string): Promise<Json> {
    return new Promise((resolve, reject) => {
      const off = this.on((e) => {
        if (e.method === method && e.sessionId === sessionId) {
          off();
          resolve(e.params);
        }
      });
      this.#closed.then(() => {
        off();
        reject(this.#closedError);
      });
    });
  }

  async close(): Promise<void> {
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) {
      this.#ws.close();
    }
    await this.#closed;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The browser process

/** `setsid` from util-linux (Essential in Debian): it makes the browser the leader of a new process group, so one
 * `kill(-pgid)` reaches every process it forks (zygotes, renderers, GPU and utility processes). Reading /proc
 * instead would need `--allow-all` in Deno. Without `setsid` only the main process is signalled; its children
 * notice the closed IPC channels and exit on their own. */
function findSetsid(): string | undefined {
  for (const path of ["/usr/bin/setsid", "/bin/setsid"]) if (isExecutableFile(path)) return path;
  return undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves after `ms` unless cancelled; returns whether it timed out. */
function timer(ms: number): { done: Promise<"timeout">; cancel: () => void } {
  let id: ReturnType<typeof setTimeout> | undefined;
  let fire: (v: "timeout") => void = () => {};
  const done = new Promise<"timeout">((resolve) => {
    fire = resolve;
    id = setTimeout(() => resolve("timeout"), ms);
  });
  return {
    done,
    cancel: () => {
      clearTimeout(id);
      fire("timeout");
    },
  };
}

interface Browser {
  child: Deno.ChildProcess;
  /** Whether `child.pid` leads its own process group (started through `setsid`). */
  group: boolean;
  /** Resolves with the browser's DevTools URL, or rejects when Chromium exits first. */
  wsUrl: Promise<string>;
  stderrTail: () => string;
  /** Settles when stderr is closed (all processes holding it are gone) or `stopStderr()` was called. */
  stderrDone: Promise<void>;
  stopStderr: () => void;
}

/** Starts Chromium on a fresh profile; stderr is drained for the whole life of the process. */
function spawnBrowser(path: string, profile: string): Browser {
  const setsid = findSetsid();
  const args = [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, "about:blank"];
  const child = new Deno.Command(setsid ?? path, {
    args: setsid ? [path, ...args] : args,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  let found: (url: string) => void = () => {};
  const listening = new Promise<string>((resolve) => found = resolve);
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  const stderrDone = (async () => {
    let rest = "";
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        const parts = (rest + r.value).split("\n");
        rest = parts.pop()!;
        for (const line of parts) {
          const m = line.match(/DevTools listening on (ws:\/\/\S+)/);
          if (m) found(m[1]);
          lines.push(line);
          if (lines.length > 60) lines.shift();
        }
      }
    } catch { /* cancelled */ }
    if (rest) lines.push(rest);
  })();
  const stopStderr = () => void reader.cancel().catch(() => {});
  const stderrTail = () =>
    lines.filter((l) => !/dbus|unexpected operator|^\s*$/.test(l)).slice(-12).join("\n");
  const wsUrl = Promise.race([
    listening,
    child.status.then(async (status) => {
      await settleWithin(stderrDone, 1_000);
      const tail = stderrTail();
      throw new Error(
        `Chromium (${path}) exited with code ${status.code} before listening on a DevTools port` +
          (tail ? `\nChromium's stderr ends with:\n${tail}` : ""),
      );
    }),
  ]);
  wsUrl.catch(() => {});
  return { child, group: setsid !== undefined, wsUrl, stderrTail, stderrDone, stopStderr };
}

/** Waits for `promise` (ignoring its outcome) at most `ms`; says whether it settled in time. */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const wait = timer(ms);
  const got = await Promise.race([
    promise.then(() => "settled" as const, () => "settled" as const),
    wait.done,
  ]);
  wait.cancel();
  return got === "settled";
}

/** SIGKILL to the browser's process group (or to the browser alone without `setsid`). */
function killAll(browser: Browser): void {
  try {
    if (browser.group) Deno.kill(-browser.child.pid, "SIGKILL");
    else browser.child.kill("SIGKILL");
  } catch { /* nothing left */ }
}

/**
 * Closes politely (`Browser.close`, up to 2 s), waits up to 3 s for the process to exit, then kills the whole
 * process group anyway (so a stuck renderer cannot outlive the call) and waits for stderr to close.
 */
async function shutdown(browser: Browser, cdp: CdpConnection | undefined): Promise<void> {
  if (cdp) {
    await settleWithin(cdp.send("Browser.close"), 2_000);
    await cdp.close();
    await settleWithin(browser.child.status, 3_000);
  }
  killAll(browser);
  await browser.child.status;
  // Stragglers outside the group (crashpad handlers daemonize themselves) may hold stderr a little longer.
  if (!await settleWithin(browser.stderrDone, 2_000)) browser.stopStderr();
  await browser.stderrDone;
}

// ---------------------------------------------------------------------------------------------------------------
// openPage

function describeArg(arg: Json): string {
  if (arg.type === "string") return arg.value;
  if ("value" in arg) return JSON.stringify(arg.value);
  return arg.unserializableValue ?? arg.description ?? arg.type;
}

function shortUrl(url: string): string {
  return url.startsWith("data:") && url.length > 80 ? `${url.slice(0, 80)}…` : url;
}

function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Opens a local HTML file in a fresh headless Chromium and reports what happened.
 *
 * How: launch with `--remote-debugging-port=0`, read the browser's DevTools URL from stderr, connect with the
 * global `WebSocket`, create an `about:blank` target and attach to it (flat sessions), enable `Page`, `Runtime`,
 * `Log` and `Network`, navigate to `file://<absolute path>`, wait for the load event plus `settleMs`, read the text,
 * take the screenshot, close. Title and text are read with `Runtime.evaluate` in an isolated world
 * (`Page.createIsolatedWorld`): DevTools evaluation is not page script, so it works with `javascript: false`
 * (`Emulation.setScriptExecutionDisabled`) too, and the page cannot tamper with what it sees; so `bodyText` is
 * `innerText` in both modes (what a reader sees: no `<script>`/`<style>` source).
 *
 * @param path the HTML file, relative to the working directory or absolute
 * @param options screenshot path, viewport, JavaScript on/off, timeout
 * @returns what the page did, see `PageReport`
 * @example
 * ```ts ignore
 * import assert from "node:assert/strict";
 * import { openPage } from "./chromium.ts";
 * const page = await openPage("reports/report.html", { screenshot: "reports/report.png" });
 * assert.deepEqual(page.consoleErrors, []);
 * assert.deepEqual(page.requests, []);
 * ```
 */
export async function openPage(path: string, options: OpenPageOptions = {}): Promise<PageReport> {
  const { screenshot, width = 1280, height = 800, javascript = true, timeoutMs = 30_000, settleMs = 300 } =
    options;
  const abs = resolve(path);
  try {
    if (!Deno.statSync(abs).isFile) throw new Error("not a file");
  } catch {
    throw new Error(`Cannot open page: no such file, current value is ${abs}`);
  }
  const got = chromiumAvailable();
  if (!got.ok) throw new Error(`Cannot open page: ${got.reason}, current value is ${abs}`);

  const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
  let browser: Browser | undefined;
  let cdp: CdpConnection | undefined;
  let run: Promise<PageReport> | undefined;
  let step = "starting Chromium";
  const deadline = timer(timeoutMs);
  try {
    browser = spawnBrowser(got.path, profile);
    options.onLaunch?.({ pid: browser.child.pid, processGroup: browser.group });
    const { wsUrl } = browser;
    run = (async () => {
      const url = await wsUrl;
      step = "connecting to DevTools";
      cdp = await CdpConnection.connect(url);
      return await drive(cdp, abs, { screenshot, width, height, javascript, settleMs }, (s) => step = s);
    })();
    run.catch(() => {}); // after a timeout its rejection (the connection closed) is expected
    const result = await Promise.race([run, deadline.done]);
    if (result === "timeout") {
      const tail = browser.stderrTail();
      throw new Error(
        `Cannot open page: timed out after ${timeoutMs} ms while ${step}, current value is ${abs}` +
          (tail ? `\nChromium's stderr ends with:\n${tail}` : ""),
      );
    }
    return result;
  } catch (e) {
    if (e instanceof Error && !e.message.startsWith("Cannot open page:")) {
      const [first, ...rest] = e.message.split("\n");
      throw new Error(
        `Cannot open page: ${first} (while ${step}), current value is ${abs}${
          rest.map((l) => `\n${l}`).join("")
        }`,
        { cause: e },
      );
    }
    throw e;
  } finally {
    deadline.cancel();
    if (browser) {
      const started = browser;
      await shutdown(started, cdp).catch(() => killAll(started));
    }
    if (run) {
      // With the browser gone every pending step fails fast; wait for it so no timer or op outlives the call.
      const wait = timer(5_000);
      await Promise.race([run.catch(() => {}), wait.done]);
      wait.cancel();
    }
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

async function drive(
  cdp: CdpConnection,
  abs: string,
  options: { screenshot?: string; width: number; height: number; javascript: boolean; settleMs: number },
  progress: (step: string) => void,
): Promise<PageReport> {
  const { screenshot, width, height, javascript, settleMs } = options;
  const pageUrl = pathToFileURL(abs).href;
  const report: PageReport = {
    consoleErrors: [],
    exceptions: [],
    requests: [],
    failedRequests: [],
    dialogs: [],
    title: "",
    bodyText: "",
  };

  progress("opening a tab");
  const { targetId } = await cdp.send("Target.createTarget", { url: "about:blank" });
  const { sessionId } = await cdp.send("Target.attachToTarget", { targetId, flatten: true });
  const send = (method: string, params: Json = {}) => cdp.send(method, params, sessionId);

  const urls = new Map<string, string>();
  let crashed = "";
  cdp.on(({ method, params, sessionId: sid }) => {
    if (sid !== sessionId) return;
    switch (method) {
      case "Network.requestWillBeSent": {
        const url: string = params.request.url;
        urls.set(params.requestId, url);
        if (url !== pageUrl) report.requests.push(shortUrl(url));
        break;
      }
      case "Network.responseReceived": {
        const { url, status } = params.response;
        if (url !== pageUrl && status >= 400) report.failedRequests.push(`${shortUrl(url)} (HTTP ${status})`);
        break;
      }
      case "Network.loadingFailed": {
        const url = urls.get(params.requestId) ?? `<request ${params.requestId}>`;
        const why = [params.errorText, params.blockedReason ? `blocked: ${params.blockedReason}` : ""]
          .filter(Boolean).join(", ");
        report.failedRequests.push(`${shortUrl(url)} (${why})`);
        break;
      }
      case "Runtime.consoleAPICalled":
        if (params.type === "error" || params.type === "assert") {
          report.consoleErrors.push(
            `console.${params.type}: ${(params.args ?? []).map(describeArg).join(" ")}`,
          );
        }
        break;
      case "Runtime.exceptionThrown": {
        const d = params.exceptionDetails;
        report.exceptions.push(d.exception?.description ?? d.exception?.value ?? d.text);
        break;
      }
      case "Log.entryAdded":
        if (params.entry.level === "error") {
          const e = params.entry;
          report.consoleErrors.push(`${e.source}: ${e.text}${e.url ? ` (${shortUrl(e.url)})` : ""}`);
        }
        break;
      case "Page.javascriptDialogOpening":
        report.dialogs.push(`${params.type}: ${params.message}`);
        send("Page.handleJavaScriptDialog", { accept: false }).catch(() => {});
        break;
      case "Inspector.targetCrashed":
        crashed = "the page crashed";
        break;
    }
  });

  progress("enabling DevTools domains");
  await Promise.all([
    send("Page.enable"),
    send("Runtime.enable"),
    send("Log.enable"),
    send("Network.enable"),
    send("Emulation.setDeviceMetricsOverride", { width, height, deviceScaleFactor: 1, mobile: false }),
  ]);
  if (!javascript) await send("Emulation.setScriptExecutionDisabled", { value: true });

  progress("loading the page");
  const loaded = cdp.once("Page.loadEventFired", sessionId);
  loaded.catch(() => {});
  const nav = await send("Page.navigate", { url: pageUrl });
  if (nav.errorText) throw new Error(`navigation failed with ${nav.errorText}`);
  await loaded;
  await sleep(settleMs);
  if (crashed) throw new Error(crashed);

  progress("reading the page");
  const { frameTree } = await send("Page.getFrameTree");
  const { executionContextId } = await send("Page.createIsolatedWorld", {
    frameId: frameTree.frame.id,
    worldName: "openPage",
  });
  const read = await send("Runtime.evaluate", {
    expression: "({title: document.title, text: document.body ? document.body.innerText : ''})",
    contextId: executionContextId,
    returnByValue: true,
  });
  if (read.exceptionDetails) throw new Error(`reading the text threw ${read.exceptionDetails.text}`);
  report.title = read.result.value.title;
  report.bodyText = read.result.value.text;

  if (screenshot) {
    progress("taking the screenshot");
    const metrics = await send("Page.getLayoutMetrics");
    const content = metrics.cssContentSize ?? metrics.contentSize;
    const fullHeight = Math.min(16_384, Math.max(1, Math.ceil(content.height)));
    const shot = await send("Page.captureScreenshot", {
      format: "png",
      captureBeyondViewport: true,
      clip: { x: 0, y: 0, width, height: fullHeight, scale: 1 },
    });
    await Deno.writeFile(screenshot, base64ToBytes(shot.data));
    report.screenshot = screenshot;
  }
  return report;
}
