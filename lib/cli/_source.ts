import { type Config, parseConfig } from "../sources/config.ts";
import { displayUrl } from "../sources/display_url.ts";
import { fetchSource, type SourceRun } from "../sources/fetch_source.ts";
import { crop } from "../series/crop.ts";
import type { Series } from "../series/types.ts";
import { parseWhen } from "../series/parse_when.ts";

/** The committed sample corpus. */
const SAMPLE = new URL("../../data", import.meta.url).pathname;

/** Flags every command that reads series shares. */
export const SOURCE_FLAGS = {
  config: { type: "string" },
  source: { type: "string" },
  url: { type: "string" },
  "datasource-uid": { type: "string" },
  data: { type: "string", multiple: true },
  csv: { type: "string", multiple: true },
} as const;

/** Help text for {@link SOURCE_FLAGS}. */
export const SOURCE_HELP =
  `Source (a config file, overridden by flags; nothing configured = replay of the sample in data/):
  --config FILE          JSON config (see the README): source, url, datasourceUid, machines, aggregators,
                         template, lookback, history, step, model, timeout, retries, concurrency
  --source S             replay | csv | graphite | grafana | grafana-query
  --url URL              graphite-web base URL (graphite), or Grafana's (grafana, grafana-query)
  --datasource-uid UID   Grafana's Graphite datasource uid (grafana, grafana-query)
  --data PATH, --csv PATH  CSV exports for replay / csv (repeatable)
  Grafana's token is read from the environment variable GRAFANA_TOKEN, never from a file or a flag.`;

type SourceValues = {
  config?: string;
  source?: string;
  url?: string;
  "datasource-uid"?: string;
  data?: string[];
  csv?: string[];
};

/** Reads the config file (if any), applies the flags over it and validates the result. */
export async function resolveConfig(
  values: SourceValues,
  base: Record<string, unknown> = {},
): Promise<Config> {
  let json: Record<string, unknown> = { ...base };
  const file = values.config ?? "flags";
  if (values.config) {
    let text: string;
    try {
      text = await Deno.readTextFile(values.config);
    } catch (err) {
      throw new RangeError(`Cannot read config ${values.config}: ${(err as Error).message}`);
    }
    try {
      json = { ...json, ...JSON.parse(text) };
    } catch (err) {
      throw new SyntaxError(
        `Cannot read config ${values.config}: not valid JSON (${(err as Error).message})`,
      );
    }
  }
  const data = [...(values.data ?? []), ...(values.csv ?? [])];
  if (values.source) json.source = values.source;
  else if (data.length && !values.config) json.source = values.csv?.length ? "csv" : "replay";
  if (values.url) json.url = values.url;
  if (values["datasource-uid"]) json.datasourceUid = values["datasource-uid"];
  if (data.length) json.data = data;
  else if (json.data === undefined) json.data = [SAMPLE]; // the embedded sample, wherever the command runs from
  return parseConfig(json, file);
}

/** Grafana's token, from the environment only. */
export function grafanaToken(): string | undefined {
  return Deno.env.get("GRAFANA_TOKEN") || undefined;
}

/** Whether a source is live (the clock is "now") or files (the end of the data is "now"). */
export const isLive = (config: Config) => !["replay", "csv"].includes(config.source);

/** The configuration as recorded in outputs: no secrets (credentials in the URL are dropped). */
export function configRecord(config: Config) {
  const { source, url, datasourceUid, data, template, family, step, lookback, history } = config;
  return {
    source,
    url: url && displayUrl(url),
    datasourceUid,
    data,
    template,
    family,
    step,
    lookback,
    history,
  };
}

/** Options for {@link fetchWindow}. */
export interface FetchWindowOptions {
  /** `--from`: ISO 8601, epoch seconds, `now` or relative (`-30d`, `now-72h`). Files: @default the start */
  from?: string;
  /** `--until`, as `from`. @default "now" */
  until?: string;
  /** A live source's `--from` when none is given. @default "-30d" */
  defaultFrom?: string;
  /** The clock, epoch ms: "now" for a live source (for files "now" is the end of the data). */
  now: number;
  /** Grafana's token. */
  token?: string;
  /** Injectable fetch, for tests. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * The configured series between two time flags, both relative to "now" as in Graphite's render API: the clock
 * for a live source, the end of the data for files. A live source answers at the step it holds for that range
 * (Graphite serves a long range from a coarser archive); the series keep it.
 */
export async function fetchWindow(
  config: Config,
  options: FetchWindowOptions,
): Promise<{ series: Series[]; run: SourceRun; from: number; until: number }> {
  const { now, defaultFrom = "-30d" } = options;
  const window = (end: number, start: number) => {
    const until = options.until ? parseWhen("--until", options.until, end) : end;
    const fromText = options.from ?? (isLive(config) ? defaultFrom : undefined);
    const from = fromText ? parseWhen("--from", fromText, end) : start;
    if (!(from < until)) {
      throw new RangeError(
        `Cannot fetch ${config.source}: --from must be before --until, current value is ${
          new Date(from).toISOString()
        } .. ${new Date(until).toISOString()}`,
      );
    }
    return { from, until };
  };
  if (isLive(config)) {
    const { from, until } = window(now, now);
    const got = await fetchSource(config, { from, until, token: options.token, fetch: options.fetch });
    return { ...got, from, until };
  }
  const all = await fetchSource(config);
  if (all.series.length === 0) return { ...all, from: now, until: now };
  const start = Math.min(...all.series.map((s) => s.start));
  const end = Math.max(...all.series.map((s) => s.start + (s.values.length - 1) * s.step));
  const { from, until } = window(end, start);
  const series = all.series.map((s) => crop(s, from, until)).filter((s) => s.values.length > 0);
  const run = { ...all.run, from: new Date(from).toISOString(), until: new Date(until).toISOString() };
  return { series, run, from, until };
}
