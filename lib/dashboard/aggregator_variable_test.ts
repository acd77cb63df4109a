import assert from "node:assert/strict";
import { aggregatorVariable } from "./aggregator_variable.ts";
import { variableValue } from "./_variable_value.ts";
import { PRESENCE_AGGREGATORS } from "../presence.ts";

Deno.test("aggregatorVariable() finds under a shared parent, else falls back to the configured list", () => {
  const cases: [string[], string, string, string[]][] = [
    [
      [...PRESENCE_AGGREGATORS],
      "find",
      "ProbeTablesAggregator",
      PRESENCE_AGGREGATORS.map((a) => a.split(".")[1]),
    ],
    [["a", "b"], "find", "", ["a", "b"]],
    [["x.y.a", "x.y.b"], "find", "x.y", ["a", "b"]],
    [["P.a", "Q.b"], "custom", "", ["P.a", "Q.b"]],
    [["P.a", "b"], "custom", "", ["P.a", "b"]],
    [["P.a", "P.a.b"], "custom", "", ["P.a", "P.a.b"]],
    // Made safe as the written tree holds them.
    [["P.a b", "P.c*"], "find", "P", ["a_b", "c_"]],
  ];
  for (const [aggregators, mode, parent, values] of cases) {
    assert.deepEqual(aggregatorVariable(aggregators), { mode, parent, values }, aggregators.join(" "));
  }
  assert.throws(() => aggregatorVariable([]), /Cannot plan the aggregator variable: no aggregators/);
});

Deno.test("variableValue() is the option the variable lists for each configured aggregator", () => {
  for (const aggregators of [[...PRESENCE_AGGREGATORS], ["a", "b"], ["P.a", "Q.b.c"]]) {
    const plan = aggregatorVariable(aggregators);
    assert.deepEqual(aggregators.map((a) => variableValue(plan, a)), plan.values);
  }
  // An aggregator outside the shared parent keeps its whole path.
  assert.equal(variableValue(aggregatorVariable(["P.a", "P.b"]), "Q.c"), "Q.c");
});
