/**
 * End-to-end: the live sources against a real Graphite (carbon-cache + graphite-web under gunicorn, started here
 * on loopback) fed 100 shards × 6 aggregators × 72 h at 60 s through carbon's plaintext port, directly and
 * through a Grafana stand-in (datasource proxy and `/api/ds/query`).
 */
import assert from "node:assert/strict";
import { runCli } from "./support/cli.ts";
import { generateCorpus } from "../lib/synth/generate.ts";
import { fleetModel } from "./support/fleet_model.ts";
import { PRESENCE_AGGREGATORS } from "../lib/presence.ts";
import type { Series } from "../lib/series/types.ts";
import { fetchGraphite } from "../lib/sources/graphite.ts";
import { fetchFleet } from "../lib/sources/fetch_fleet.ts";
import { fetchGrafanaQuery } from "../lib/sources/grafana_query.ts";
import { requireGraphiteOrSkip, startGraphite } from "./support/graphite.ts";
import { startGrafanaStandin } from "./support/grafana_standin.ts";
import { join } from "node:path";
import { saveModel } from "../lib/model/save_model.ts";

/** Runs the real CLI with network access to loopback only. */
const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { env, net: true, allowEnv: ["GRAFANA_TOKEN"] });

const HOUR = 3_600_000;
const STEP = 60_000;

/** Asserts that every fetched series equals the fed one, point for point; returns the points compared. */
function assertSameAsFed(fetched: Series[], fed: Map<string, Series>, what: string): number {
  let points = 0;
  for (const s of fetched) {
    const want = fed.get(s.key);
    assert.ok(want, `${what}: unexpected series ${s.key}`);
    assert.equal(s.step, want.step, `${what}: step of ${s.key}`);
    assert.equal(s.start, want.start, `${what}: start of ${s.key}`);
    assert.equal(s.values.length, want.values.length, `${what}: points of ${s.key}`);
    assert.deepEqual(s.labels, { machine: want.labels.machine, aggregator: want.labels.aggregator }, what);
    for (let i = 0; i < want.values.length; i++) {
      const a: number = s.values[i], b: number = want.values[i];
      if (!(Number.isNaN(a) && Number.isNaN(b)) && a !== b) {
        assert.fail(`${what}: ${s.key}[${i}] is ${a}, fed ${b}`);
      }
      if (!Number.isNaN(b)) points++;
    }
  }
  return points;
}

