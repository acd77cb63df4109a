/**
 * The parts of Grafana's dashboard JSON model (the classic model `POST /api/dashboards/db` takes, as in
 * `@grafana/schema`'s `Dashboard`) that the generator writes. Plain data: `JSON.stringify` is the file.
 *
 * @module
 */

/** A datasource reference; `uid` may be a variable such as `${datasource}`. */
export interface DatasourceRef {
  type: string;
  uid: string;
}

/** One Graphite query of a panel. */
export interface GraphiteTarget {
  refId: string;
  datasource: DatasourceRef;
  /** The Graphite target, with `$machine` / `${aggregator}` where Grafana substitutes the variables. */
  target: string;
}

/** A field-config override: a matcher and the properties it sets. */
export interface FieldOverride {
  matcher: { id: string; options: string };
  properties: { id: string; value: unknown }[];
}

/** One panel, placed on Grafana's 24-column grid. */
export interface DashboardPanel {
  id: number;
  type: "timeseries" | "state-timeline";
  title: string;
  description: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: DatasourceRef;
  targets: GraphiteTarget[];
  fieldConfig: { defaults: Record<string, unknown>; overrides: FieldOverride[] };
  options: Record<string, unknown>;
  /** Repeated once per value of this variable. */
  repeat?: string;
  repeatDirection?: "h" | "v";
  maxPerRow?: number;
}

/** One template variable (datasource, query or custom). */
export interface DashboardVariable {
  type: "datasource" | "query" | "custom";
  name: string;
  label: string;
  description: string;
  /** The plugin id (datasource), the Graphite find query (query) or the comma-separated values (custom). */
  query: string;
  datasource?: DatasourceRef;
  definition?: string;
  current: { text?: string | string[]; value?: string | string[] };
  options: { text: string; value: string; selected: boolean }[];
  multi: boolean;
  includeAll: boolean;
  /** What `All` stands for in a query (else Grafana lists every value). */
  allValue?: string;
  /** 1: on dashboard load, 2: on time range change (query variables). */
  refresh?: number;
  regex?: string;
  /** 1: alphabetical. */
  sort?: number;
  hide: number;
}

/** One annotation query: Grafana's own annotations, here filtered by tags. */
export interface DashboardAnnotation {
  builtIn?: number;
  datasource: DatasourceRef;
  enable: boolean;
  hide: boolean;
  iconColor: string;
  name: string;
  type?: string;
  target?: { type: "tags"; tags: string[]; matchAny: boolean; limit: number };
}

/** The dashboard. */
export interface GrafanaDashboard {
  id: null;
  uid: string;
  title: string;
  description: string;
  tags: string[];
  timezone: string;
  editable: boolean;
  graphTooltip: number;
  fiscalYearStartMonth: number;
  liveNow: boolean;
  schemaVersion: number;
  time: { from: string; to: string };
  refresh: string;
  links: unknown[];
  annotations: { list: DashboardAnnotation[] };
  templating: { list: DashboardVariable[] };
  panels: DashboardPanel[];
}
