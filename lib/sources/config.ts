/**
 * The configuration file: where the series come from and which fleet to watch, validated with zod. Defaults are
 * the original scripts': shards n200…n299-primary-meraki-com, the six presence aggregators, the statsd template,
 * the last 24 h. Secrets never live here: the Grafana token comes from the environment (the CLI reads it).
 *
 * @module
 */
import { checkTimeZone } from "../series/local_time.ts";
import { z } from "zod";
import { DEFAULT_TEMPLATE } from "../series/template.ts";
import { PRESENCE_AGGREGATORS } from "../presence.ts";
import { parseLagMinutes } from "../series/parse_duration.ts";
import { DEFAULT_WRITE_BACK_PREFIX, WRITE_BACK_FIELDS } from "../writeback/metric_path.ts";

const duration = z.string().refine((s) => {
  try {
    return parseLagMinutes(s) > 0;
  } catch {
    return false;
  }
}, { message: 'expected a duration like "24h", "8d" or "30 min"' });

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;

const SEVERITY = z.enum(["low", "medium", "high"]);
const CLOCK = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'expected a UTC time like "22:00"' });

/** Shards given as a numbered range, e.g. n200…n299 with a suffix. */
const MachineRange = z.object({
  prefix: z.string(),
  from: z.number().int().nonnegative(),
  to: z.number().int().nonnegative(),
  suffix: z.string().default(""),
}).strict().refine((r) => r.to >= r.from, { message: "to must be ≥ from" });

/** One part of the fleet: `index` of `count` (see `inPartition`). */
const Partition = z.object({
  index: z.number().int().nonnegative(),
  count: z.number().int().min(1).max(10_000),
}).strict().refine((p) => p.index < p.count, { message: "index must be < count" });

/** An IANA time zone name this runtime knows. */
const ZONE = z.string().refine(knownZone, {
  message: "expected an IANA time zone such as Europe/Berlin, America/New_York or UTC",
});

