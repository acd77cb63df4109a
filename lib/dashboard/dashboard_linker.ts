import type { Config } from "../sources/config.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import { type DashboardTarget, dashboardUrl } from "./dashboard_url.ts";

/**
 * The dashboard links of one configuration, as alerts and the report carry them: the dashboard's uid and title
 * from `dashboard`, the aggregator variable's form from `aggregators`, and the span shown around an anomaly from
 * `hydrate` (the same 24 h as the alert's context).
 *
 * @param config A parsed config.
 * @param grafanaUrl Grafana's base URL (the CLI takes `GRAFANA_URL`, else `dashboard.grafanaUrl`).
 * @returns A function from a shard, an aggregator and a span to the URL.
 * @throws {TypeError} When `grafanaUrl` is not an http(s) URL.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dashboardLinker } from "./dashboard_linker.ts";
 * import { parseConfig } from "../sources/config.ts";
 * const link = dashboardLinker(parseConfig({ dashboard: { uid: "ops" } }, "inline"), "http://grafana:3000");
 * const url = new URL(link({ machine: "n200", aggregator: "ProbeTablesAggregator.node_tag_cmx_probe_hll_hour",
 *   start: 0, end: 0 }));
 * assert.equal(url.pathname, "/d/ops/graphite-anomalies");
 * assert.equal(url.searchParams.get("var-aggregator"), "node_tag_cmx_probe_hll_hour");
 * assert.equal(url.searchParams.get("from"), String(-12 * 3_600_000));
 * ```
 */
export function dashboardLinker(
  config: Pick<Config, "dashboard" | "aggregators" | "hydrate">,
  grafanaUrl: string,
): (target: DashboardTarget) => string {
  const options = {
    uid: config.dashboard.uid,
    title: config.dashboard.title,
    aggregators: config.aggregators,
    before: parseDurationMs(config.hydrate.before),
    after: parseDurationMs(config.hydrate.after),
  };
  // Checked once, here, rather than at the first alert.
  dashboardUrl(grafanaUrl, { start: 0, end: 0 }, options);
  return (target) => dashboardUrl(grafanaUrl, target, options);
}
