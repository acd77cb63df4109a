import assert from "node:assert/strict";
import { parseGraphiteJson } from "./parse_graphite_json.ts";

Deno.test("parseGraphiteJson() turns nulls into NaN and keeps Graphite's grid", () => {
  const body = JSON.stringify([{
    target: "a.b",
    datapoints: [[null, 600], [2, 660], [1e-9, 720], [null, 780]],
  }]);
  const { series, failures } = parseGraphiteJson(body, { template: "{x}.{y}" });
  assert.deepEqual(failures, []);
  assert.deepEqual(series[0].labels, { x: "a", y: "b" });
  assert.equal(series[0].start, 600_000);
  assert.deepEqual([...series[0].values], [NaN, 2, 1e-9, NaN]);
});

Deno.test("parseGraphiteJson() places an irregular answer on a grid", () => {
  const body = JSON.stringify([{ target: "a", datapoints: [[1, 60], [2, 120], [4, 240]] }]);
  const { series } = parseGraphiteJson(body);
  assert.equal(series[0].step, 60_000);
  assert.deepEqual([...series[0].values], [1, 2, NaN, 4]);
  assert.deepEqual(series[0].labels, {});
});

Deno.test("parseGraphiteJson() reports empty, all-null and malformed answers", () => {
  const cases: Array<[string, string[]]> = [
    ["[]", ["no-data"]],
    [JSON.stringify([{ target: "a", datapoints: [[null, 60]] }, { target: "b", datapoints: [] }]), [
      "all-null",
      "all-null",
    ]],
    ["<html>500</html>", ["malformed"]],
    ['{"error": "x"}', ["malformed"]],
    ['[{"name": "a"}]', ["malformed"]],
    ['[{"target": "a", "datapoints": [[1]]}]', ["malformed"]],
  ];
  for (const [body, kinds] of cases) {
    const out = parseGraphiteJson(body, { target: "t" });
    assert.deepEqual(out.failures.map((f) => f.kind), kinds, body);
    assert.equal(out.series.length, 0, body);
    assert.ok(out.failures.every((f) => f.target === "t"));
  }
});