/** The configuration file's schema. */
export const ConfigSchema = z.object({
  /** Where series come from. `replay` serves CSV exports as if live ("now" = the end of the data). */
  source: z.enum(["replay", "csv", "graphite", "grafana", "grafana-query"]).default("replay"),
  /** graphite: graphite-web's base URL; grafana / grafana-query: Grafana's base URL. */
  url: z.string().url().optional(),
  /** grafana / grafana-query: the Graphite datasource's uid. */
  datasourceUid: z.string().min(1).optional(),
  /** replay / csv: CSV files or directories. */
  data: z.array(z.string()).min(1).default(["data"]),
  /** Shards: a list, or a numbered range. */
  machines: z.union([z.array(z.string().min(1)).min(1), MachineRange]).default({
    prefix: "n",
    from: 200,
    to: 299,
    suffix: "-primary-meraki-com",
  }),
  /** Only this part of the fleet (`--partition i/N`): the machines `inPartition` assigns to it, with all their
   * aggregators; the parts' outputs are joined by `deno task merge`. @default undefined (the whole fleet) */
  partition: Partition.optional(),
  /** Aggregators (the last part of the path, may contain dots). */
  aggregators: z.array(z.string().min(1)).min(1).default([...PRESENCE_AGGREGATORS]),
  /** Graphite path template with {machine} and {aggregator}. */
  template: z.string().default(DEFAULT_TEMPLATE),
  /** Family of the model these series belong to. */
  family: z.string().default("presence"),
  /** The IANA time zone whose wall clock the metric's days follow (a model trained from this config reads its
   * series on that clock, so a daily rhythm stays in place when the clocks change for daylight saving time).
   * @default UTC */
  timeZone: ZONE.optional(),
  /** The window reported on, before "now". */
  lookback: duration.default("24h"),
  /** History fetched before the window for the seasonal baselines: the 7 d and 14 d lags (and with them level
   * shift and stall) join once two weeks exist, so a day more than that is fetched. */
  history: duration.default("15d"),
  /** Graphite resolution to ask for (Grafana's intervalMs / maxDataPoints). */
  step: duration.default("1m"),
  /** A trained model; when absent, replay trains on the history before the window. */
  model: z.string().optional(),
  /** Detection profile. */
  profile: z.enum(["strict", "permissive"]).optional(),
  /** How one aggregator is asked for across shards. */
  wildcard: z.enum(["braces", "star", "none"]).default("braces"),
  /** Graphite's render format: pickle is the cheapest for graphite-web; raw or json for a server without it. */
  format: z.enum(["pickle", "raw", "json"]).default("pickle"),
  /** Per-request timeout, retries (5xx, 429, timeouts, connection errors; never another 4xx) and parallel requests. */
  timeout: duration.default("30s"),
  retries: z.number().int().min(0).max(10).default(3),
  concurrency: z.number().int().min(1).max(64).default(8),
  /** The largest answer read from the source, MiB: a larger one fails its target (`too_large`), so a broken or
   * hostile server cannot exhaust memory. */
  maxResponseMB: z.number().positive().default(256),
  /** Alerts (`deno task watch`). Where they go is set by the environment only: SLACK_WEBHOOK_URL (Slack),
   * GRAFANA_URL + GRAFANA_TOKEN (Grafana annotations), ALERT_WEBHOOK_URL (a generic JSON webhook). */
  alerts: z.object({
    /** The dedupe state file (alert once per episode); default reports/alert-state.json, and for a replay
     * reports/alert-state-replay.json, so trying one never marks a live fleet's episodes as sent. */
    state: z.string().min(1).optional(),
    /** Alerts below this severity are not sent. */
    minSeverity: SEVERITY.default("low"),
    /** Quiet hours (may wrap midnight): alerts below `quietAllow` are held until they end. On the clock of their
     * own `timeZone` (the on-call's), else the config's `timeZone`, else UTC. */
    quietHours: z.object({
      start: CLOCK,
      end: CLOCK,
      timeZone: ZONE.optional(),
    }).strict().optional(),
    /** The lowest severity still sent during quiet hours. */
    quietAllow: SEVERITY.default("high"),
    /** Grafana annotations: the dashboard and panel to pin them to (else organisation-wide), extra tags. */
    grafana: z.object({
      dashboardUID: z.string().min(1).optional(),
      panelId: z.number().int().nonnegative().optional(),
      tags: z.array(z.string().min(1)).default([]),
    }).strict().default({ tags: [] }),
    /** A link to the shared report, put in every Slack message. */
    reportUrl: z.string().url().optional(),
  }).strict().default({
    minSeverity: "low",
    quietAllow: "high",
    grafana: { tags: [] },
  }),
  /** The fleet view: a meta-anomaly when at least max(minShards, ceil(minFraction × fleet)) shards of one
   * aggregator are anomalous in the same window, sent as one alert; peer outliers. */
  fleet: z.object({
    minShards: z.number().int().min(2).default(20),
    minFraction: z.number().gt(0).max(1).optional(),
    window: duration.default("1h"),
    /** Look for shards unlike their peers (median/MAD across the fleet). */
    peers: z.boolean().default(true),
  }).strict().default({ minShards: 20, window: "1h", peers: true }),
  /** The watch loop: time between cycles. */
  interval: duration.default("5m"),
  /** The watch loop keeps the series it fetched and asks each cycle for the new points only, and for this much
   * before them again (Graphite may fill late points). Default: 3 steps of each series. */
  overlap: duration.optional(),
  /** Worker threads that score a watch's series, each on a core of its own: `auto` uses every core (at most 8)
   * for a live fleet of at least 1 000 series, or whose cycle scores at least 4 M points (series × (`lookback` +
   * `history`) / `step`: 174 series with the defaults), and none below (the own thread scores them); 1: none. */
  workers: z.union([z.literal("auto"), z.number().int().min(1).max(64)]).default("auto"),
  /** A directory where a live watch keeps the series it fetched across restarts (a binary file per source and
   * fleet, rewritten atomically after the first cycle, at most every 15 minutes after it and at a stop), and
   * `detect` between runs (after every run): a restarted watch or the next run fetches only what is new.
   * Default: off. */
  cache: z.string().min(1).optional(),
  /** Hydration: the context around each anomaly's peak. */
  hydrate: z.object({ before: duration.default("12h"), after: duration.default("12h") }).strict().default({
    before: "12h",
    after: "12h",
  }),
  /** Operators' decisions (`deno task feedback`): JSON lines, read by detect, watch and train. */
  feedback: z.string().min(1).default("models/feedback.jsonl"),
  /** Scores, expected values and bands written back to carbon (off unless `carbon` is set here or by flag). */
  writeBack: z.object({
    carbon: z.string().regex(HOST_PORT, { message: 'expected the carbon plaintext receiver as "HOST:PORT"' })
      .optional(),
    prefix: z.string().min(1).default(DEFAULT_WRITE_BACK_PREFIX),
    series: z.array(z.enum(WRITE_BACK_FIELDS)).min(1).default([...WRITE_BACK_FIELDS]),
    /** Points held across a carbon outage; beyond it the oldest are dropped, and counted. */
    buffer: z.number().int().min(1000).default(2_000_000),
    /** How long detect, report and the end of watch wait for carbon to take what is held. */
    wait: duration.default("30s"),
  }).strict().default({
    prefix: DEFAULT_WRITE_BACK_PREFIX,
    series: [...WRITE_BACK_FIELDS],
    buffer: 2_000_000,
    wait: "30s",
  }),
  /** The Grafana dashboard `deno task dashboard` writes, and that alerts link to. */
  dashboard: z.object({
    /** Grafana's base URL (not secret; `GRAFANA_URL` overrides it, the token stays in `GRAFANA_TOKEN`). */
    grafanaUrl: z.string().url().optional(),
    uid: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, { message: "expected 1–40 letters, digits, _ or -" })
      .default("graphite-anomaly"),
    title: z.string().min(1).default("Graphite anomalies"),
    /** The Graphite datasource's uid the dashboard's variable starts on (else Grafana's default Graphite). */
    datasourceUid: z.string().min(1).optional(),
  }).strict().default({ uid: "graphite-anomaly", title: "Graphite anomalies" }),
}).strict();

