import type { Alert } from "../alerts/types.ts";
import type { DashboardTarget } from "./dashboard_url.ts";

/**
 * Sets each alert's `dashboardUrl`: the dashboard on its shard (a fleet incident's first shard) and aggregator,
 * around its span. The alerts themselves are not changed.
 *
 * @param alerts The alerts.
 * @param link From `dashboardLinker` (or any function of a shard, an aggregator and a span).
 * @returns Copies of the alerts with `dashboardUrl`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { linkAlerts } from "./link_alerts.ts";
 * const alert = { id: "a@t", subject: "a", kind: "fleet" as const, aggregator: "Agg", machines: ["n1", "n2"],
 *   series: ["a"], severity: "high" as const, score: 0.9, start: 0, end: 0, timestamp: "", ongoing: false,
 *   durationMs: 1000, reasons: [], title: "High: 2 of 9 shards · Agg", summary: "…" };
 * const [linked] = linkAlerts([alert], (t) => `http://grafana/d/x?var-machine=${t.machine}`);
 * assert.equal(linked.dashboardUrl, "http://grafana/d/x?var-machine=n1");
 * assert.equal("dashboardUrl" in alert, false);
 * ```
 */
export function linkAlerts(alerts: readonly Alert[], link: (target: DashboardTarget) => string): Alert[] {
  return alerts.map((a) => ({
    ...a,
    dashboardUrl: link({
      machine: a.machine || a.machines?.[0],
      aggregator: a.aggregator || undefined,
      start: a.start,
      end: a.end,
    }),
  }));
}
