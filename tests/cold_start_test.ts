/**
 * End-to-end, issue 11's cold start: a real Graphite (carbon-cache + graphite-web on loopback) holding 72 h of
 * 1-minute data for 20 shards × 6 aggregators, no week of history. `deno task train --source graphite --from -72h`
 * learns from it, incidents included, as a user would on day 3; `deno task detect --from -24h` must then find the
 * stall, spike, flatline and dropout of the last day with at most 1 false event per 100 series-days. Then
 * `detect --cache DIR` twice, as cron would run it: the second run reads the kept series back, fetches only the
 * minutes since the first, and finds the same incidents.
 *
 * The fleet keeps reporting while the test runs (tests/support/feed_live.ts): fed once and left, every series
 * would stop at the same minute and the live edge would grow into a dropout of the whole fleet as the clock runs
 * on, the longer the busier the machine.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "./support/cli.ts";
import { requireGraphiteOrSkip, startGraphite } from "./support/graphite.ts";
import { feedLive } from "./support/feed_live.ts";
import { generateCorpus } from "../lib/synth/generate.ts";
import { crop } from "../lib/series/crop.ts";
import { logPOfScore } from "../lib/model/score_series.ts";

const MINUTE = 60_000, HOUR = 60 * MINUTE, DAY = 24 * HOUR;
const SHARDS = 20, AGGREGATORS = 6;
/** The corpus reaches this far past the clock; those points are fed as their minute comes. */
const AHEAD = 20 * MINUTE;

const cli = (args: string[]) => runCli(args, { net: true, allowEnv: ["GRAFANA_TOKEN"] });

interface Found {
  series: string;
  start: number;
  end: number;
  reasons: { detector: string }[];
}