/** A validated configuration. */
export type Config = z.infer<typeof ConfigSchema>;

/**
 * Validates a configuration object (from a file, flags, or both merged), filling in the defaults. A wrong field
 * is a `TypeError` naming the file and the field's path; a live source without its URL or datasource uid too.
 *
 * @param json The parsed configuration.
 * @param file The file name, for messages.
 * @returns The configuration.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * const config = parseConfig({}, "defaults");
 * assert.equal(config.source, "replay");
 * assert.equal(config.aggregators.length, 6);
 * ```
 */
export function parseConfig(json: unknown, file: string): Config {
  const parsed = ConfigSchema.safeParse(json ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`Cannot read config ${file}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const config = parsed.data;
  if (["graphite", "grafana", "grafana-query"].includes(config.source) && !config.url) {
    throw new TypeError(
      `Cannot read config ${file}: source "${config.source}" needs url, current value is undefined`,
    );
  }
  if ((config.source === "grafana" || config.source === "grafana-query") && !config.datasourceUid) {
    throw new TypeError(
      `Cannot read config ${file}: source "${config.source}" needs datasourceUid (the Graphite datasource's uid), ` +
        `current value is undefined`,
    );
  }
  // Quiet hours without a zone of their own keep the metric's wall clock.
  const quiet = config.alerts.quietHours;
  if (quiet && !quiet.timeZone && config.timeZone) quiet.timeZone = config.timeZone;
  return config;
}

/**
 * Whether a source is live (the clock is "now") or files (the end of the data is "now").
 *
 * @param config A parsed config.
 * @returns `false` for `replay` and `csv`, `true` for the HTTP sources.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isLive, parseConfig } from "./config.ts";
 * assert.equal(isLive(parseConfig({ source: "replay", data: ["data"] }, "inline")), false);
 * ```
 */
export function isLive(config: Pick<Config, "source">): boolean {
  return !["replay", "csv"].includes(config.source);
}

/** Whether the runtime knows a time zone name. */
function knownZone(zone: string): boolean {
  try {
    checkTimeZone(zone);
    return true;
  } catch {
    return false;
  }
}
