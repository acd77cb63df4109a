/**
 * End-to-end tests of the browser harness (`tests/support/chromium.ts`) against a real headless Chromium: tiny
 * fixture pages prove that it sees what a report test relies on — console errors, exceptions, requests, CSP
 * blocks, dialogs, the text a reader sees, a full-page screenshot — so a check built on it can fail.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { chromiumAvailable, openPage, requireOrSkip } from "./support/chromium.ts";

const chromium = requireOrSkip();

/** The policy the static report is meant to ship with. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
const cspMeta = `<meta http-equiv="Content-Security-Policy" content="${CSP}">`;

/** An image URL on a loopback port that was just free, so a request there is refused and never leaves the
 * machine. (Port 9, the usual "discard" choice, is on Chromium's unsafe-port list and fails without connecting.) */
function deadImage(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return `http://127.0.0.1:${port}/x.png`;
}

function page(title: string, body: string, head = ""): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">${head}<title>${title}</title></head>\n` +
    `<body>\n${body}\n</body></html>\n`;
}

/** Runs `fn` with a fresh temp dir for fixture pages, removed afterwards. */
async function withFixtures(fn: (file: (name: string, html: string) => Promise<string>) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "browser-harness-" });
  try {
    await fn(async (name, html) => {
      const path = join(dir, name);
      await Deno.writeTextFile(path, html);
      return path;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * The processes of a browser the harness started that are still running (zombies do not count: they are dead,
 * waiting for an init that reaps, which some containers lack). On Linux this reads /proc through `sh` and `cat`,
 * because Deno grants /proc only with `--allow-all`; elsewhere it probes the process (group) with SIGCONT, which is
 * harmless to a running process.
 */
async function liveBrowserProcesses(launched: { pid: number; processGroup: boolean } | undefined) {
  assert.ok(launched, "onLaunch was called");
  const { pid, processGroup } = launched;
  if (Deno.build.os === "linux") {
    const out = await new Deno.Command("sh", {
      args: ["-c", "cat /proc/[0-9]*/stat 2>/dev/null; true"],
      stdout: "piped",
      stderr: "null",
    }).output();
    return new TextDecoder().decode(out.stdout).split("\n").filter((line) => {
      const [state, , pgrp] = line.slice(line.lastIndexOf(")") + 2).split(" ");
      const self = Number(line.slice(0, line.indexOf(" ")));
      return state !== "Z" && (processGroup ? Number(pgrp) === pid : self === pid);
    });
  }
  try {
    Deno.kill(processGroup ? -pid : pid, "SIGCONT");
    return [`process ${processGroup ? "group " : ""}${pid}`];
  } catch {
    return [];
  }
}

function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** How long each page of the tests above took to open, read and close (the hanging page is bounded apart). */
const timings: Array<{ label: string; ms: number }> = [];
async function timed<T>(label: string, work: Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await work;
  } finally {
    timings.push({ label, ms: Math.round(performance.now() - t0) });
  }
}

Deno.test({
  name: "Chromium is installed (a skip on a developer machine, a failure under CI=true)",
  ...chromium,
  fn: () => {
    const got = chromiumAvailable();
    assert.ok(got.ok, got.ok ? "" : `${got.reason}; CI=true makes a missing browser a failure`);
  },
});

Deno.test({
  name: "openPage() reads a clean CSP page with inline SVG: no errors or requests, title, text, screenshot",
  ...chromium,
  fn: () =>
    withFixtures(async (file) => {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="120" role="img">` +
        `<rect x="10" y="10" width="380" height="100" fill="steelblue"/>` +
        `<text x="20" y="70" font-size="24" fill="white">lag ratio</text></svg>`;
      const html = page(
        "Clean fixture",
        `<h1>Anomaly report</h1>\n${svg}\n<p>First paragraph</p>\n` +
          `<div style="height:2400px;background:linear-gradient(#fff,#ccc)">tall block</div>\n<p>Last line</p>`,
        `${cspMeta}<style>body{font-family:sans-serif;margin:0}h1{color:#333}</style>`,
      );
      const path = await file("clean.html", html);
      const shot = `${path}.png`;
      let launched: { pid: number; processGroup: boolean } | undefined;
      const got = await timed(
        "clean page + screenshot",
        openPage(path, { screenshot: shot, width: 800, onLaunch: (b) => launched = b }),
      );
      assert.deepEqual(
        await liveBrowserProcesses(launched),
        [],
        "the browser and all its processes are gone",
      );

      assert.deepEqual(got.consoleErrors, []);
      assert.deepEqual(got.exceptions, []);
      assert.deepEqual(got.requests, []);
      assert.deepEqual(got.failedRequests, []);
      assert.deepEqual(got.dialogs, []);
      assert.equal(got.title, "Clean fixture");
      assert.match(got.bodyText, /^Anomaly report\n/);
      assert.match(got.bodyText, /First paragraph/);
      assert.match(got.bodyText, /Last line$/);
      assert.equal(got.screenshot, shot);

      const png = await Deno.readFile(shot);
      assert.deepEqual(
        [...png.subarray(0, 8)],
        [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
        "PNG magic",
      );
      assert.ok(png.length > 5_000, `a real picture, not a blank stub: ${png.length} bytes`);
      const { width, height } = pngSize(png);
      assert.equal(width, 800);
      assert.ok(height > 2400, `the full page, beyond the 800 px viewport: ${height} px`);
    }),
});

Deno.test({
  name: "openPage() records a request to a dead loopback port as requested and failed",
  ...chromium,
  fn: () =>
    withFixtures(async (file) => {
      const dead = deadImage();
      const path = await file("remote.html", page("Remote image", `<p>before</p><img src="${dead}">`));
      const got = await timed("image from a dead port", openPage(path));

      assert.deepEqual(got.requests, [dead]);
      assert.deepEqual(got.failedRequests, [`${dead} (net::ERR_CONNECTION_REFUSED)`]);
      assert.ok(
        got.consoleErrors.some((e) => e.includes("ERR_CONNECTION_REFUSED")),
        got.consoleErrors.join(),
      );
      assert.deepEqual(got.exceptions, []);
    }),
});

Deno.test({
  name: "openPage() records loads from a live loopback server, and an HTTP 404 as failed",
  ...chromium,
  fn: () =>
    withFixtures(async (file) => {
      const png = Uint8Array.from(
        atob(
          "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
        ),
        (c) => c.charCodeAt(0),
      );
      const served: string[] = [];
      const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
        served.push(new URL(req.url).pathname);
        return new URL(req.url).pathname === "/ok.png"
          ? new Response(png, { headers: { "content-type": "image/png" } })
          : new Response("not here", { status: 404 });
      });
      try {
        const base = `http://127.0.0.1:${server.addr.port}`;
        const path = await file(
          "served.html",
          page("Served", `<img src="${base}/ok.png"><img src="${base}/nope.png">`),
        );
        const got = await timed("two images from a live server", openPage(path));
        assert.deepEqual(got.requests.toSorted(), [`${base}/nope.png`, `${base}/ok.png`]);
        assert.deepEqual(got.failedRequests, [`${base}/nope.png (HTTP 404)`]);
        assert.deepEqual(served.toSorted(), ["/nope.png", "/ok.png"], "the browser really asked");
      } finally {
        await server.shutdown();
      }
    }),
});

Deno.test({
  name: "openPage() reports an image blocked by the Content Security Policy",
  ...chromium,
  fn: () =>
    withFixtures(async (file) => {
      const dead = deadImage();
      const path = await file("csp.html", page("Blocked image", `<img src="${dead}">`, cspMeta));
      const got = await timed("image under strict CSP", openPage(path));
      console.log(`CSP case, as Chromium reports it: ${JSON.stringify(got, null, 1)}`);

      const cspErrors = got.consoleErrors.filter((e) => e.includes("Content Security Policy"));
      assert.ok(cspErrors.length >= 1, `a console error names the CSP: ${JSON.stringify(got.consoleErrors)}`);
      assert.ok(cspErrors.some((e) => e.includes(dead)), "and the blocked URL");
      assert.ok(
        got.failedRequests.some((f) => f.startsWith(dead) && /csp/i.test(f)),
        got.failedRequests.join(),
      );
      assert.ok(
        !got.consoleErrors.some((e) => e.includes("ERR_CONNECTION_REFUSED")),
        "never left the renderer",
      );
    }),
});

Deno.test({
  name: "openPage() reports an uncaught exception, and none with javascript: false (text still read)",
  ...chromium,
  fn: () =>
    withFixtures(async (file) => {
      const path = await file(
        "throws.html",
        page(
          "Throwing script",
          `<p id="static">static text</p>\n<script>document.getElementById("static").after("script ran");\n` +
            `throw new Error("boom from the fixture");</script>`,
        ),
      );
      const on = await timed("throwing script, JS on", openPage(path));
      assert.equal(on.exceptions.length, 1, on.exceptions.join("\n"));
      assert.match(on.exceptions[0], /^Error: boom from the fixture/);
      assert.match(on.bodyText, /static text/);
      assert.match(on.bodyText, /script ran/);

      const off = await timed("throwing script, JS off", openPage(path, { javascript: false }));
      assert.deepEqual(off.exceptions, []);
      assert.deepEqual(off.consoleErrors, []);
      assert.equal(off.title, "Throwing script");
      assert.equal(off.bodyText, "static text");
    }),
});

Deno.test({
  name:
    "openPage() shows escaped markup as text and requests nothing; unescaped, it sees the request and alert",
  ...chromium,
  fn: () =>
    withFixtures(async (file) => {
      const payload = "<img src=x onerror=alert(1)>";
      const escaped = payload.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
      const safe = await file("escaped.html", page("Escaped", `<p>series: ${escaped}</p>`, cspMeta));
      const got = await timed("escaped markup", openPage(safe));
      assert.equal(got.bodyText, `series: ${payload}`);
      assert.deepEqual(got.requests, []);
      assert.deepEqual(got.dialogs, []);
      assert.deepEqual(got.consoleErrors, []);

      // The same check must be able to fail: unescaped (and without CSP) the payload loads `x` and runs.
      const unsafe = await file("unescaped.html", page("Unescaped", `<p>series: ${payload}</p>`));
      const bad = await timed("unescaped markup", openPage(unsafe));
      assert.ok(bad.requests.some((u) => u.endsWith("/x")), bad.requests.join());
      assert.deepEqual(bad.dialogs, ["alert: 1"]);
      assert.equal(bad.bodyText, "series: ");
    }),
});

Deno.test({
  name: "openPage() gives up on a page that never loads, naming it, and leaves no browser behind",
  ...chromium,
  fn: () =>
    withFixtures(async (file) => {
      const path = await file("hangs.html", page("Hangs", "<script>for (;;) {}</script>"));
      const t0 = performance.now();
      let launched: { pid: number; processGroup: boolean } | undefined;
      await assert.rejects(
        openPage(path, { timeoutMs: 4_000, onLaunch: (b) => launched = b }),
        (e: Error) => {
          // "while loading the page" normally; a starved machine may still be starting Chromium.
          assert.match(
            e.message,
            /^Cannot open page: timed out after 4000 ms while [a-z ]+, current value is /,
          );
          assert.ok(e.message.includes(`current value is ${path}`), e.message);
          return true;
        },
      );
      const ms = performance.now() - t0;
      // Bounded by design: the 4 s timeout, then Browser.close (≤ 2 s), the exit (≤ 3 s), stderr (≤ 2 s) and the
      // pending step (≤ 5 s) each wait at most so long; 4 s more for the kill and the profile's removal on a
      // loaded machine. A cleanup that hangs would exceed it by far; a busy machine does not.
      const bound = 4_000 + 2_000 + 3_000 + 2_000 + 5_000 + 4_000;
      assert.ok(ms < bound, `cleanup is bounded: ${ms} ms, over ${bound} ms`);
      assert.deepEqual(
        await liveBrowserProcesses(launched),
        [],
        "the browser and all its processes are gone",
      );
    }),
});

Deno.test({
  name: "openPage() rejects a missing file with the path",
  fn: async () => {
    await withFixtures(async (file) => {
      const missing = join(await file("exists.html", ""), "..", "nope.html").replace("/exists.html/..", "");
      await assert.rejects(openPage(missing), {
        message: `Cannot open page: no such file, current value is ${missing}`,
      });
    });
  },
});

Deno.test({
  name: "openPage() opens each local page in well under its 30 s timeout (launch, load, settle, close)",
  ...chromium,
  fn: () => {
    console.log(timings.map((t) => `${t.label}: ${t.ms} ms`).join("\n"));
    // Half the default timeout: a page that only loads because the timeout is generous is a regression (a
    // launch or close that waits for something), not a slow machine (each takes 1-3 s on a loaded 2-core one).
    for (const { label, ms } of timings) assert.ok(ms < 15_000, `${label}: ${ms} ms`);
  },
});
