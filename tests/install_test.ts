/**
 * End-to-end: `deno task install` into a temporary root, then the installed `graphite-anomaly` command, run from
 * another directory: `report` on the sample (by default, and with `--csv` and `--out` relative to where it runs),
 * `detect` against a real Graphite on loopback, and `watch` running with the task's `MALLOC_ARENA_MAX=2`.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { taskPermissions, unionPermissions } from "../lib/cli/_task_permissions.ts";
import { generateCorpus } from "../lib/synth/generate.ts";
import { fleetModel } from "./support/fleet_model.ts";
import { PRESENCE_AGGREGATORS } from "../lib/presence.ts";
import { saveModel } from "../lib/model/save_model.ts";
import { requireGraphiteOrSkip, startGraphite } from "./support/graphite.ts";
import { readUntil } from "./support/cli.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/** Installs into a fresh root; returns the command's path and a runner for it (cwd: a fresh directory). */
async function install() {
  const root = await Deno.makeTempDir({ prefix: "install-root-" });
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "install", "--root", root],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, decode(out.stderr));
  const bin = join(root, "bin", "graphite-anomaly");
  const cwd = await Deno.makeTempDir({ prefix: "install-cwd-" });
  // The shim calls `deno` from PATH, as on a user's machine; nothing else from the test's environment.
  const env = {
    PATH: `${dirname(Deno.execPath())}:/usr/bin:/bin`,
    HOME: Deno.env.get("HOME") ?? cwd,
    TZ: "UTC",
  };
  const command = (args: string[], extra: Record<string, string> = {}) =>
    new Deno.Command(bin, {
      args,
      cwd,
      env: { ...env, NO_COLOR: "1", ...extra },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    });
  const run = async (args: string[]) => {
    const r = await command(args).output();
    return { code: r.code, stdout: decode(r.stdout), stderr: decode(r.stderr) };
  };
  const cleanup = () =>
    Promise.all([root, cwd].map((d) => Deno.remove(d, { recursive: true }).catch(() => {})));
  return { bin, cwd, run, command, cleanup };
}

Deno.test("deno task install grants the union of the subcommands' task permissions, and watch's environment", async () => {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  const tasks = taskPermissions(config).filter((t) => !t.flags.includes("--allow-all"));
  for (const name of ["report", "train", "detect", "hydrate", "watch", "inspect", "synth", "eval", "nab"]) {
    assert.ok(tasks.some((t) => t.command === name), `the ${name} task is read`);
  }
  const installed = await install();
  try {
    const shim = await Deno.readTextFile(installed.bin);
    for (const flag of unionPermissions(tasks.map((t) => t.flags))) assert.ok(shim.includes(flag), flag);
    assert.doesNotMatch(shim, /--allow-all|--allow-run|--allow-sys|--allow-ffi|-A\b/);
    assert.match(shim, /watch\) export MALLOC_ARENA_MAX="\$\{MALLOC_ARENA_MAX:-2\}"/);
  } finally {
    await installed.cleanup();
  }
});

Deno.test("the installed graphite-anomaly runs report from any directory: the sample by default, relative paths", async () => {
  const installed = await install();
  try {
    const byDefault = await installed.run(["report"]);
    assert.equal(byDefault.code, 0, byDefault.stderr);
    const html = await Deno.readTextFile(join(installed.cwd, "reports", "index.html"));
    assert.match(html, /<html/i);
    // --csv and --out relative to the directory it runs in.
    await Deno.mkdir(join(installed.cwd, "exports"));
    for await (const e of Deno.readDir(join(ROOT, "data"))) {
      if (e.isFile && e.name.endsWith(".csv")) {
        await Deno.copyFile(join(ROOT, "data", e.name), join(installed.cwd, "exports", e.name));
      }
    }
    const relative = await installed.run(["report", "--csv", "exports", "--out", "out"]);
    assert.equal(relative.code, 0, relative.stderr);
    const anomalies = JSON.parse(await Deno.readTextFile(join(installed.cwd, "out", "anomalies.json")));
    assert.equal(anomalies.run.answered, anomalies.run.asked, JSON.stringify(anomalies.run));
    assert.ok(anomalies.run.asked > 0);
  } finally {
    await installed.cleanup();
  }
});

Deno.test("the installed graphite-anomaly watch runs with MALLOC_ARENA_MAX=2 unless the user set it", async () => {
  if (Deno.build.os !== "linux") return; // reads /proc
  const installed = await install();
  try {
    for (const [given, want] of [[undefined, "2"], ["4", "4"]] as const) {
      const child = installed.command(
        ["watch", "--interval", "1h", "--state", "state.json", "--out", "w.json"],
        given ? { MALLOC_ARENA_MAX: given } : {},
      ).spawn();
      const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
      const err = await readUntil(reader, /cycle 1 /);
      // The shim execs deno: the process running the cycle is the child itself.
      // (read with cat: Deno grants /proc/<pid> only with --allow-all)
      const cat = await new Deno.Command("cat", { args: [`/proc/${child.pid}/environ`], stdout: "piped" })
        .output();
      const environ = decode(cat.stdout).split("\0");
      child.kill("SIGTERM");
      while (!(await reader.read()).done) { /* drain */ }
      await child.stdout.cancel();
      const status = await child.status;
      assert.match(err, /cycle 1 /);
      assert.equal(status.code, 0, err);
      assert.ok(environ.includes(`MALLOC_ARENA_MAX=${want}`), `given ${given}: ${environ.join(" ")}`);
    }
  } finally {
    await installed.cleanup();
  }
});

Deno.test({
  name: "the installed graphite-anomaly runs detect against a real Graphite from another directory",
  ...requireGraphiteOrSkip(),
  async fn() {
    const HOUR = 3_600_000, STEP = 60_000;
    const end = Math.floor(Date.now() / HOUR) * HOUR;
    const corpus = generateCorpus({ shards: 4, days: 50 / 24, step: STEP, end, seed: 21, weekly: false });
    const installed = await install();
    const graphite = await startGraphite();
    try {
      await graphite.feedSeries(corpus.series);
      await saveModel(fleetModel(end), join(installed.cwd, "model.json"));
      await Deno.writeTextFile(
        join(installed.cwd, "config.json"),
        JSON.stringify({
          source: "graphite",
          url: graphite.url,
          machines: [...new Set(corpus.series.map((s) => s.labels.machine))],
          aggregators: [...PRESENCE_AGGREGATORS],
          model: "model.json", // relative to where the command runs
          lookback: "24h",
          history: "25h",
        }),
      );
      const r = await installed.run([
        "detect",
        "--config",
        "config.json",
        "--until",
        new Date(end - STEP).toISOString(),
        "--out",
        "anomalies.json",
      ]);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(await Deno.readTextFile(join(installed.cwd, "anomalies.json")));
      assert.deepEqual([out.run.asked, out.run.answered, out.run.failed], [24, 24, 0]);
      assert.ok(Array.isArray(out.anomalies));
    } finally {
      await graphite.stop();
      await installed.cleanup();
    }
  },
});
