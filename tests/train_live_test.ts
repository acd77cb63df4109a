/**
 * End-to-end: `deno task train` from a real Graphite (carbon-cache + graphite-web on loopback), with Graphite's
 * own relative times (`--from -72h`), directly and through Grafana's datasource proxy, and from a Graphite whose
 * 1-minute retention is shorter than the range asked, which answers from its 5-minute archive.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "./support/cli.ts";
import { requireGraphiteOrSkip, startGraphite } from "./support/graphite.ts";
import { startGrafanaStandin } from "./support/grafana_standin.ts";
import { generateCorpus } from "../lib/synth/generate.ts";
import { crop } from "../lib/series/crop.ts";
import type { Series } from "../lib/series/types.ts";

const MINUTE = 60_000, HOUR = 60 * MINUTE;
const SHARDS = 4, AGGREGATORS = 6;

/** The CLI with network access to loopback only and GRAFANA_TOKEN readable. */
const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { env, net: true, allowEnv: ["GRAFANA_TOKEN"] });

/** 72 h of 1-minute data for 4 shards × 6 aggregators, ending at the last whole minute (tests may read the clock). */
function corpus(): Series[] {
  const end = Math.floor(Date.now() / MINUTE) * MINUTE;
  const { series } = generateCorpus({ shards: SHARDS, days: 3, step: MINUTE, end, seed: 11, weekly: false });
  assert.equal(series.length, SHARDS * AGGREGATORS);
  return series;
}

/** A config file naming exactly the fed shards. */
async function writeConfig(dir: string, url: string): Promise<string> {
  const path = join(dir, "config.json");
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      source: "graphite",
      url,
      machines: { prefix: "n", from: 200, to: 200 + SHARDS - 1, suffix: "-primary-meraki-com" },
    }),
  );
  return path;
}

async function readModel(path: string) {
  return JSON.parse(await Deno.readTextFile(path)) as {
    family: string;
    trainedOn: { series: number; points: number; step: number; from: string; to: string };
  };
}

Deno.test({
  name: "train --source graphite --from -72h learns from a real Graphite at its 1-minute step",
  ...requireGraphiteOrSkip(),
  async fn(t) {
    const series = corpus();
    const dir = await Deno.makeTempDir({ prefix: "train-live-" });
    const graphite = await startGraphite();
    const grafana = startGrafanaStandin(graphite.url);
    try {
      await graphite.feedSeries(series);
      const config = await writeConfig(dir, graphite.url);

      await t.step("directly, with the config file and --from -72h as Graphite writes it", async () => {
        const out = join(dir, "direct.json");
        const got = await cli(["train", "--config", config, "--from", "-72h", "--out", out]);
        assert.equal(got.code, 0, got.stderr);
        assert.match(
          got.stderr,
          new RegExp(
            `^train: ${SHARDS * AGGREGATORS}/${
              SHARDS * AGGREGATORS
            } series from graphite http://127\\.0\\.0\\.1:\\d+ `,
            "m", // a line of its own: Deno may print its own lines first (npm downloads on a fresh machine)
          ),
        );
        assert.match(got.stdout, /^trained presence on 24 series, \d+ points \(.*, step 60 s\)/);
        const model = await readModel(out);
        assert.equal(model.trainedOn.step, MINUTE);
        assert.equal(model.trainedOn.series, SHARDS * AGGREGATORS);
        // 72 h back from now, on Graphite's grid: the model covers the window asked, not Graphite's 7 days.
        const span = Date.parse(model.trainedOn.to) - Date.parse(model.trainedOn.from);
        assert.ok(
          span > 71 * HOUR && span <= 72 * HOUR,
          `trained on ${model.trainedOn.from} .. ${model.trainedOn.to}`,
        );
      });

      await t.step(
        "through Grafana's datasource proxy: --source and --url override the config's",
        async () => {
          const out = join(dir, "grafana.json");
          const args = [
            "train",
            "--config",
            config,
            "--source",
            "grafana",
            "--url",
            grafana.url,
            "--datasource-uid",
            grafana.uid,
            "--from",
            "-72h",
            "--out",
            out,
          ];
          const denied = await cli(args);
          assert.equal(denied.code, 1, denied.stderr);
          assert.match(denied.stderr, /^train: 0\/24 series from grafana /m);
          assert.match(denied.stderr, /error: Cannot train from grafana .*no series answered/);
          const got = await cli(args, { GRAFANA_TOKEN: grafana.token });
          assert.equal(got.code, 0, got.stderr);
          const model = await readModel(out);
          assert.deepEqual([model.trainedOn.step, model.trainedOn.series], [MINUTE, SHARDS * AGGREGATORS]);
        },
      );
    } finally {
      await grafana.stop();
      await graphite.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "train --from -72h takes the 5-minute step Graphite answers with when its 1-minute retention is 1 day",
  ...requireGraphiteOrSkip(),
  async fn() {
    const series = corpus();
    const dir = await Deno.makeTempDir({ prefix: "train-live-" });
    const graphite = await startGraphite({ retentions: "60s:1d,5m:7d" });
    try {
      // The 1-minute archive holds one day: the older points go to carbon as they are (whisper files them in the
      // 5-minute archive), the last 20 h through feedSeries(), which waits until the 1-minute archive has them.
      const cut = Math.floor(Date.now() / MINUTE) * MINUTE - 20 * HOUR;
      const older: string[] = [];
      for (const s of series) {
        for (let i = 0; i < s.values.length && s.start + i * s.step < cut; i++) {
          if (!Number.isNaN(s.values[i])) {
            older.push(`${s.key} ${s.values[i]} ${(s.start + i * s.step) / 1000}`);
          }
        }
      }
      await graphite.feed(older);
      await graphite.feedSeries(series.map((s) => crop(s, cut, Infinity)));
      const config = await writeConfig(dir, graphite.url);
      const out = join(dir, "coarse.json");
      const got = await cli(["train", "--config", config, "--from", "-72h", "--out", out]);
      assert.equal(got.code, 0, got.stderr);
      assert.match(got.stderr, /train: graphite answered at a 300 s step, not the configured 1m/);
      const model = await readModel(out);
      assert.equal(model.trainedOn.step, 5 * MINUTE);
      assert.equal(model.trainedOn.series, SHARDS * AGGREGATORS);
    } finally {
      await graphite.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("train --data keeps reading CSV exports, --from -10d --until -1d counting back from their end", async () => {
  const dir = await Deno.makeTempDir({ prefix: "train-csv-" });
  const data = new URL("../data", import.meta.url).pathname;
  try {
    const out = join(dir, "m.json");
    const got = await cli(["train", "--data", data, "--from", "-10d", "--until", "-1d", "--out", out]);
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stderr, /^train: 36\/36 series from csv /m);
    const model = await readModel(out);
    // The sample ends 2026-11-23 23:00 (hourly): nine days back from a day before it.
    assert.equal(model.trainedOn.step, HOUR);
    assert.equal(model.trainedOn.series, 36);
    assert.equal(model.trainedOn.to, "2026-11-22T23:00:00.000Z");
    assert.equal(model.trainedOn.from, "2026-11-13T23:00:00.000Z");

    const none = await cli(["train", "--out", out]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^error: Cannot train: no source given: .*current value is none\n$/m);
    const missing = await cli(["train", "--data", data, "--from", "-2d", "--until", "--out", out]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error: Cannot parse flags: Option '--until' argument is ambiguous/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
