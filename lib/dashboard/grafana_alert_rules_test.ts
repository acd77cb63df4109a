import assert from "node:assert/strict";
import { grafanaAlertRules } from "./grafana_alert_rules.ts";
import { parseConfig } from "../sources/config.ts";

const threshold = { profile: "permissive" as const, value: 0.5, permissive: 0.5, step: 60_000 };

Deno.test("grafanaAlertRules(): last score above the threshold for N minutes, one instance per shard and aggregator", () => {
  const rules = grafanaAlertRules(
    parseConfig({ datasourceUid: "gr", url: "http://g", source: "grafana" }, "inline"),
    {
      threshold,
    },
  );
  const rule = rules.groups[0].rules[0] as {
    for: string;
    data: { refId: string; datasourceUid: string; model: Record<string, unknown> }[];
    annotations: Record<string, string>;
  };
  assert.equal(rule.for, "10m");
  assert.deepEqual(rule.data.map((d) => [d.refId, d.datasourceUid]), [["A", "gr"], ["B", "__expr__"], [
    "C",
    "__expr__",
  ]]);
  assert.equal(
    rule.data[0].model.target,
    "aliasByNode(anomaly.presence.*.ProbeTablesAggregator.*.score, 2, 3, 4)",
  );
  assert.equal(rule.data[1].model.reducer, "last");
  assert.deepEqual(rule.data[2].model.conditions, [{ evaluator: { type: "gt", params: [0.5] } }]);
  assert.equal(rule.annotations.__dashboardUid__, "graphite-anomaly");

  const mixed = grafanaAlertRules(
    parseConfig({ aggregators: ["A.b", "C"], dashboard: { datasourceUid: "gr" } }, "inline"),
    { threshold, forMs: 3_600_000 },
  ).groups[0].rules[0] as { for: string; data: { model: { target?: string } }[] };
  assert.equal(mixed.for, "1h");
  assert.equal(
    mixed.data[0].model.target,
    "group(aliasByNode(anomaly.presence.*.A.b.score, 2, 3, 4), aliasByNode(anomaly.presence.*.C.score, 2, 3))",
  );
});

Deno.test("grafanaAlertRules() needs a datasource uid and whole seconds", () => {
  assert.throws(() => grafanaAlertRules(parseConfig({}, "inline"), { threshold }), {
    name: "TypeError",
    message:
      /Cannot write the alert rules: .*dashboard\.datasourceUid in the config\), current value is undefined/,
  });
  const config = parseConfig({ dashboard: { datasourceUid: "gr" } }, "inline");
  assert.throws(
    () => grafanaAlertRules(config, { threshold, forMs: 1500 }),
    /for must be a positive whole number/,
  );
});
