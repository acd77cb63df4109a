import { aggregatorVariable } from "./aggregator_variable.ts";
import { variableValue } from "./_variable_value.ts";
import { graphiteNode } from "../writeback/graphite_node.ts";
import { grafanaBase } from "./_grafana_base.ts";

/** What a dashboard link opens on: a shard, an aggregator and a time span (epoch ms). */
export interface DashboardTarget {
  /** The shard (`var-machine`); left out when unknown, e.g. a fleet incident without members. */
  machine?: string;
  /** The aggregator, as in the source tree (`var-aggregator`). */
  aggregator?: string;
  /** First anomalous point, epoch ms. */
  start: number;
  /** Last anomalous point, epoch ms. */
  end: number;
}

/** Options for {@link dashboardUrl}. */
export interface DashboardUrlOptions {
  /** The dashboard's uid (config `dashboard.uid`). @default "graphite-anomaly" */
  uid?: string;
  /** The dashboard's title, for the URL's slug (Grafana finds the dashboard by uid alone). @default "Graphite anomalies" */
  title?: string;
  /** The config's aggregators: they decide the form of the `aggregator` variable's value (its last node when
   * they share their parent nodes, see `aggregatorVariable`). @default [] (the aggregator as written) */
  aggregators?: readonly string[];
  /** Time shown before `start`, ms. @default 43_200_000 (12 h, as hydration's context) */
  before?: number;
  /** Time shown after `end`, ms. @default 43_200_000 (12 h) */
  after?: number;
}

/** Grafana's slug of a title: lower case, runs of anything but letters and digits as one dash. */
const slug = (title: string) =>
  title.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "dashboard";

/**
 * The link to the generated Grafana dashboard on one shard and aggregator, around an anomaly:
 * `<grafanaUrl>/d/<uid>/<slug>?from=<ms>&to=<ms>&var-machine=<shard>&var-aggregator=<value>`, where the
 * aggregator's value is the one the dashboard's `aggregator` variable holds for it.
 *
 * @param grafanaUrl Grafana's base URL (a sub-path such as `https://host/grafana` is kept).
 * @param target The shard, aggregator and span.
 * @param options See {@link DashboardUrlOptions}.
 * @returns The URL.
 * @throws {TypeError} When `grafanaUrl` is not an http(s) URL.
 * @throws {RangeError} When `start`/`end` are not finite or `end` is before `start`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dashboardUrl } from "./dashboard_url.ts";
 * const H = 3_600_000;
 * const url = new URL(dashboardUrl("https://grafana.example.com/g", { machine: "n200", aggregator: "Probe.hour",
 *   start: 100 * H, end: 102 * H }, { aggregators: ["Probe.hour", "Probe.day"], before: H, after: H }));
 * assert.equal(url.pathname, "/g/d/graphite-anomaly/graphite-anomalies");
 * assert.equal(url.searchParams.get("var-machine"), "n200");
 * assert.equal(url.searchParams.get("var-aggregator"), "hour");
 * assert.equal(Number(url.searchParams.get("from")), 99 * H);
 * assert.equal(Number(url.searchParams.get("to")), 103 * H);
 * ```
 */
export function dashboardUrl(
  grafanaUrl: string,
  target: DashboardTarget,
  options: DashboardUrlOptions = {},
): string {
  const {
    uid = "graphite-anomaly",
    title = "Graphite anomalies",
    aggregators = [],
    before = 43_200_000,
    after = 43_200_000,
  } = options;
  const base = grafanaBase(grafanaUrl, "build the dashboard link");
  const { start, end } = target;
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) {
    throw new RangeError(
      `Cannot build the dashboard link: start and end must be epoch ms with end ≥ start, current value is ` +
        `${start}–${end}`,
    );
  }
  base.search = "";
  base.hash = "";
  const url = new URL(`d/${encodeURIComponent(uid)}/${slug(title)}`, base);
  url.searchParams.set("from", String(Math.floor(start - before)));
  url.searchParams.set("to", String(Math.ceil(end + after)));
  if (target.machine) url.searchParams.set("var-machine", graphiteNode(target.machine));
  if (target.aggregator) {
    const plan = aggregators.length
      ? aggregatorVariable(aggregators)
      : { mode: "custom" as const, parent: "", values: [] };
    url.searchParams.set("var-aggregator", variableValue(plan, target.aggregator));
  }
  return url.href;
}
