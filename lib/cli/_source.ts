import { type Config, parseConfig } from "../sources/config.ts";
import { displayUrl } from "../sources/display_url.ts";
import { parsePartition } from "../sources/parse_partition.ts";

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
  partition: { type: "string" },
} as const;

/** Help text for {@link SOURCE_FLAGS}. */
export const SOURCE_HELP =
  `Source (a config file, overridden by flags; nothing configured = replay of the sample in data/):
  --config FILE          JSON config (see the README): source, url, datasourceUid, machines, aggregators,
                         template, lookback, history, step, model, timeout, retries, concurrency,
                         partition
  --source S             replay | csv | graphite | grafana | grafana-query
  --url URL              graphite-web base URL (graphite), or Grafana's (grafana, grafana-query)
  --datasource-uid UID   Grafana's Graphite datasource uid (grafana, grafana-query)
  --data PATH, --csv PATH  CSV exports for replay / csv (repeatable)
  --partition i/N        only part i (from 0) of N of the fleet, split by a hash of the machine name (all of a
                         machine's aggregators together); \`deno task merge\` joins the parts (README "Partitions")
  Grafana's token is read from the environment variable GRAFANA_TOKEN, never from a file or a flag.`;

type SourceValues = {
  config?: string;
  source?: string;
  url?: string;
  "datasource-uid"?: string;
  data?: string[];
  csv?: string[];
  partition?: string;
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
  if (values.partition) json.partition = parsePartition(values.partition);
  if (data.length) json.data = data;
  else if (json.data === undefined) json.data = [SAMPLE]; // the embedded sample, wherever the command runs from
  return parseConfig(json, file);
}

/** Grafana's token, from the environment only. */
export function grafanaToken(): string | undefined {
  return Deno.env.get("GRAFANA_TOKEN") || undefined;
}

/** Grafana's base URL from the environment (GRAFANA_URL), when the command may read it (else `undefined`). */
export function grafanaUrlFromEnv(): string | undefined {
  const { state } = Deno.permissions.querySync({ name: "env", variable: "GRAFANA_URL" });
  return state === "granted" ? Deno.env.get("GRAFANA_URL") || undefined : undefined;
}

/** The configuration as recorded in outputs: no secrets (credentials in the URL are dropped). */
export function configRecord(config: Config) {
  const { source, url, datasourceUid, data, template, family, step, lookback, history, partition } = config;
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
    ...(partition ? { partition } : {}),
  };
}
