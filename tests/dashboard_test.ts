/**
 * End-to-end: `deno task dashboard` as a real process. Every query of the dashboard it writes runs against a real
 * graphite-web holding the written tree (fed through carbon's plaintext port at the paths `writeBackPath` gives,
 * the written tree's writer being another part), with the variables filled the way Grafana fills them
 * (`/metrics/find`, first values, glob formatting for several); `--push` against the Grafana stand-in.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "./support/cli.ts";
import { requireGraphiteOrSkip, startGraphite } from "./support/graphite.ts";
import { startGrafanaStandin } from "./support/grafana_standin.ts";
import { interpolate, resolveVariables, type Selection } from "./support/grafana_templating.ts";
import { fleetModel } from "./support/fleet_model.ts";
import { saveModel } from "../lib/model/save_model.ts";
import { compileTemplate } from "../lib/series/template.ts";
import { WRITE_BACK_FIELDS, writeBackPath } from "../lib/writeback/metric_path.ts";
import type { GrafanaDashboard } from "../lib/dashboard/types.ts";
import type { GrafanaAlertRules } from "../lib/dashboard/grafana_alert_rules.ts";

const MINUTE = 60_000;

/** One written value per field, so a rendered series says which field it came from. */
const FIELD_VALUE: Record<string, number> = { score: 0.5, expected: 2, lower: 1, upper: 3, anomalous: 0 };
const SOURCE_VALUE = 2.25;

interface Fleet {
  name: string;
  config: Record<string, unknown>;
  machines: string[];
  /** Aggregators written (a subset of the config's, as a live tree may hold). */
  written: string[];
  family: string;
  prefix: string;
}

const FLEETS: Fleet[] = [
  {
    name: "presence aggregators (two nodes, one parent): find queries",
    config: { dashboard: { uid: "presence-anomaly" } },
    machines: ["n200-primary-meraki-com", "n201-primary-meraki-com", "n202-primary-meraki-com"],
    written: [
      "ProbeTablesAggregator.node_tag_cmx_probe_hll_hour",
      "ProbeTablesAggregator.network_tag_node_tag_cmx_probe_counts_by_ssid_day_utc",
    ],
    family: "presence",
    prefix: "anomaly",
  },
  {
    name: "mixed depths (one, two and three nodes), dotted prefix: the configured list",
    config: {
      family: "lag",
      aggregators: ["ProbeTablesAggregator.node_tag_cmx_probe_hll_hour", "Solo", "Deep.er.agg"],
      template: "servers.{machine}.lag.{aggregator}",
      writeBack: { prefix: "ad.scores" },
      dashboard: { uid: "lag-anomaly" },
    },
    machines: ["web-1", "web-2"],
    written: ["ProbeTablesAggregator.node_tag_cmx_probe_hll_hour", "Solo", "Deep.er.agg"],
    family: "lag",
    prefix: "ad.scores",
  },
];

