/**
 * End-to-end: results written back to a real carbon, read back from graphite-web.
 *
 * - `deno task detect --write-back` over a window: every written series, rendered back, equals what was
 *   written (the same run in-process, its lines captured, is the reference).
 * - `deno task watch --write-back` with carbon stopped and started again mid-run: nothing that fit in the
 *   buffer is missing afterwards (the reference: the same replay in-process).
 * - With carbon away for good and a small buffer, the overflow is counted in the cycle log and said at the end.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cliCommand, cycleLogs, runCli } from "./support/cli.ts";
import { fleetModel } from "./support/fleet_model.ts";
import { type Graphite, requireGraphiteOrSkip, startGraphite } from "./support/graphite.ts";
import { generateCorpus } from "../lib/synth/generate.ts";
import { writeCorpus } from "../lib/synth/write_corpus.ts";
import { saveModel } from "../lib/model/save_model.ts";
import { parseConfig } from "../lib/sources/config.ts";
import { runDetection } from "../lib/pipeline/run_detection.ts";
import { runWatch } from "../lib/pipeline/run_watch.ts";
import type { CycleLog } from "../lib/pipeline/run_watch_cycle.ts";
import { PRESENCE_AGGREGATORS } from "../lib/presence.ts";
import { captureWriteBack } from "./support/capture_write_back.ts";

const HOUR = 3_600_000, STEP = 60_000;
/** The environment the tasks may read (unset here: no sink but the console, no token). */
const ENV = { allowEnv: ["GRAFANA_TOKEN", "GRAFANA_URL", "SLACK_WEBHOOK_URL", "ALERT_WEBHOOK_URL"] };

/** path → (epoch s → value) of carbon lines. */
function byPath(lines: readonly string[]): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const line of lines) {
    const [path, value, t] = line.split(" ");
    let m = out.get(path);
    if (!m) out.set(path, m = new Map());
    m.set(Number(t), Number(value));
  }
  return out;
}

/** Renders each path back from graphite-web over the written time range and compares with what was written. */
async function assertRenderedEqual(graphite: Graphite, want: Map<string, Map<number, number>>) {
  let from = Infinity, until = -Infinity;
  for (const m of want.values()) {
    for (const t of m.keys()) {
      if (t < from) from = t;
      if (t > until) until = t;
    }
  }
  // graphite-web's `from` is exclusive: a step before the first point.
  from -= 60;
  until += 60;
  const paths = [...want.keys()];
  let points = 0;
  for (let k = 0; k < paths.length; k += 20) {
    const params = new URLSearchParams({ from: String(from), until: String(until), format: "json" });
    for (const p of paths.slice(k, k + 20)) params.append("target", p);
    const res = await fetch(`${graphite.url}/render?${params}`);
    assert.equal(res.status, 200);
    const got = await res.json() as { target: string; datapoints: [number | null, number][] }[];
    const rendered = new Map(got.map((s) => [s.target, s.datapoints]));
    for (const p of paths.slice(k, k + 20)) {
      const dps = rendered.get(p);
      assert.ok(dps, `${p} was not rendered back`);
      const have = new Map(dps.filter(([v]) => v !== null).map(([v, t]) => [t, v!]));
      const expected = want.get(p)!;
      assert.equal(have.size, expected.size, `${p}: ${have.size} points rendered, ${expected.size} written`);
      for (const [t, v] of expected) assert.equal(have.get(t), v, `${p} at ${t}`);
      points += expected.size;
    }
  }
  return points;
}

async function fleet(tmp: string, graphite: Graphite, end: number) {
  // 4 shards × 6 aggregators (several are two Graphite nodes) × 50 h at 60 s, written into Graphite.
  const corpus = generateCorpus({ shards: 4, days: 50 / 24, step: STEP, end, seed: 21, weekly: false });
  await graphite.feedSeries(corpus.series);
  const model = join(tmp, "model.json");
  await saveModel(fleetModel(end), model);
  const config = {
    source: "graphite",
    url: graphite.url,
    machines: [...new Set(corpus.series.map((s) => s.labels.machine))],
    aggregators: [...PRESENCE_AGGREGATORS],
    model,
    lookback: "6h",
    history: "26h",
    timeout: "10s",
  };
  return { corpus, config };
}

