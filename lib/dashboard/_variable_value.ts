/**
 * The dashboard's `aggregator` variable value for one aggregator. Private to `lib/dashboard`.
 *
 * @module
 */
import { graphitePath } from "../writeback/graphite_path.ts";
import type { AggregatorVariable } from "./aggregator_variable.ts";

/**
 * The value the `aggregator` variable takes for an aggregator: its last node in `find` mode when it sits under
 * the shared parent, else its whole written path (dots kept).
 *
 * @param plan From `aggregatorVariable`.
 * @param aggregator The aggregator, as in the source tree.
 * @returns The variable's value.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { variableValue } from "./_variable_value.ts";
 * assert.equal(variableValue({ mode: "find", parent: "P", values: [] }, "P.hour"), "hour");
 * assert.equal(variableValue({ mode: "custom", parent: "", values: [] }, "P.hour"), "P.hour");
 * ```
 */
export function variableValue(plan: AggregatorVariable, aggregator: string): string {
  const path = graphitePath(aggregator);
  if (plan.mode === "find" && plan.parent && path.startsWith(plan.parent + ".")) {
    const rest = path.slice(plan.parent.length + 1);
    if (!rest.includes(".")) return rest;
  }
  return path;
}
