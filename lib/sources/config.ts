/**
 * The configuration file: where the series come from and which fleet to watch, validated with zod. Defaults are
 * the original scripts': shards n200…n299-primary-meraki-com, the six presence aggregators, the statsd template,
 * the last 24 h. Secrets never live here: the Grafana token comes from the environment (the CLI reads it).
 *
 * @module
 */
import { z } from "zod";
import { DEFAULT_TEMPLATE } from "../series/template.ts";
import { PRESENCE_AGGREGATORS } from "../synth/types.ts";
import { parseLagMinutes } from "../detectors/parse_lag.ts";

const duration = z.string().refine((s) => {
  try {
    return parseLagMinutes(s) > 0;
  } catch {
    return false;
  }
}, { message: 'expected a duration like "24h", "8d" or "30 min"' });

/** Shards given as a numbered range, e.g. n200…n299 with a suffix. */
const MachineRange = z.object({
  prefix: z.string(),
  from: z.number().int().nonnegative(),
  to: z.number().int().nonnegative(),
  suffix: z.string().default(""),
}).strict().refine((r) => r.to >= r.from, { message: "to must be ≥ from" });

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
  /** Aggregators (the last part of the path, may contain dots). */
  aggregators: z.array(z.string().min(1)).min(1).default([...PRESENCE_AGGREGATORS]),
  /** Graphite path template with {machine} and {aggregator}. */
  template: z.string().default(DEFAULT_TEMPLATE),
  /** Family of the model these series belong to. */
  family: z.string().default("presence"),
  /** The window reported on, before "now". */
  lookback: duration.default("24h"),
  /** History fetched before the window for the seasonal detectors (their 7-day lag needs a week). */
  history: duration.default("8d"),
  /** Graphite resolution to ask for (Grafana's intervalMs / maxDataPoints). */
  step: duration.default("1m"),
  /** A trained model; when absent, replay trains on the history before the window. */
  model: z.string().optional(),
  /** Detection profile. */
  profile: z.enum(["strict", "permissive"]).optional(),
  /** How one aggregator is asked for across shards. */
  wildcard: z.enum(["braces", "star", "none"]).default("braces"),
  /** Per-request timeout, retries (5xx, timeouts, connection errors; never 4xx) and parallel requests. */
  timeout: duration.default("30s"),
  retries: z.number().int().min(0).max(10).default(3),
  concurrency: z.number().int().min(1).max(64).default(8),
  /** Hydration: the context around each anomaly's peak. */
  hydrate: z.object({ before: duration.default("12h"), after: duration.default("12h") }).strict().default({
    before: "12h",
    after: "12h",
  }),
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
  return config;
}