Deno.test({
  name:
    "a cold start on a real Graphite: train --from -72h with the incidents in it, then detect --from -24h " +
    "finds the last day's stall, spike, flatline and dropout with ≤ 1 false event per 100 series-days",
  ...requireGraphiteOrSkip(),
  async fn() {
    const now = Math.floor(Date.now() / MINUTE) * MINUTE;
    const end = now + AHEAD;
    // 72 h back from the clock and an hour more, so that -72h finds data from its first minute.
    const gen = generateCorpus({
      shards: SHARDS,
      days: 3 + (AHEAD + HOUR) / DAY,
      step: MINUTE,
      end,
      seed: 23,
      weekly: false,
    });
    assert.equal(gen.series.length, SHARDS * AGGREGATORS);
    const dir = await Deno.makeTempDir({ prefix: "cold-start-" });
    const graphite = await startGraphite();
    let live: ReturnType<typeof feedLive> | undefined;
    try {
      const fed = await graphite.feedSeries(gen.series.map((s) => crop(s, s.start, now)));
      live = feedLive(graphite, gen.series, { from: now + MINUTE });
      const config = join(dir, "config.json");
      await Deno.writeTextFile(
        config,
        JSON.stringify({
          source: "graphite",
          url: graphite.url,
          machines: { prefix: "n", from: 200, to: 200 + SHARDS - 1, suffix: "-primary-meraki-com" },
        }),
      );

      const modelFile = join(dir, "model.json");
      const trained = await cli(["train", "--config", config, "--from", "-72h", "--out", modelFile]);
      assert.equal(trained.code, 0, trained.stderr);
      const model = JSON.parse(await Deno.readTextFile(modelFile));
      assert.equal(model.trainedOn.series, SHARDS * AGGREGATORS);
      assert.equal(model.trainedOn.step, MINUTE);
      const strict = -logPOfScore(model.families.presence.thresholds.strict, model.ensemble.digits);
      const span = Date.parse(model.trainedOn.to) - Date.parse(model.trainedOn.from);
      assert.ok(
        span > 71 * HOUR && span <= 72 * HOUR,
        `trained on ${model.trainedOn.from} .. ${model.trainedOn.to}`,
      );

      const detect = async (out: string, ...more: string[]) => {
        const got = await cli(["detect", "--config", config, "--model", modelFile, ...more, "--out", out]);
        assert.equal(got.code, 0, got.stderr);
        return { stderr: got.stderr, ...found(await Deno.readTextFile(out)) };
      };
      const found = (text: string) => {
        const { run, anomalies } = JSON.parse(text) as {
          run: { answered: number; window: { from: string; until: string } };
          anomalies: Found[];
        };
        assert.equal(run.answered, SHARDS * AGGREGATORS);
        return { run, anomalies, from: Date.parse(run.window.from), until: Date.parse(run.window.until) };
      };
      const { run, anomalies, from, until } = await detect(join(dir, "anomalies.json"), "--from", "-24h");

      // Every labelled incident of the scored window: the generator plants one of each kind in the last 24 h.
      const labels = gen.labels.filter((l) => l.end >= from && l.start <= until);
      assert.deepEqual(labels.map((l) => l.kind).sort(), ["dropout", "flatline", "spike", "stall"]);
      const matches = (a: Found, l: (typeof labels)[number]) =>
        a.series === l.series && a.start <= l.end + 6 * HOUR && a.end >= l.start - HOUR;
      const describe = (a: Found) =>
        `${a.series} ${new Date(a.start).toISOString()} .. ${new Date(a.end).toISOString()} (${
          a.reasons.map((r) => r.detector).join(", ")
        })`;
      const missed = labels.filter((l) => !anomalies.some((a) => matches(a, l)));
      assert.deepEqual(
        missed.map((l) => `${l.kind} on ${l.series} at ${new Date(l.start).toISOString()}`),
        [],
        `missed with a strict threshold of ${strict.toFixed(1)} ` +
          `decades; found: ${anomalies.map(describe).join("; ") || "nothing"}`,
      );

      // Exposure: every series answered, scored over the window.
      const seriesDays = (run.answered * (until - from)) / DAY;
      const falseEvents = anomalies.filter((a) => !labels.some((l) => matches(a, l)));
      assert.ok(
        falseEvents.length <= Math.floor(seriesDays / 100),
        `${falseEvents.length} false events in ${seriesDays.toFixed(0)} series-days: ${
          falseEvents.map(describe).join("; ")
        }`,
      );
      // Run from cron with a cache: the first run keeps what it fetched, the next one reads it back, fetches only
      // the minutes since, and finds the same incidents.
      const cacheDir = join(dir, "cache");
      const first = await detect(join(dir, "cached1.json"), "--cache", cacheDir);
      assert.match(first.stderr, /history cache: the whole range fetched \(\d+ points\), [\d.]+ MB kept in /);
      const second = await detect(join(dir, "cached2.json"), "--cache", cacheDir);
      const line = second.stderr.match(
        /history cache: (\d+) series read back from .*, (\d+) new points fetched/,
      );
      assert.ok(line, second.stderr);
      assert.equal(Number(line[1]), SHARDS * AGGREGATORS);
      assert.ok(
        Number(line[2]) <= SHARDS * AGGREGATORS * 30,
        `${line[2]} points fetched: more than the new minutes`,
      );
      for (const [name, r] of [["first", first], ["second", second]] as const) {
        const lost = labels.filter((l) => !r.anomalies.some((a) => matches(a, l)));
        assert.deepEqual(lost.map((l) => l.kind), [], `the ${name} run with the cache`);
        const extra = r.anomalies.filter((a) => !labels.some((l) => matches(a, l)));
        assert.ok(
          extra.length <= Math.floor(seriesDays / 100),
          `the ${name} run: ${extra.map(describe).join("; ")}`,
        );
      }
      console.log(
        `cold start: fed ${fed.points} points in ${(fed.feedMs / 1000).toFixed(1)} s (+${
          (fed.flushMs / 1000).toFixed(1)
        } s to whisper), ${await live.stop()} more as the clock ran; strict threshold ${
          strict.toFixed(2)
        } decades; ${labels.length}/${labels.length} labels found, ${falseEvents.length} false events in ${
          seriesDays.toFixed(0)
        } series-days; then from cron with --cache: ${line[0]}`,
      );
    } finally {
      await live?.stop();
      await graphite.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
