import assert from "node:assert/strict";
import { ANOMALY_TAG, DASHBOARD_SCHEMA_VERSION, grafanaDashboard } from "./grafana_dashboard.ts";
import { parseConfig } from "../sources/config.ts";
import { postGrafanaAnnotations } from "../alerts/grafana_annotations.ts";
import type { Alert } from "../alerts/types.ts";

const threshold = { profile: "strict" as const, value: 0.62, permissive: 0.55, step: 3_600_000 };

Deno.test("grafanaDashboard() lays panels on the 24-column grid, ids unique, every variable it uses defined", () => {
  for (
    const json of [{}, {
      aggregators: ["A.x", "B.y.z", "C"],
      writeBack: { prefix: "ad.scores" },
      family: "lag",
    }]
  ) {
    const d = grafanaDashboard(parseConfig(json, "inline"), { threshold });
    assert.equal(d.schemaVersion, DASHBOARD_SCHEMA_VERSION);
    assert.equal(new Set(d.panels.map((p) => p.id)).size, d.panels.length);
    for (const p of d.panels) {
      assert.ok(p.gridPos.x >= 0 && p.gridPos.x + p.gridPos.w <= 24 && p.gridPos.h > 0, p.title);
    }
    const names = new Set(d.templating.list.map((v) => v.name));
    const used = d.panels.flatMap((p) => [p.title, ...p.targets.map((t) => t.target), p.datasource.uid]).join(
      " ",
    )
      .matchAll(/\$\{?(\w+)/g);
    for (const [, name] of used) assert.ok(names.has(name), `$${name} is defined`);
    for (const p of d.panels) for (const t of p.targets) assert.equal(t.datasource.uid, "${datasource}");
    assert.equal(JSON.stringify(JSON.parse(JSON.stringify(d))), JSON.stringify(d), "plain JSON");
  }
});

Deno.test("grafanaDashboard() fills between lower and upper, puts the score on the right with the threshold line", () => {
  const d = grafanaDashboard(parseConfig({}, "inline"), { threshold });
  const series = d.panels.find((p) => p.type === "timeseries")!;
  assert.equal(series.repeat, "aggregator");
  const aliases = series.targets.map((t) => t.target.match(/, '(\w+)'\)$/)?.[1]);
  assert.deepEqual(aliases, ["value", "expected", "lower", "upper", "score"]);
  const props = (name: string) =>
    Object.fromEntries(
      series.fieldConfig.overrides.find((o) => o.matcher.options === name)!.properties.map((
        p,
      ) => [p.id, p.value]),
    );
  assert.equal(props("upper")["custom.fillBelowTo"], "lower");
  assert.equal(props("score")["custom.axisPlacement"], "right");
  assert.deepEqual(props("score")["custom.thresholdsStyle"], { mode: "line" });
  const steps = (props("score").thresholds as { steps: { value: number | null }[] }).steps;
  assert.equal(steps.at(-1)!.value, 0.62);
  assert.match(
    series.description,
    /strict threshold, 0\.620, at the live step \(1 h\), as detection applies it/,
  );
  const fleet = d.panels.find((p) => p.type === "state-timeline")!;
  assert.deepEqual(
    (fleet.fieldConfig.defaults.thresholds as { steps: { value: number | null }[] }).steps.map((s) =>
      s.value
    ),
    [null, 0.55, 0.62],
  );

  const none = grafanaDashboard(parseConfig({}, "inline"));
  const noneSeries = none.panels.find((p) => p.type === "timeseries")!;
  assert.match(noneSeries.description, /no threshold is drawn/);
  assert.ok(!JSON.stringify(noneSeries).includes('"mode":"line"'));
});

Deno.test("grafanaDashboard() finds the annotations the Grafana sink writes, by their tags", async () => {
  const config = parseConfig({ alerts: { grafana: { tags: ["presence"] } } }, "inline");
  const d = grafanaDashboard(config, { threshold });
  const alert: Alert = {
    id: "a@t",
    subject: "a",
    kind: "anomaly",
    machine: "n200-primary-meraki-com",
    aggregator: config.aggregators[0],
    series: ["a"],
    severity: "high",
    score: 0.9,
    start: 0,
    end: 0,
    timestamp: "",
    ongoing: false,
    durationMs: 1,
    reasons: [],
    title: "t",
    summary: "s",
  };
  const written: string[][] = [];
  const fetch = (_u: string | URL | Request, init?: RequestInit) => {
    written.push(JSON.parse(String(init?.body)).tags);
    return Promise.resolve(Response.json({ id: 1 }));
  };
  await postGrafanaAnnotations([alert, { ...alert, kind: "fleet", machine: undefined }], {
    grafanaUrl: "http://g",
    token: "t0k",
    extraTags: config.alerts.grafana.tags,
    fetch,
  });
  const [shard, fleet] = d.annotations.list.filter((a) => a.target).map((a) =>
    a.target!.tags.map((t) => t.replace("$machine", alert.machine!))
  );
  assert.ok(shard.includes(ANOMALY_TAG) && fleet.includes("fleet"));
  assert.ok(shard.every((t) => written[0].includes(t)), `${shard} ⊆ ${written[0]}`);
  assert.ok(fleet.every((t) => written[1].includes(t)), `${fleet} ⊆ ${written[1]}`);
  assert.ok(!fleet.every((t) => written[0].includes(t)), "a single anomaly is no fleet incident");
});
