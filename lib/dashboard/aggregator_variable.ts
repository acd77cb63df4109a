/**
 * How the dashboard's `aggregator` variable is filled, given that an aggregator may span several Graphite nodes
 * (`ProbeTablesAggregator.node_tag_cmx_probe_hll_hour` is two) while a Graphite find query lists one node level:
 * `/metrics/find` answers each match's last node (`text`), and graphite-web's standard finder splits a pattern on
 * its dots before it expands braces, so neither `a.{*,*.*}` nor a value list `{A.x,B.y}` reaches across levels.
 *
 * - **find**: every configured aggregator has the same parent nodes (all nodes but the last; none for one-node
 *   aggregators). The variable is a find query one level under that parent, its values are last nodes, and the
 *   panels put the parent back in front (`<parent>.$aggregator`). It lists what the written tree holds (an
 *   aggregator added later shows up without regenerating the dashboard), and a multi-value selection formats as
 *   Graphite's `{a,b}`, which works because no value holds a dot.
 * - **custom**: the aggregators differ in parents or depth. The variable is a custom list of the configured
 *   aggregators, dots kept (the written tree's nodes), used one at a time by the repeated panels.
 *
 * @module
 */
import { graphitePath } from "../writeback/graphite_path.ts";

/** How the `aggregator` variable is filled (see the module's description). */
export interface AggregatorVariable {
  /** `find`: a Graphite find query under `parent`; `custom`: the configured list. */
  mode: "find" | "custom";
  /** The nodes every aggregator shares before its last one, dotted (`""` when they are single nodes, or in
   * `custom` mode). */
  parent: string;
  /** The variable's value for each configured aggregator, in the config's order (last nodes in `find` mode,
   * whole written paths in `custom` mode). */
  values: string[];
}

/**
 * Decides how the dashboard's `aggregator` variable is filled from the configured aggregators: a Graphite find
 * query when they share their parent nodes, the configured list otherwise.
 *
 * @param aggregators The config's aggregators (as in the source tree; made safe as the written tree holds them).
 * @returns The mode, the shared parent and each aggregator's variable value.
 * @throws {RangeError} When the list is empty.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { aggregatorVariable } from "./aggregator_variable.ts";
 * assert.deepEqual(aggregatorVariable(["Probe.day", "Probe.hour"]), {
 *   mode: "find", parent: "Probe", values: ["day", "hour"] });
 * assert.deepEqual(aggregatorVariable(["Probe.day", "Solo"]), {
 *   mode: "custom", parent: "", values: ["Probe.day", "Solo"] });
 * ```
 */
export function aggregatorVariable(aggregators: readonly string[]): AggregatorVariable {
  if (!aggregators.length) {
    throw new RangeError("Cannot plan the aggregator variable: no aggregators, current value is []");
  }
  const paths = aggregators.map(graphitePath);
  const parentOf = (p: string) => p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "";
  const parent = parentOf(paths[0]);
  if (paths.every((p) => parentOf(p) === parent)) {
    return { mode: "find", parent, values: paths.map((p) => p.slice(parent ? parent.length + 1 : 0)) };
  }
  return { mode: "custom", parent: "", values: paths };
}
