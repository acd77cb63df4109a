import assert from "node:assert/strict";
import { compileTemplate, DEFAULT_TEMPLATE } from "./template.ts";

Deno.test("compileTemplate() parses Graphite paths into labels, dots allowed in the last label", () => {
  const t = compileTemplate(DEFAULT_TEMPLATE);
  const cases: Array<[string, Record<string, string> | undefined]> = [
    [
      "statsd.n200-primary-meraki-com.gauges.aggregator.agg_length_behind_ratio.ProbeTablesAggregator.node_tag_cmx_probe_hll_hour",
      { machine: "n200-primary-meraki-com", aggregator: "ProbeTablesAggregator.node_tag_cmx_probe_hll_hour" },
    ],
    ["statsd.n1.gauges.aggregator.agg_length_behind_ratio.A", { machine: "n1", aggregator: "A" }],
    ["n200-primary-meraki-com", undefined],
    ["statsd.n1.gauges.aggregator.other_metric.A", undefined],
  ];
  for (const [key, want] of cases) assert.deepEqual(t.parse(key), want, key);
});

Deno.test("compileTemplate() renders labels back into the key and names a missing label", () => {
  const t = compileTemplate("a.{x}.b.{y}");
  assert.equal(t.render({ x: "1", y: "2.3" }), "a.1.b.2.3");
  assert.throws(() => t.render({ x: "1" }), { name: "RangeError", message: /label "y" is missing/ });
  assert.throws(() => compileTemplate("a.{x}.{x}"), { name: "SyntaxError", message: /appears twice/ });
  assert.throws(() => compileTemplate("a.{x"), { name: "SyntaxError", message: /unbalanced brace/ });
});
