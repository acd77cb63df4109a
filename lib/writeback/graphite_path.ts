import { graphiteNode } from "./graphite_node.ts";

/**
 * A dotted Graphite path made safe node by node: each node as {@link graphiteNode}, the dots kept as separators.
 *
 * @param text The dotted path.
 * @returns The path, with no empty node.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { graphitePath } from "./graphite_path.ts";
 * assert.equal(graphitePath("ProbeTablesAggregator.network_tag"), "ProbeTablesAggregator.network_tag");
 * assert.equal(graphitePath("a..b c."), "a._.b_c._");
 * ```
 */
export function graphitePath(text: string): string {
  return text.split(".").map(graphiteNode).join(".");
}