Deno.test({
  name: "live sources return exactly what was fed to a real Graphite, directly and through Grafana's APIs",
  ...requireGraphiteOrSkip(),
  async fn(t) {
    const t0 = performance.now();
    // Tests may read the clock (lib/ never does): whisper keeps 7 days back from now.
    const end = Math.floor(Date.now() / HOUR) * HOUR;
    // No weekly rhythm: Graphite holds only 72 h here, so the seasonal detectors have the 1-day lag alone, and a
    // Monday compared with a Sunday would make the outcome depend on the day the test runs.
    const corpus = generateCorpus({ shards: 100, days: 3, step: STEP, end, seed: 4, weekly: false });
    const fed = new Map(corpus.series.map((s) => [s.key, s]));
    const present = new Map(
      corpus.series.map((s) => [s.key, s.values.filter((v) => !Number.isNaN(v)).length]),
    );
    const totalPoints = [...present.values()].reduce((a, b) => a + b, 0);
    const machines = [...new Set(corpus.series.map((s) => s.labels.machine))];
    const aggregators = [...PRESENCE_AGGREGATORS];
    assert.equal(corpus.series.length, 600);
    assert.ok(totalPoints > 2_500_000, `fed points: ${totalPoints}`);
    // Graphite's first point is the first slot after `from`, its last the slot of `until`.
    const from = corpus.series[0].start - 1000;
    const until = end - 1000;

    const graphite = await startGraphite();
    const grafana = startGrafanaStandin(graphite.url);
    const timings: Record<string, number> = { startMs: Math.round(graphite.startMs) };
    try {
      const feeding = await graphite.feedSeries(corpus.series);
      assert.equal(feeding.points, totalPoints);
      timings.feedMs = Math.round(feeding.feedMs);
      timings.flushMs = Math.round(feeding.flushMs);
      timings.linesPerSecond = Math.round(totalPoints / ((timings.feedMs + timings.flushMs) / 1000));

      const direct = { baseUrl: graphite.url, from, until };
      const proxy = {
        baseUrl: `${grafana.url}/api/datasources/proxy/uid/${grafana.uid}`,
        token: grafana.token,
      };

      await t.step("fetchGraphite: one target per series and wildcards give the fed values", async () => {
        const some = corpus.series.slice(0, 30).map((s) => s.key);
        const one = await fetchGraphite(some, direct);
        assert.deepEqual(one.failures, []);
        assert.equal(one.requests, 30);
        assert.equal(one.series.length, 30);
        assertSameAsFed(one.series, fed, "per-series");
        const stars = aggregators.map((a) => `statsd.*.gauges.aggregator.agg_length_behind_ratio.${a}`);
        const all = await fetchGraphite(stars, direct);
        assert.deepEqual(all.failures, []);
        assert.equal(all.requests, 6);
        assert.equal(all.series.length, 600);
        assert.equal(assertSameAsFed(all.series, fed, "wildcard"), totalPoints);
      });

      await t.step(
        "fetchFleet: 600 series in 6 brace-list requests, direct and through the proxy, in raw, pickle and JSON",
        async () => {
          for (
            const [name, options] of [
              ["direct", direct],
              ["proxy", { ...direct, ...proxy }],
              ["direct_pickle", { ...direct, format: "pickle" }],
              ["proxy_pickle", { ...direct, ...proxy, format: "pickle" }],
              ["direct_json", { ...direct, format: "json" }],
            ] as const
          ) {
            const tq = performance.now();
            const out = await fetchFleet({ machines, aggregators }, options);
            timings[`fleet_${name}_ms`] = Math.round(performance.now() - tq);
            assert.deepEqual([out.asked, out.answered, out.failed], [600, 600, 0], name);
            assert.ok(out.requests <= 6, `${name}: ${out.requests} requests`);
            assert.deepEqual(out.fallbacks, []);
            assert.ok(out.entries.every((e) => e.status === "answered" && e.via === "wildcard"));
            assert.equal(assertSameAsFed(out.series, fed, `fleet ${name}`), totalPoints);
          }
          // `*` instead of a brace list, over the last 2 hours only (the request shape is what is tested here).
          const star = await fetchFleet({ machines, aggregators }, {
            ...direct,
            from: until - 2 * HOUR,
            wildcard: "star",
          });
          assert.deepEqual([star.answered, star.requests], [600, 6]);
          assert.ok(star.series.every((s) => s.values.length === 120));
        },
      );

      await t.step("fetchGrafanaQuery: /api/ds/query frames give the fed values", async () => {
        const stars = aggregators.map((a) => `statsd.*.gauges.aggregator.agg_length_behind_ratio.${a}`);
        const tq = performance.now();
        const out = await fetchGrafanaQuery(stars, {
          baseUrl: grafana.url,
          uid: grafana.uid,
          token: grafana.token,
          from,
          until,
        });
        timings.grafana_query_ms = Math.round(performance.now() - tq);
        assert.deepEqual(out.failures, []);
        assert.equal(out.requests, 1);
        assert.equal(out.series.length, 600);
        assert.equal(assertSameAsFed(out.series, fed, "ds/query"), totalPoints);
        const single = await fetchGrafanaQuery([corpus.series[7].key, "statsd.nosuch.gauges.x"], {
          baseUrl: grafana.url,
          uid: grafana.uid,
          token: grafana.token,
          from,
          until,
        });
        assertSameAsFed(single.series, fed, "ds/query single");
        assert.equal(single.series.length, 1);
        assert.deepEqual(single.failures.map((f) => [f.target, f.kind]), [[
          "statsd.nosuch.gauges.x",
          "no-data",
        ]]);
      });

      await t.step(
        "a wrong token is a 401 failure and the token appears nowhere in the results",
        async () => {
          const secret = "wrong-token-5f1d8c2e";
          const g = await fetchGraphite([corpus.series[0].key], { ...direct, ...proxy, token: secret });
          assert.deepEqual(g.failures.map((f) => [f.kind, f.status]), [["http", 401]]);
          assert.equal(g.requests, 1, "no retry on 4xx");
          const fleet = await fetchFleet({ machines, aggregators }, { ...direct, ...proxy, token: secret });
          assert.deepEqual([fleet.answered, fleet.failed, fleet.requests], [0, 600, 6]);
          assert.ok(fleet.entries.every((e) => e.kind === "http" && /401/.test(e.reason ?? "")));
          const q = await fetchGrafanaQuery([corpus.series[0].key], {
            baseUrl: grafana.url,
            uid: grafana.uid,
            token: secret,
            from,
            until,
          });
          assert.deepEqual(q.failures.map((f) => [f.kind, f.status]), [["http", 401]]);
          for (const result of [g, fleet, q]) assert.ok(!JSON.stringify(result).includes(secret));
          const none = await fetchGraphite([corpus.series[0].key], { ...direct, ...proxy, token: undefined });
          assert.equal(none.failures[0].status, 401);
        },
      );

      await t.step("unknown targets and absent machines are recorded as no data", async () => {
        const out = await fetchGraphite(["statsd.nosuch.gauges.x", corpus.series[3].key], direct);
        assert.equal(out.series.length, 1);
        assert.deepEqual(out.failures.map((f) => [f.target, f.kind]), [[
          "statsd.nosuch.gauges.x",
          "no-data",
        ]]);
        const fleet = await fetchFleet({
          machines: [...machines.slice(0, 3), "n999-primary-meraki-com"],
          aggregators,
        }, {
          ...direct,
          ...proxy,
        });
        assert.deepEqual([fleet.asked, fleet.answered, fleet.failed, fleet.requests], [24, 18, 6, 6]);
        const missing = fleet.entries.filter((e) => e.status === "failed");
        assert.ok(missing.every((e) => e.machine === "n999-primary-meraki-com" && e.kind === "no-data"));
        const q = await fetchGrafanaQuery([corpus.series[0].key], {
          baseUrl: grafana.url,
          uid: "no-such-uid",
          token: grafana.token,
          from,
          until,
        });
        assert.deepEqual(q.failures.map((f) => [f.kind, f.status]), [["query", 404]]);
      });

      await t.step(
        "a 500 page is recorded for its target only; a failed wildcard falls back per series",
        async () => {
          const bad = `movingAverage(${corpus.series[0].key})`; // a missing argument: graphite-web answers 500 HTML
          const noWait = { sleep: () => Promise.resolve(), retries: 1 };
          const out = await fetchGraphite([bad, corpus.series[1].key], { ...direct, ...noWait });
          assert.equal(out.series.length, 1);
          assertSameAsFed(out.series, fed, "beside a 500");
          assert.deepEqual(out.failures.map((f) => [f.target, f.kind, f.status]), [[bad, "http", 500]]);
          assert.match(
            out.failures[0].reason,
            /HTTP 500.*Graphite encountered an unexpected error.*2 attempts/,
          );
          assert.equal(out.requests, 3, "one retry for the 500, none for the good target");

          // Both attempts of one aggregator's wildcard request fail: that aggregator falls back to 100 requests.
          grafana.inject({ status: 500, count: 2, path: `agg_length_behind_ratio.${aggregators[2]}&` });
          const fleet = await fetchFleet({ machines, aggregators }, {
            ...direct,
            ...proxy,
            ...noWait,
          });
          assert.deepEqual([fleet.answered, fleet.failed], [600, 0]);
          assert.deepEqual(fleet.fallbacks.map((f) => f.aggregator), [aggregators[2]]);
          assert.match(fleet.fallbacks[0].reason, /HTTP 500/);
          assert.equal(fleet.entries.filter((e) => e.via === "single").length, 100);
          assert.equal(fleet.requests, 2 + 5 + 100);
          assert.equal(assertSameAsFed(fleet.series, fed, "fleet after fallback"), totalPoints);
        },
      );
      await t.step(
        "deno task detect and hydrate against Graphite, directly and through Grafana",
        async () => {
          const tmp = await Deno.makeTempDir({ prefix: "graphite-cli-" });
          try {
            // A model of the same fleet's normal behaviour at the same step, from other (synthetic) history; the
            // seasonal lag may use the 1-day lag alone, since Graphite holds only 72 h here.
            const model = join(tmp, "model.json");
            await saveModel(fleetModel(end, { shards: 6, days: 16, gapDays: 4 }), model);
            const base = {
              machines,
              aggregators,
              model,
              lookback: "24h",
              history: "47h",
              timeout: "20s",
            };
            const write = async (name: string, config: Record<string, unknown>) => {
              const path = join(tmp, name);
              await Deno.writeTextFile(path, JSON.stringify(config));
              return path;
            };
            const untilIso = new Date(end - STEP).toISOString();
            const direct = await write("direct.json", { ...base, source: "graphite", url: graphite.url });
            const out = join(tmp, "anomalies.json");
            const res = await cli(["detect", "--config", direct, "--until", untilIso, "--out", out]);
            assert.equal(res.code, 0, res.stderr);
            const detected = JSON.parse(await Deno.readTextFile(out));
            assert.deepEqual([detected.run.asked, detected.run.answered, detected.run.failed], [600, 600, 0]);
            assert.ok(detected.run.requests <= 12, `wildcard requests: ${detected.run.requests}`);
            const windowStart = end - STEP - 24 * HOUR;
            const recent = corpus.labels.filter((l) => l.end >= windowStart);
            assert.ok(recent.length >= 3, `labels in the last day: ${recent.length}`);
            const matches = (a: { series: string; start: number; end: number }) =>
              corpus.labels.some((l) =>
                l.series === a.series && a.start <= l.end + 6 * HOUR && a.end >= l.start - HOUR
              );
            for (const l of recent) {
              assert.ok(
                detected.anomalies.some((a: { series: string; start: number; end: number }) =>
                  a.series === l.series && a.start <= l.end + 6 * HOUR && a.end >= l.start - HOUR
                ),
                `${l.kind} on ${l.series} at ${new Date(l.start).toISOString()} was not found`,
              );
            }
            const falseEvents = detected.anomalies.filter((
              a: { series: string; start: number; end: number },
            ) => !matches(a));
            assert.ok(falseEvents.length <= 6, `false events over 600 series × 24 h: ${falseEvents.length}`);
            console.log(
              `live detect: ${detected.anomalies.length} anomalies, ${recent.length} labels in the window all found, ` +
                `${falseEvents.length} false events over 600 series`,
            );
            for (const a of detected.anomalies) {
              assert.ok(
                a.start >= windowStart - 24 * HOUR && a.start <= end,
                `event time ${a.timestamp} is when it happened`,
              );
            }

            // Hydration from the same source matches what Graphite holds (the fed values).
            const hydrated = join(tmp, "hydrated.json");
            const h = await cli(["hydrate", "--in", out, "--out", hydrated]);
            assert.equal(h.code, 0, h.stderr);
            const records = JSON.parse(await Deno.readTextFile(hydrated)).anomalies;
            assert.equal(records.length, detected.anomalies.length);
            for (const r of records) {
              const s = fed.get(r.series)!;
              const vals: number[] = [];
              for (let i = 0; i < s.values.length; i++) {
                const t = s.start + i * s.step;
                if (t >= r.context.from && t <= r.context.to && !Number.isNaN(s.values[i])) {
                  vals.push(s.values[i]);
                }
              }
              assert.equal(r.error, undefined);
              assert.equal(r.max_value, Number(Math.max(...vals).toPrecision(6)), `max of ${r.series}`);
              const avg = vals.reduce((a, b) => a + b, 0) / vals.length;
              assert.ok(Math.abs(r.avg_value - avg) <= 1e-5 * Math.abs(avg), `avg of ${r.series}`);
            }

            // Through Grafana's datasource proxy and /api/ds/query: the same anomalies; the token only from the env.
            for (const source of ["grafana", "grafana-query"]) {
              const cfg = await write(`${source}.json`, {
                ...base,
                source,
                url: grafana.url,
                datasourceUid: grafana.uid,
              });
              const o = join(tmp, `${source}.json.out`);
              const r = await cli(["detect", "--config", cfg, "--until", untilIso, "--out", o], {
                GRAFANA_TOKEN: grafana.token,
              });
              assert.equal(r.code, 0, r.stderr);
              const got = JSON.parse(await Deno.readTextFile(o));
              assert.deepEqual(
                got.anomalies.map((a: { series: string; start: number }) => `${a.series}@${a.start}`),
                detected.anomalies.map((a: { series: string; start: number }) => `${a.series}@${a.start}`),
                source,
              );
              const wrong = await cli(["detect", "--config", cfg, "--until", untilIso, "--out", o], {
                GRAFANA_TOKEN: "wrong-token-value",
              });
              assert.equal(wrong.code, 1, `${source}: no series answered with a wrong token`);
              const text = wrong.stderr + wrong.stdout + await Deno.readTextFile(o);
              assert.ok(
                !text.includes("wrong-token-value") && !text.includes(grafana.token),
                "no token in any output",
              );
              assert.match(await Deno.readTextFile(o), /401/);
            }

            // Some series unknown: exit 2, each failure recorded with its reason.
            const partial = await write("partial.json", {
              ...base,
              source: "graphite",
              url: graphite.url,
              machines: [machines[0], "n999-primary-meraki-com"],
            });
            const p = await cli(["detect", "--config", partial, "--until", untilIso, "--out", out]);
            assert.equal(p.code, 2, p.stderr);
            const run = JSON.parse(await Deno.readTextFile(out)).run;
            assert.deepEqual([run.asked, run.answered, run.failed], [12, 6, 6]);
            assert.ok(
              run.failures.every((f: { series: string; kind: string }) =>
                f.series.includes("n999") && f.kind === "no-data"
              ),
            );
          } finally {
            await Deno.remove(tmp, { recursive: true });
          }
        },
      );
      await t.step(
        "faults: graphite-web stopped mid-run, a slow answer, a 500 page, malformed JSON",
        async () => {
          const tmp = await Deno.makeTempDir({ prefix: "graphite-faults-" });
          try {
            const model = join(tmp, "model.json");
            await saveModel(fleetModel(end, { shards: 2, days: 10, gapDays: 4, recent: true }), model);
            const untilIso = new Date(end - STEP).toISOString();
            const config = join(tmp, "proxy.json");
            const writeConfig = (timeoutMs: number) =>
              Deno.writeTextFile(
                config,
                JSON.stringify({
                  machines,
                  aggregators,
                  model,
                  source: "grafana",
                  url: grafana.url,
                  datasourceUid: grafana.uid,
                  lookback: "24h",
                  history: "47h",
                  timeout: `${timeoutMs / 1000}s`,
                  retries: 0,
                  concurrency: 64,
                }),
              );
            const run = async (name: string) => {
              const out = join(tmp, `${name}.json`);
              const t = performance.now();
              const r = await cli(["detect", "--config", config, "--until", untilIso, "--out", out], {
                GRAFANA_TOKEN: grafana.token,
              });
              const file = JSON.parse(await Deno.readTextFile(out)); // the output is valid JSON whatever happened
              return { ...r, file, ms: performance.now() - t };
            };
            // The request timeout comes from this machine's own answer time, measured now (with the load it has
            // now): a whole clean run, which holds every one of the six wildcard answers, times five, at least
            // 5 s. No answer here is meant to time out but the held ones below, whatever else the machine does.
            await writeConfig(60_000);
            const clean = await run("clean");
            assert.equal(clean.code, 0, clean.stderr);
            assert.deepEqual([clean.file.run.answered, clean.file.run.failed], [600, 0]);
            const timeoutMs = 1000 * Math.max(5, Math.ceil((5 * clean.ms) / 1000));
            await writeConfig(timeoutMs);
            timings.faultsTimeoutMs = timeoutMs;
            const agg = (k: number) => `agg_length_behind_ratio.${aggregators[k]}`;
            // Each fault hits one aggregator (its wildcard request and the per-series fallback): 100 series fail,
            // the 500 others are scored, and every failure is in the output with its reason.
            const cases: Array<[string, () => void, RegExp, string]> = [
              [
                "500",
                () => grafana.inject({ path: agg(2) + "&", status: 500, count: 1000 }),
                /HTTP 500/,
                "http",
              ],
              [
                "malformed",
                () => grafana.inject({ path: agg(3) + "&", malformed: true, count: 1000 }),
                /./,
                "malformed",
              ],
            ];
            for (const [name, fault, reason, kind] of cases) {
              fault();
              const r = await run(name);
              assert.equal(r.code, 2, `${name}: ${r.stderr}`);
              assert.deepEqual(
                [r.file.run.asked, r.file.run.answered, r.file.run.failed],
                [600, 500, 100],
                `${name}: ${
                  JSON.stringify(r.file.run.failures.filter((f: { kind: string }) => f.kind !== kind))
                }`,
              );
              assert.equal(r.file.run.failures.length, 100, name);
              for (const f of r.file.run.failures) {
                assert.equal(f.kind, kind, `${name}: ${JSON.stringify(f)}`);
                assert.match(f.reason, reason, name);
              }
              assert.ok(Array.isArray(r.file.anomalies), name);
              grafana.clearFaults();
            }
            // An answer that never comes in time: that aggregator's wildcard request is held (by the stand-in,
            // until the run is over) past the timeout, abandoned, and its series fetched one by one; nothing is
            // lost and the fallback is reported with its reason. Under load another wildcard may be slow enough
            // to fall back too: that is allowed, as long as nothing is lost.
            const never = Promise.withResolvers<void>();
            grafana.inject({ path: agg(1) + "&", until: never.promise, count: 1 });
            const slow = await run("slow").finally(() => never.resolve());
            grafana.clearFaults();
            assert.equal(slow.code, 0, slow.stderr);
            assert.deepEqual([slow.file.run.answered, slow.file.run.failed], [600, 0]);
            const slowFallback = slow.file.run.fallbacks.find((f: { aggregator: string }) =>
              f.aggregator === aggregators[1]
            );
            assert.ok(
              slowFallback,
              `the held aggregator fell back: ${JSON.stringify(slow.file.run.fallbacks)}`,
            );
            assert.match(slowFallback.reason, /tim/i);
            assert.ok(slow.ms >= timeoutMs, `the run waited for the timeout: ${slow.ms} ms`);
            // graphite-web goes away while a request is in flight: what was answered is kept, the rest recorded.
            // Every request for one aggregator (its wildcard one and any per-series fallback) is held by the
            // stand-in until graphite-web has stopped, so that aggregator's 100 series fail by the order of
            // events, not by a race with the clock; the other five may be answered or not.
            const gate = Promise.withResolvers<void>();
            grafana.inject({ path: agg(4) + "&", until: gate.promise, count: Number.MAX_SAFE_INTEGER });
            const before = grafana.requests.length;
            const pending = run("stopped");
            try {
              while (grafana.requests.length < before + 6) {
                await new Promise((resolve) => setTimeout(resolve, 20));
              }
              await graphite.stopWeb();
            } finally {
              gate.resolve();
            }
            const stopped = await pending;
            grafana.clearFaults();
            await graphite.startWeb();
            assert.ok(stopped.code === 2 || stopped.code === 1, `${stopped.code}: ${stopped.stderr}`);
            const r = stopped.file.run;
            assert.equal(r.answered + r.failed, 600);
            assert.ok(
              r.failed >= 100,
              `failed ${r.failed}: ${JSON.stringify(r.failures.slice(0, 3))}, fallbacks ${
                JSON.stringify(r.fallbacks)
              }`,
            );
            assert.ok(
              r.failures.filter((f: { series: string }) => f.series.endsWith(`.${aggregators[4]}`)).length ===
                100,
              "every series of the held aggregator failed",
            );
            assert.equal(r.failures.length, r.failed);
            assert.ok(r.failures.every((f: { reason: string }) => f.reason.length > 0));
            // And back to normal.
            const again = await run("again");
            assert.equal(again.code, 0, again.stderr);
          } finally {
            await Deno.remove(tmp, { recursive: true });
          }
        },
      );
    } finally {
      await grafana.stop();
      const ts = performance.now();
      await graphite.stop();
      timings.stopMs = Math.round(performance.now() - ts);
      timings.totalMs = Math.round(performance.now() - t0);
      console.log(`graphite e2e timings: ${JSON.stringify(timings)}`);
    }
  },
});