/** graphite-web's render API as Grafana calls it (POST, form body, JSON). */
async function render(
  url: string,
  target: string,
): Promise<{ target: string; datapoints: [number | null, number][] }[]> {
  const res = await fetch(`${url}/render`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ target, from: "-3h", until: "now", format: "json" }).toString(),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `render ${target}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

const values = (s: { datapoints: [number | null, number][] }) =>
  s.datapoints.map((p) => p[0]).filter((v): v is number => v !== null);

Deno.test({
  name:
    "every query of the generated dashboard returns the written data from a real graphite-web, variables filled as Grafana does",
  ...requireGraphiteOrSkip(),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dashboard-graphite-" });
    const graphite = await startGraphite({ database: true });
    try {
      const now = Math.floor(Date.now() / MINUTE) * MINUTE;
      const model = join(tmp, "model.json");
      await saveModel(fleetModel(now, { shards: 1, days: 3 }), model);
      const lines: string[] = [];
      const expected = new Map<string, number>();
      for (const fleet of FLEETS) {
        const template = compileTemplate(
          (fleet.config.template as string | undefined) ??
            "statsd.{machine}.gauges.aggregator.agg_length_behind_ratio.{aggregator}",
        );
        for (const machine of fleet.machines) {
          for (const aggregator of fleet.written) {
            const labels = { machine, aggregator };
            const paths = [
              ...WRITE_BACK_FIELDS.map((f) =>
                [
                  writeBackPath({ key: "", labels, family: fleet.family }, f, { prefix: fleet.prefix }),
                  f,
                ] as const
              ),
              [template.render(labels), "source"] as const,
            ];
            for (const [path, field] of paths) {
              for (let i = 0; i < 120; i++) {
                lines.push(
                  `${path} ${field === "source" ? SOURCE_VALUE : FIELD_VALUE[field]} ${
                    (now - i * MINUTE) / 1000
                  }`,
                );
              }
              expected.set(path, 120);
            }
          }
        }
      }
      await graphite.feed(lines);
      await graphite.waitForFlush(expected);

      for (const fleet of FLEETS) {
        await t.step(fleet.name, async () => {
          const config = join(tmp, `${fleet.family}.json`), out = join(tmp, `${fleet.family}-dashboard.json`);
          const rules = join(tmp, `${fleet.family}-rules.json`);
          await Deno.writeTextFile(
            config,
            JSON.stringify({
              ...fleet.config,
              dashboard: { ...(fleet.config.dashboard as object), datasourceUid: "graphite" },
            }),
          );
          const withModel = fleet.family === "presence";
          const args = ["dashboard", "--config", config, "--out", out];
          if (withModel) args.push("--model", model, "--alert-rules", rules, "--alert-for", "15m");
          const cli = await runCli(args);
          assert.equal(cli.code, 0, cli.stderr);
          const dashboard: GrafanaDashboard = JSON.parse(await Deno.readTextFile(out));

          // The variables, as Grafana fills them: machines and aggregators of the written tree.
          const { options, finds } = await resolveVariables(dashboard.templating.list, graphite.url, {
            from: "-3h",
            until: "now",
          });
          assert.deepEqual(options.get("machine"), [...fleet.machines].sort());
          const aggVar = dashboard.templating.list.find((v) => v.name === "aggregator")!;
          const aggOptions = options.get("aggregator")!;
          if (fleet.family === "presence") {
            assert.equal(aggVar.type, "query");
            assert.equal(finds.length, 2, "two find queries: machines, then the shard's aggregators");
            assert.deepEqual(aggOptions, fleet.written.map((a) => a.split(".")[1]).sort());
          } else {
            assert.equal(aggVar.type, "custom");
            assert.deepEqual(aggOptions, fleet.written);
          }

          // Every target of every panel, for All, the first aggregator, and the first two (a glob).
          const selectionsFor = (agg: Selection) =>
            new Map<string, Selection>([
              ["machine", { values: [options.get("machine")![0]], all: false }],
              ["aggregator", agg],
              ["datasource", { values: ["graphite"], all: false }],
            ]);
          const cases: [string, Selection][] = [
            ["All", { values: aggOptions, all: true, allValue: aggVar.allValue }],
            ["first", { values: [aggOptions[0]], all: false }],
            ["first two", { values: aggOptions.slice(0, 2), all: false }],
          ];
          let queries = 0;
          for (const [label, agg] of cases) {
            for (const panel of dashboard.panels) {
              const clones = panel.repeat === "aggregator"
                ? agg.values.map((v) => ({ values: [v], all: false }))
                : [agg];
              for (const clone of clones) {
                for (const target of panel.targets) {
                  assert.equal(target.datasource.uid, "${datasource}");
                  const query = interpolate(target.target, selectionsFor(clone));
                  assert.doesNotMatch(query, /\$|\[\[/, `uninterpolated variable in ${query}`);
                  const series = await render(graphite.url, query);
                  queries++;
                  assert.ok(series.length > 0, `${label}, panel ${panel.title}: no series for ${query}`);
                  for (const s of series) {
                    assert.ok(values(s).length >= 60, `${label}: ${query} → ${s.target} holds no data`);
                  }
                  if (panel.type === "state-timeline") {
                    // One row per shard: the groupByNode index is the machine's node.
                    assert.deepEqual(series.map((s) => s.target).sort(), [...fleet.machines].sort(), query);
                    assert.ok(series.every((s) => values(s).every((v) => v === FIELD_VALUE.score)), query);
                  } else {
                    const [name] = series.map((s) => s.target);
                    const want = name === "value" ? SOURCE_VALUE : FIELD_VALUE[name];
                    assert.ok(want !== undefined, `unexpected alias ${name} of ${query}`);
                    assert.ok(values(series[0]).every((v) => v === want), `${query}: ${name} ≠ ${want}`);
                  }
                }
              }
            }
          }
          assert.ok(queries >= 20, `queries run: ${queries}`);

          if (withModel) {
            // The alert rule's query too: one series per shard and aggregator, named by them.
            const provisioning: GrafanaAlertRules = JSON.parse(await Deno.readTextFile(rules));
            const rule = provisioning.groups[0].rules[0] as {
              data: { refId: string; model: { target?: string } }[];
              for: string;
            };
            assert.equal(rule.for, "15m");
            const series = await render(graphite.url, rule.data[0].model.target!);
            assert.deepEqual(
              series.map((s) => s.target).sort(),
              fleet.machines.flatMap((m) => fleet.written.map((a) => `${m}.${a}`)).sort(),
            );
          }
        });
      }
    } finally {
      await graphite.stop();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test("dashboard --push saves it in Grafana by uid with the token, which appears in no output", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "dashboard-push-" });
  const token = "glsa_push-token-5f0c2e91";
  const grafana = startGrafanaStandin("http://127.0.0.1:9", { token });
  try {
    const config = join(tmp, "config.json"), out = join(tmp, "dashboard.json");
    await Deno.writeTextFile(
      config,
      JSON.stringify({ dashboard: { uid: "ops-anomaly", title: "Ops anomalies" } }),
    );
    const push = (env: Record<string, string>, ...extra: string[]) =>
      runCli(["dashboard", "--config", config, "--out", out, "--push", ...extra], {
        env,
        net: true,
        allowEnv: ["GRAFANA_TOKEN", "GRAFANA_URL"],
      });
    const first = await push({ GRAFANA_URL: grafana.url, GRAFANA_TOKEN: token }, "--folder-uid", "ops");
    assert.equal(first.code, 0, first.stderr);
    assert.match(
      first.stdout,
      new RegExp(`pushed: ${grafana.url}/d/ops-anomaly/ops-anomalies \\(version 1\\)`),
    );
    const again = await push({ GRAFANA_URL: grafana.url, GRAFANA_TOKEN: token });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /\(version 2\)/, "overwritten by uid");

    assert.equal(grafana.dashboards.length, 2);
    const [{ headers, body }] = grafana.dashboards;
    assert.equal(headers.get("authorization"), `Bearer ${token}`);
    assert.match(headers.get("content-type") ?? "", /^application\/json/);
    assert.deepEqual(Object.keys(body).sort(), ["dashboard", "folderUid", "message", "overwrite"]);
    assert.equal(body.overwrite, true);
    assert.equal(body.folderUid, "ops");
    const dashboard = body.dashboard as GrafanaDashboard;
    assert.equal(dashboard.id, null);
    assert.equal(dashboard.uid, "ops-anomaly");
    assert.equal(dashboard.title, "Ops anomalies");
    assert.deepEqual(dashboard, JSON.parse(await Deno.readTextFile(out)), "the file is what was pushed");

    // A refused token: exit 1, Grafana's message, still no token anywhere.
    const refused = await push({ GRAFANA_URL: grafana.url, GRAFANA_TOKEN: `${token}-revoked` });
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /^error: Cannot push the dashboard: HTTP 401[^:]*: Unauthorized, current value is http:\/\/127\.0\.0\.1:\d+\/api\/dashboards\/db$/m,
    );
    // No Grafana URL: a clear error before anything is sent.
    const nowhere = await push({ GRAFANA_TOKEN: token });
    assert.equal(nowhere.code, 1);
    assert.match(
      nowhere.stderr,
      /Cannot push the dashboard: no Grafana URL \(GRAFANA_URL, or dashboard\.grafanaUrl/,
    );
    assert.equal(grafana.dashboards.length, 2, "neither the refused nor the unsent one was saved");

    for (
      const text of [
        first.stdout,
        first.stderr,
        again.stdout,
        again.stderr,
        refused.stdout,
        refused.stderr,
        nowhere.stderr,
        await Deno.readTextFile(out),
      ]
    ) {
      assert.ok(!text.includes(token), "the token appears in no output");
    }
  } finally {
    await grafana.stop();
    await Deno.remove(tmp, { recursive: true });
  }
});
