import type { Config } from "../sources/config.ts";
import { graphiteNode } from "../writeback/graphite_node.ts";
import { graphitePath } from "../writeback/graphite_path.ts";
import { formatDuration } from "../format/format_duration.ts";
import { aggregatorVariable } from "./aggregator_variable.ts";
import { FLEET_PANEL_ID } from "./grafana_dashboard.ts";
import type { ScoreThreshold } from "./model_threshold.ts";

/** Options for {@link grafanaAlertRules}. */
export interface GrafanaAlertRulesOptions {
  /** The threshold the score must stay above (from `modelThreshold`). */
  threshold: ScoreThreshold;
  /** How long the score must stay above it before the alert fires, ms (Grafana's pending period `for`).
   * @default 600_000 (10 min) */
  forMs?: number;
  /** How often Grafana evaluates the rule, ms. @default 60_000 */
  intervalMs?: number;
  /** The Graphite datasource's uid. @default config `dashboard.datasourceUid`, else `datasourceUid` */
  datasourceUid?: string;
  /** The Grafana folder (title) the rule group lives in. @default "graphite-anomaly" */
  folder?: string;
}

/** Grafana's alerting provisioning file (`apiVersion: 1`, one rule group), plain JSON. */
export interface GrafanaAlertRules {
  apiVersion: 1;
  groups: {
    orgId: number;
    name: string;
    folder: string;
    interval: string;
    rules: Record<string, unknown>[];
  }[];
}

const unit = (ms: number) => formatDuration(ms, { style: "unit" });

/**
 * A Grafana alerting provisioning file (put it in `provisioning/alerting/`, JSON as Grafana reads it) with one
 * rule: the written score of any shard and aggregator above the model's threshold for `forMs`. The query reads
 * `<prefix>.<family>.*.<aggregator>.score` with each series named `<shard>.<aggregator>` (one alert instance per
 * series), reduces it to its last value and compares it with the threshold; the pending period `for` makes
 * "for N minutes". Missing data is OK (a stopped write-back is not an anomaly; the missing-data detector
 * reports stopped series), an evaluation error is an error. The rule links to the generated dashboard.
 *
 * @param config A parsed config (`writeBack.prefix`, `family`, `aggregators`, `dashboard`).
 * @param options See {@link GrafanaAlertRulesOptions}.
 * @returns The provisioning file's content.
 * @throws {TypeError} When no Graphite datasource uid is known (a provisioned rule cannot use a variable).
 * @throws {RangeError} When `forMs` or `intervalMs` is not a positive whole number of seconds.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grafanaAlertRules } from "./grafana_alert_rules.ts";
 * import { parseConfig } from "../sources/config.ts";
 * const rules = grafanaAlertRules(parseConfig({ dashboard: { datasourceUid: "graphite-prod" } }, "inline"), {
 *   threshold: { profile: "strict", value: 0.62, permissive: 0.55, step: 3_600_000 }, forMs: 900_000 });
 * const [rule] = rules.groups[0].rules;
 * assert.equal(rule.for, "15m");
 * assert.equal(rule.condition, "C");
 * ```
 */
export function grafanaAlertRules(config: Config, options: GrafanaAlertRulesOptions): GrafanaAlertRules {
  const { threshold, forMs = 600_000, intervalMs = 60_000, folder = "graphite-anomaly" } = options;
  const datasourceUid = options.datasourceUid ?? config.dashboard.datasourceUid ?? config.datasourceUid;
  if (!datasourceUid) {
    throw new TypeError(
      "Cannot write the alert rules: a provisioned rule needs the Graphite datasource's uid (dashboard." +
        "datasourceUid in the config), current value is undefined",
    );
  }
  for (const [name, ms] of [["for", forMs], ["interval", intervalMs]] as const) {
    if (!(ms > 0 && ms % 1000 === 0 && Number.isFinite(ms))) {
      throw new RangeError(
        `Cannot write the alert rules: ${name} must be a positive whole number of seconds, current value is ${ms} ms`,
      );
    }
  }
  const prefix = graphitePath(config.writeBack.prefix);
  const base = `${prefix}.${graphiteNode(config.family)}`;
  const m = prefix.split(".").length + 1;
  const nodes = (depth: number) => Array.from({ length: depth + 1 }, (_, i) => m + i).join(", ");
  const plan = aggregatorVariable(config.aggregators);
  const target = plan.mode === "find"
    ? `aliasByNode(${base}.*.${plan.parent ? plan.parent + "." : ""}*.score, ${
      nodes(plan.parent ? plan.parent.split(".").length + 1 : 1)
    })`
    : `group(${
      plan.values.map((v) => `aliasByNode(${base}.*.${v}.score, ${nodes(v.split(".").length)})`).join(", ")
    })`;
  const window = Math.max(15 * 60, (3 * intervalMs) / 1000);
  const expr = { type: "__expr__", uid: "__expr__" };
  const rule = {
    uid: `${config.dashboard.uid}-score`.slice(0, 40),
    title: `Anomaly score above the ${threshold.profile} threshold for ${unit(forMs)}`,
    condition: "C",
    data: [
      {
        refId: "A",
        relativeTimeRange: { from: window, to: 0 },
        datasourceUid,
        model: { refId: "A", target, intervalMs: 60_000, maxDataPoints: 43_200 },
      },
      {
        refId: "B",
        relativeTimeRange: { from: 0, to: 0 },
        datasourceUid: "__expr__",
        model: {
          refId: "B",
          datasource: expr,
          type: "reduce",
          expression: "A",
          reducer: "last",
          settings: { mode: "dropNN" },
        },
      },
      {
        refId: "C",
        relativeTimeRange: { from: 0, to: 0 },
        datasourceUid: "__expr__",
        model: {
          refId: "C",
          datasource: expr,
          type: "threshold",
          expression: "B",
          conditions: [{ evaluator: { type: "gt", params: [threshold.value] } }],
        },
      },
    ],
    for: unit(forMs),
    noDataState: "OK",
    execErrState: "Error",
    isPaused: false,
    labels: { source: "graphite-anomaly", family: config.family },
    annotations: {
      summary: `{{ $labels.name }}: anomaly score above ${threshold.value.toFixed(3)} for ${unit(forMs)}`,
      description:
        `The ensemble score written to ${base}.<shard>.<aggregator>.score stayed above the model's ` +
        `${threshold.profile} threshold (${threshold.value.toFixed(3)} at the live step, ${
          formatDuration(threshold.step, { style: "exact" })
        }) for ${unit(forMs)}.`,
      __dashboardUid__: config.dashboard.uid,
      __panelId__: String(FLEET_PANEL_ID),
    },
  };
  return {
    apiVersion: 1,
    groups: [{ orgId: 1, name: "graphite-anomaly", folder, interval: unit(intervalMs), rules: [rule] }],
  };
}
