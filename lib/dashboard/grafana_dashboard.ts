import type { Config } from "../sources/config.ts";
import { graphiteNode } from "../writeback/graphite_node.ts";
import { graphitePath } from "../writeback/graphite_path.ts";
import { formatDuration } from "../format/format_duration.ts";
import { aggregatorVariable } from "./aggregator_variable.ts";
import type { ScoreThreshold } from "./model_threshold.ts";
import type {
  DashboardAnnotation,
  DashboardPanel,
  DashboardVariable,
  DatasourceRef,
  FieldOverride,
  GrafanaDashboard,
} from "./types.ts";

/** The dashboard JSON schema version written (Grafana 12's; Grafana migrates older ones up, never down). */
export const DASHBOARD_SCHEMA_VERSION = 41;

/** The tag every annotation of the Grafana alert sink carries (lib/alerts/grafana_annotations.ts). */
export const ANOMALY_TAG = "anomaly";

/** The id of the fleet panel (alerts about a fleet incident may open it with `viewPanel`). */
export const FLEET_PANEL_ID = 1;

/** Options for {@link grafanaDashboard}. */
export interface GrafanaDashboardOptions {
  /** The score threshold to draw (from `modelThreshold`). @default undefined (no threshold line; said in the
   * panel descriptions) */
  threshold?: ScoreThreshold;
}

const GRAPHITE: DatasourceRef = { type: "graphite", uid: "${datasource}" };
const GRAFANA: DatasourceRef = { type: "grafana", uid: "-- Grafana --" };

const byName = (name: string, properties: Record<string, unknown>): FieldOverride => ({
  matcher: { id: "byName", options: name },
  properties: Object.entries(properties).map(([id, value]) => ({ id, value })),
});
const fixed = (color: string) => ({ mode: "fixed", fixedColor: color });

/** The source path template with the dashboard's variables in place of its placeholders. */
function sourceTarget(template: string, aggregatorExpr: string, family: string): string {
  return template.replace(
    /\{([A-Za-z_][A-Za-z0-9_]*)\}/g,
    (_, name: string) =>
      name === "machine"
        ? "$machine"
        : name === "aggregator"
        ? aggregatorExpr
        : name === "family"
        ? family
        : "*",
  );
}

/**
 * Builds the Grafana dashboard of the written tree (`<prefix>.<family>.<machine>.<aggregator>.<field>`) for a
 * configuration: plain JSON in Grafana's classic dashboard model, for a file, provisioning or
 * `POST /api/dashboards/db`.
 *
 * - Variables: `datasource` (Graphite; `dashboard.datasourceUid` preselected when given), `machine` (a Graphite
 *   find query `<prefix>.<family>.*`), `aggregator` (a find query `<prefix>.<family>.$machine.<parent>.*` when the
 *   configured aggregators share their parent nodes, else the configured list: see `aggregatorVariable`).
 * - A fleet panel: a state timeline of the highest score per shard across the selected aggregators, coloured by
 *   the thresholds.
 * - One time-series panel per aggregator (repeated over `aggregator`, two per row): the source metric from the
 *   config's template, `expected`, the band as a fill between `lower` and `upper`, and `score` on a right-hand
 *   axis (0..1) with the threshold drawn as a line.
 * - Annotations: the Grafana sink's, by their tags (`anomaly`, the shard, the config's extra tags; fleet
 *   incidents by `anomaly` + `fleet`), on every panel.
 *
 * @param config A parsed config (`writeBack.prefix`, `family`, `aggregators`, `template`, `dashboard`,
 * `alerts.grafana.tags`).
 * @param options See {@link GrafanaDashboardOptions}.
 * @returns The dashboard.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grafanaDashboard } from "./grafana_dashboard.ts";
 * import { parseConfig } from "../sources/config.ts";
 * const dashboard = grafanaDashboard(parseConfig({}, "defaults"),
 *   { threshold: { profile: "strict", value: 0.62, permissive: 0.55, step: 3_600_000 } });
 * assert.equal(dashboard.uid, "graphite-anomaly");
 * assert.deepEqual(dashboard.templating.list.map((v) => v.name), ["datasource", "machine", "aggregator"]);
 * assert.equal(dashboard.templating.list[1].query, "anomaly.presence.*");
 * assert.equal(dashboard.templating.list[2].query, "anomaly.presence.$machine.ProbeTablesAggregator.*");
 * assert.ok(dashboard.panels[1].targets.some((t) =>
 *   t.target === "alias(anomaly.presence.$machine.ProbeTablesAggregator.${aggregator}.score, 'score')"));
 * ```
 */