Deno.test({
  name:
    "deno task detect --write-back: every written series, rendered back from graphite-web, equals what was written",
  ...requireGraphiteOrSkip(),
  async fn() {
    const end = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
    const tmp = await Deno.makeTempDir({ prefix: "write-back-" });
    const graphite = await startGraphite();
    try {
      const { config } = await fleet(tmp, graphite, end);
      const configPath = join(tmp, "config.json");
      await Deno.writeTextFile(configPath, JSON.stringify(config));
      const until = new Date(end).toISOString();
      const out = join(tmp, "anomalies.json");
      const run = await runCli(
        [
          "detect",
          "--config",
          configPath,
          "--until",
          until,
          "--out",
          out,
          "--write-back",
          `127.0.0.1:${graphite.carbonPort}`,
        ],
        { net: true, ...ENV },
      );
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /wrote (\d+) of \1 points back to carbon 127\.0\.0\.1:\d+ under anomaly\./);
      const record = JSON.parse(await Deno.readTextFile(out)).run.writeBack;
      assert.equal(record.pending, 0);
      assert.equal(record.dropped, 0);
      // The reference: the same detection in-process, its lines captured.
      const parsed = parseConfig(config, "config.json");
      const ref = captureWriteBack(parsed);
      await runDetection(parsed, { until, now: Date.now(), writeBack: { to: ref.wb } });
      await ref.wb.close(10_000);
      assert.equal(ref.lines.length, record.sent, "the CLI wrote what the pipeline writes");
      const want = byPath(ref.lines);
      // 24 series × 5 fields; the aggregator's own dots are nodes of the written path.
      assert.equal(want.size, 24 * 5);
      assert.ok(
        [...want.keys()].some((p) =>
          /^anomaly\.presence\.n\d+-[\w-]+\.ProbeTablesAggregator\.[\w.]+\.upper$/.test(p)
        ),
        [...want.keys()].slice(0, 3).join(", "),
      );
      await graphite.waitForFlush(new Map([...want].map(([p, m]) => [p, m.size])));
      const points = await assertRenderedEqual(graphite, want);
      assert.equal(points, ref.lines.length);
    } finally {
      await graphite.stop();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "deno task watch --write-back: carbon stopped and started mid-run, nothing that fit in the buffer is missing",
  ...requireGraphiteOrSkip(),
  async fn() {
    const end = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
    const tmp = await Deno.makeTempDir({ prefix: "write-back-watch-" });
    const graphite = await startGraphite();
    try {
      // A replay of CSV exports (the clock moved 5 minutes a cycle), written back to the real carbon.
      const corpus = generateCorpus({ shards: 3, days: 46 / 24, step: STEP, end, seed: 22, weekly: false });
      const data = join(tmp, "data");
      await writeCorpus(corpus, data);
      const model = join(tmp, "model.json");
      await saveModel(fleetModel(end), model);
      const config = { source: "csv", data: [data], model, lookback: "2h", history: "26h" };
      const configPath = join(tmp, "config.json");
      await Deno.writeTextFile(configPath, JSON.stringify(config));
      const CYCLES = 60, start = "now-5h";
      const child = cliCommand([
        "watch",
        "--config",
        configPath,
        "--start",
        start,
        "--interval",
        "5m",
        "--cycles",
        String(CYCLES),
        "--state",
        join(tmp, "state.json"),
        "--out",
        join(tmp, "w.json"),
        "--log-json",
        "--write-back",
        `127.0.0.1:${graphite.carbonPort}`,
      ], { net: true, ...ENV }).spawn();
      const seen: CycleLog[] = [];
      let outage: Promise<void> | undefined;
      const stderr = new Response(child.stderr).text();
      for await (const log of cycleLogs(child.stdout)) {
        seen.push(log);
        // Carbon goes away after cycle 2 and comes back after cycle 20, while the run goes on writing.
        if (seen.length === 2) outage = graphite.stopCarbon();
        if (seen.length === 20) outage = outage?.then(() => graphite.startCarbon());
      }
      await outage;
      const status = await child.status;
      const err = await stderr;
      assert.equal(status.code, 0, err.slice(-2000));
      assert.equal(seen.length, CYCLES);
      const last = seen.at(-1)!.writeBack!;
      assert.equal(last.dropped, 0, JSON.stringify(last));
      // The outage happened while the run wrote: points were held for carbon, then carbon took them.
      const held = seen.filter((c) => c.writeBack!.pending > 0 && c.writeBack!.lastError);
      assert.ok(held.length > 0, `carbon was never away while the run wrote: ${JSON.stringify(last)}`);
      assert.match(err, /watch: wrote (\d+) of \1 points back to carbon .*\d+ reconnects/);
      // The reference: the same replay in-process.
      const ref = captureWriteBack(parseConfig(config, "config.json"));
      await runWatch(parseConfig(config, "config.json"), {
        sinks: [],
        statePath: join(tmp, "state-ref.json"),
        interval: 5 * 60_000,
        maxCycles: CYCLES,
        start,
        clock: () => end,
        writeBack: ref.wb,
      });
      await ref.wb.close(10_000);
      const want = byPath(ref.lines);
      assert.equal(want.size, 18 * 5);
      // The live edge's empty points are written again once filled: in a replay none is empty, so each point
      // once — and the first cycle wrote the 2 h window, each later one its 5 new minutes.
      await graphite.waitForFlush(new Map([...want].map(([p, m]) => [p, m.size])));
      const points = await assertRenderedEqual(graphite, want);
      // Each cycle wrote only what was new. A point written twice is an anomaly's earlier point, written again
      // as 1 the cycle that first saw the anomaly (it had gone out as 0), or one of the last few empty points of
      // a series (a gap at its end, which Graphite may fill late), written again unchanged.
      const seenAt = new Map<string, string>();
      let twice = 0;
      for (const l of ref.lines) {
        const key = l.slice(0, l.indexOf(" ")) + l.slice(l.lastIndexOf(" "));
        if (seenAt.has(key)) {
          twice++;
          assert.ok(
            /\.anomalous 1 \d+$/.test(l) || seenAt.get(key) === l,
            `written twice: ${seenAt.get(key)} then ${l}`,
          );
        }
        seenAt.set(key, l);
      }
      assert.equal(points, seenAt.size);
      assert.ok(twice < ref.lines.length / 20, `${twice} of ${ref.lines.length} written twice`);
    } finally {
      await graphite.stop();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test("deno task watch --write-back with carbon away: the overflow is counted each cycle and said at the end", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "write-back-overflow-" });
  try {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close(); // nothing listens there now
    const configPath = join(tmp, "config.json");
    await Deno.writeTextFile(
      configPath,
      JSON.stringify({ writeBack: { carbon: `127.0.0.1:${port}`, buffer: 1000, wait: "1s" } }),
    );
    const run = await runCli([
      "watch",
      "--config",
      configPath,
      "--start",
      "now-3h",
      "--interval",
      "1h",
      "--cycles",
      "3",
      "--state",
      join(tmp, "state.json"),
      "--out",
      join(tmp, "w.json"),
      "--log-json",
    ], { net: true, ...ENV });
    assert.equal(run.code, 0, run.stderr);
    const logs: CycleLog[] = run.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) =>
      JSON.parse(l)
    );
    assert.equal(logs.length, 3);
    const wb = logs.at(-1)!.writeBack!;
    assert.ok(wb.dropped > 0 && wb.pending <= 1000, JSON.stringify(wb));
    assert.equal(wb.queued, wb.dropped + wb.pending + wb.sent);
    assert.match(run.stderr, /\d+ dropped \(buffer full\)/);
    assert.match(run.stderr, /last error: .*(refused|connect)/i);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
