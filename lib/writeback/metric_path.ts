/**
 * Where a scored series' results live in Graphite:
 * `<prefix>.<family>.<machine>.<aggregator>.<field>`, one path per written field.
 *
 * - The aggregator keeps its own nodes: its dots are Graphite's node separators already, so
 *   `ProbeTablesAggregator.network_tag_…` stays two nodes, as in the source tree.
 * - Inside a node only characters Graphite cannot hold are replaced by `_`: whitespace and control characters
 *   (carbon's line protocol splits on whitespace), `/` and `\` (whisper files are paths), and the characters
 *   graphite-web reads as query syntax (`* ? [ ] { } ( ) , ; = ' " ~ ^ $ | < > &`). An empty node becomes `_`.
 * - A series whose labels lack `machine` or `aggregator` (it did not match the template) is written under its
 *   sanitised key instead, after the family: never under an empty node.
 *
 * @module
 */

/** The five fields written per scored series. */
export const WRITE_BACK_FIELDS = ["score", "expected", "lower", "upper", "anomalous"] as const;

/** One of {@link WRITE_BACK_FIELDS}. */
export type WriteBackField = typeof WRITE_BACK_FIELDS[number];

/** The prefix of the written tree unless the config says otherwise. */
export const DEFAULT_WRITE_BACK_PREFIX = "anomaly";

// Control characters are matched by \p{Cc} (the lint rule forbids them spelled out in a class).
import { graphiteNode } from "./graphite_node.ts";
import { graphitePath } from "./graphite_path.ts";

/** Options of {@link writeBackPath}. */
export interface WriteBackPathOptions {
  /** The written tree's prefix (may itself be dotted). @default "anomaly" */
  prefix?: string;
}

/**
 * The Graphite path one field of one scored series is written to.
 *
 * @param series The series' key, labels and family.
 * @param field Which field.
 * @param options The prefix.
 * @returns `<prefix>.<family>.<machine>.<aggregator>.<field>`, or `<prefix>.<family>.<key>.<field>` for a
 * series without machine and aggregator labels.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeBackPath } from "./metric_path.ts";
 * const labels = { machine: "n200-primary-meraki-com", aggregator: "ProbeTablesAggregator.network_tag" };
 * assert.equal(
 *   writeBackPath({ key: "statsd.x", labels, family: "presence" }, "score"),
 *   "anomaly.presence.n200-primary-meraki-com.ProbeTablesAggregator.network_tag.score",
 * );
 * assert.equal(writeBackPath({ key: "servers.web 1.cpu", labels: {}, family: "cpu" }, "upper", { prefix: "ad" }),
 *   "ad.cpu.servers.web_1.cpu.upper");
 * ```
 */
export function writeBackPath(
  series: { key: string; labels: Record<string, string>; family: string },
  field: WriteBackField,
  options: WriteBackPathOptions = {},
): string {
  const { prefix = DEFAULT_WRITE_BACK_PREFIX } = options;
  const { machine, aggregator } = series.labels;
  const where = machine && aggregator
    ? `${graphiteNode(machine)}.${graphitePath(aggregator)}`
    : graphitePath(series.key);
  return `${graphitePath(prefix)}.${graphiteNode(series.family)}.${where}.${field}`;
}