export function grafanaDashboard(config: Config, options: GrafanaDashboardOptions = {}): GrafanaDashboard {
  const { threshold } = options;
  const prefix = graphitePath(config.writeBack.prefix);
  const family = graphiteNode(config.family);
  const base = `${prefix}.${family}`;
  const machineNode = prefix.split(".").length + 1;
  const plan = aggregatorVariable(config.aggregators);
  const aggregatorExpr = plan.mode === "find" && plan.parent
    ? `${plan.parent}.\${aggregator}`
    : "${aggregator}";
  const written = (field: string) => `${base}.$machine.${aggregatorExpr}.${field}`;
  const extraTags = config.alerts.grafana.tags;

  const thresholdText = threshold
    ? `The red line is the model's ${threshold.profile} threshold, ${threshold.value.toFixed(3)}, at the ` +
      `live step (${
        formatDuration(threshold.step, { style: "exact" })
      }), as detection applies it (it moves the model's threshold with the series' step: a finer step needs a ` +
      `higher score for the same daily false-alarm rate). A point on or above it is flagged.`
    : "No model was given when this dashboard was generated, so no threshold is drawn (regenerate it with " +
      "--model).";
  const thresholdSteps = threshold
    ? [
      { color: "green", value: null },
      ...(threshold.permissive < threshold.value ? [{ color: "orange", value: threshold.permissive }] : []),
      { color: "red", value: threshold.value },
    ]
    : [{ color: "green", value: null }];

  const fleetTarget = plan.mode === "find"
    ? `groupByNode(${base}.*.${aggregatorExpr}.score, ${machineNode}, 'max')`
    : `groupByNode(group(${
      plan.values.map((v) => `${base}.*.${v}.score`).join(", ")
    }), ${machineNode}, 'max')`;
  const fleet: DashboardPanel = {
    id: FLEET_PANEL_ID,
    type: "state-timeline",
    title: plan.mode === "find"
      ? "Fleet: highest anomaly score per shard (${aggregator})"
      : "Fleet: highest anomaly score per shard (all configured aggregators)",
    description: `Each row is a shard; its colour is the highest ensemble score (0..1) of its ${
      plan.mode === "find" ? "selected aggregators" : "configured aggregators"
    } at that time, read from ${base}.<shard>.<aggregator>.score. ${
      threshold
        ? `Red from the model's ${threshold.profile} threshold (${threshold.value.toFixed(3)} at the live ` +
          `step, ${formatDuration(threshold.step, { style: "exact" })})${
            threshold.permissive < threshold.value
              ? `, orange from the permissive one (${threshold.permissive.toFixed(3)})`
              : ""
          }.`
        : "No model was given, so only one colour is used (regenerate with --model)."
    }`,
    gridPos: { x: 0, y: 0, w: 24, h: 10 },
    datasource: GRAPHITE,
    targets: [{ refId: "A", datasource: GRAPHITE, target: fleetTarget }],
    fieldConfig: {
      defaults: {
        min: 0,
        max: 1,
        decimals: 2,
        color: { mode: "thresholds" },
        thresholds: { mode: "absolute", steps: thresholdSteps },
        custom: {
          lineWidth: 0,
          fillOpacity: 80,
          spanNulls: false,
          hideFrom: { legend: false, tooltip: false, viz: false },
        },
      },
      overrides: [],
    },
    options: {
      showValue: "never",
      mergeValues: false,
      alignValue: "left",
      rowHeight: 0.9,
      legend: { showLegend: false, displayMode: "list", placement: "bottom" },
      tooltip: { mode: "single", sort: "none" },
    },
  };

  const band = "rgba(86, 166, 75, 0.25)";
  const series: DashboardPanel = {
    id: FLEET_PANEL_ID + 1,
    type: "timeseries",
    title: `$machine · ${aggregatorExpr}`,
    description:
      `The source metric (${
        sourceTarget(config.template, aggregatorExpr, family)
      }), what the baseline judging each point expected (dashed), and the band between lower and upper: a value ` +
      `outside it scores above the threshold. On the right axis, the ensemble score (0..1) read from ${
        written("score")
      }. ${thresholdText} Red regions are the alerts the Grafana sink wrote for this shard.`,
    gridPos: { x: 0, y: 10, w: 12, h: 9 },
    repeat: "aggregator",
    repeatDirection: "h",
    maxPerRow: 2,
    datasource: GRAPHITE,
    targets: [
      {
        refId: "A",
        datasource: GRAPHITE,
        target: `alias(${sourceTarget(config.template, aggregatorExpr, family)}, 'value')`,
      },
      { refId: "B", datasource: GRAPHITE, target: `alias(${written("expected")}, 'expected')` },
      { refId: "C", datasource: GRAPHITE, target: `alias(${written("lower")}, 'lower')` },
      { refId: "D", datasource: GRAPHITE, target: `alias(${written("upper")}, 'upper')` },
      { refId: "E", datasource: GRAPHITE, target: `alias(${written("score")}, 'score')` },
    ],
    fieldConfig: {
      defaults: {
        color: { mode: "palette-classic" },
        custom: {
          drawStyle: "line",
          lineInterpolation: "linear",
          lineWidth: 1,
          fillOpacity: 0,
          showPoints: "never",
          spanNulls: false,
          axisPlacement: "auto",
          thresholdsStyle: { mode: "off" },
          hideFrom: { legend: false, tooltip: false, viz: false },
        },
      },
      overrides: [
        byName("value", { color: fixed("blue"), "custom.lineWidth": 2 }),
        byName("expected", {
          color: fixed("dark-green"),
          "custom.lineStyle": { fill: "dash", dash: [10, 10] },
        }),
        byName("upper", {
          color: fixed(band),
          "custom.lineWidth": 0,
          "custom.fillOpacity": 100,
          "custom.fillBelowTo": "lower",
        }),
        byName("lower", {
          color: fixed(band),
          "custom.lineWidth": 0,
          "custom.hideFrom": { legend: true, tooltip: false, viz: false },
        }),
        byName("score", {
          color: fixed("orange"),
          min: 0,
          max: 1,
          decimals: 2,
          "custom.axisPlacement": "right",
          "custom.axisLabel": "score",
          thresholds: {
            mode: "absolute",
            steps: threshold
              ? [
                { color: "transparent", value: null },
                { color: "red", value: threshold.value },
              ]
              : [{ color: "transparent", value: null }],
          },
          "custom.thresholdsStyle": { mode: threshold ? "line" : "off" },
        }),
      ],
    },
    options: {
      legend: { showLegend: true, displayMode: "list", placement: "bottom", calcs: [] },
      tooltip: { mode: "multi", sort: "none" },
    },
  };

  const datasource: DashboardVariable = {
    type: "datasource",
    name: "datasource",
    label: "Graphite",
    description: "The Graphite datasource holding the written tree and the source metrics.",
    query: "graphite",
    current: config.dashboard.datasourceUid
      ? { text: config.dashboard.datasourceUid, value: config.dashboard.datasourceUid }
      : {},
    options: [],
    multi: false,
    includeAll: false,
    refresh: 1,
    regex: "",
    hide: 0,
  };
  const machine: DashboardVariable = {
    type: "query",
    name: "machine",
    label: "Shard",
    description: `The shards in the written tree: Graphite find ${base}.*`,
    query: `${base}.*`,
    definition: `${base}.*`,
    datasource: GRAPHITE,
    current: {},
    options: [],
    multi: false,
    includeAll: false,
    refresh: 2,
    regex: "",
    sort: 1,
    hide: 0,
  };
  const aggregatorQuery = plan.parent ? `${base}.$machine.${plan.parent}.*` : `${base}.$machine.*`;
  const aggregator: DashboardVariable = plan.mode === "find"
    ? {
      type: "query",
      name: "aggregator",
      label: plan.parent ? `Aggregator (${plan.parent}.…)` : "Aggregator",
      description: `The shard's aggregators in the written tree: Graphite find ${aggregatorQuery}` +
        (plan.parent ? ` (their last node; the panels put ${plan.parent}. in front).` : "."),
      query: aggregatorQuery,
      definition: aggregatorQuery,
      datasource: GRAPHITE,
      current: { text: ["All"], value: ["$__all"] },
      options: [],
      multi: true,
      includeAll: true,
      allValue: "*",
      refresh: 2,
      regex: "",
      sort: 1,
      hide: 0,
    }
    : {
      type: "custom",
      name: "aggregator",
      label: "Aggregator",
      description:
        "The configured aggregators. They differ in their parent nodes, and a Graphite find query " +
        "lists one node level only, so the list comes from the config (regenerate the dashboard when it changes).",
      query: plan.values.join(","),
      current: { text: ["All"], value: ["$__all"] },
      options: plan.values.map((v) => ({ text: v, value: v, selected: false })),
      multi: true,
      includeAll: true,
      hide: 0,
    };

  const annotations: DashboardAnnotation[] = [
    {
      builtIn: 1,
      datasource: GRAFANA,
      enable: true,
      hide: true,
      iconColor: "rgba(0, 211, 255, 1)",
      name: "Annotations & Alerts",
      type: "dashboard",
    },
    {
      datasource: GRAFANA,
      enable: true,
      hide: false,
      iconColor: "red",
      name: "Anomalies on this shard",
      target: { type: "tags", tags: [ANOMALY_TAG, "$machine", ...extraTags], matchAny: false, limit: 200 },
    },
    {
      datasource: GRAFANA,
      enable: true,
      hide: false,
      iconColor: "orange",
      name: "Fleet incidents",
      target: { type: "tags", tags: [ANOMALY_TAG, "fleet", ...extraTags], matchAny: false, limit: 100 },
    },
  ];

  return {
    id: null,
    uid: config.dashboard.uid,
    title: config.dashboard.title,
    description: `Anomaly scores, expected values and bands written back to Graphite under ${base} by ` +
      "graphite-anomaly (deno task dashboard generates this dashboard; edits here are overwritten by --push).",
    tags: ["graphite-anomaly", config.family],
    timezone: "utc",
    editable: true,
    graphTooltip: 1,
    fiscalYearStartMonth: 0,
    liveNow: false,
    schemaVersion: DASHBOARD_SCHEMA_VERSION,
    time: { from: "now-24h", to: "now" },
    refresh: "5m",
    links: [],
    annotations: { list: annotations },
    templating: { list: [datasource, machine, aggregator] },
    panels: [fleet, series],
  };
}
