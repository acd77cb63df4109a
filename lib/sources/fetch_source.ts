import type { Series } from "../series/types.ts";
import { loadCsv } from "../series/load_csv.ts";
import { crop } from "../series/crop.ts";
import { compileTemplate } from "../series/template.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import type { Config } from "./config.ts";
import { machineNames } from "./machines.ts";
import { inPartition } from "./in_partition.ts";
import { fetchFleet } from "./fetch_fleet.ts";
import { fetchGraphite } from "./graphite.ts";
import { fetchGrafanaQuery } from "./grafana_query.ts";
import { displayUrl } from "./display_url.ts";
import type { SourceResult } from "./types.ts";

/** Options for {@link fetchSource}. */
export interface FetchSourceOptions {
  /** Start of what to fetch, epoch ms (history included). Files: @default the start of the data */
  from?: number;
  /** End of what to fetch, epoch ms. Files: @default the end of the data */
  until?: number;
  /** Grafana's bearer token (the CLI reads it from GRAFANA_TOKEN; it is never logged or written). */
  token?: string;
  /** Only these series keys (e.g. the ones hydration needs); one request per series for live sources. */
  only?: string[];
  /** Injectable fetch, for tests. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Live fleets: called with each answer's series as it arrives (as returned, family label included), so work
   * can start while other requests are in flight. Files and `/api/ds/query` answer at once and do not call it.
   * @default undefined */
  onBatch?: (series: Series[]) => void;
}

/** What a fetch asked for and got, per series. */
export interface SourceRun {
  /** e.g. `graphite http://127.0.0.1:8080`, `replay data`. */
  source: string;
  /** The window fetched, ISO. */
  from: string;
  until: string;
  /** Series asked for, answered with data, and failed. */
  asked: number;
  answered: number;
  failed: number;
  /** One entry per failed series (or target), with the reason. */
  failures: { series: string; kind: string; reason: string }[];
  /** HTTP requests made (retries included); 0 for files. */
  requests: number;
  /** Wildcard requests that failed and were retried one series at a time, with why (nothing was lost). */
  fallbacks?: { aggregator: string; reason: string }[];
}

/**
 * Fetches the configured fleet from the configured source, on the grid rules of lib/series: CSV exports
 * (`csv`, or `replay`, which serves them as if live), Graphite's render API (`graphite`), the same through
 * Grafana's datasource proxy (`grafana`), or Grafana's `/api/ds/query` (`grafana-query`). Failures are recorded
 * per series and never end the run; every series gets the configured `family` label. With a `partition`, only
 * its machines' series: a live source asks for those alone, files are filtered by each series' `machine` label
 * after loading (and `only` keeps the keys of its machines).
 *
 * @param config The configuration.
 * @param options See {@link FetchSourceOptions}.
 * @returns The series and what happened.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fetchSource } from "./fetch_source.ts";
 * import { parseConfig } from "./config.ts";
 * // A replay of the sample exports (a live source takes { from, until, token } as well).
 * const config = parseConfig({ source: "replay", data: [new URL("../../data", import.meta.url).pathname] }, "inline");
 * const { series, run } = await fetchSource(config);
 * assert.ok(run.answered === series.length && series.length > 0);
 * ```
 */
export async function fetchSource(
  config: Config,
  options: FetchSourceOptions = {},
): Promise<{ series: Series[]; run: SourceRun }> {
  const partition = config.partition;
  const t = compileTemplate(config.template);
  // A partition keeps its machines' series only: by the `machine` label (the key when there is none).
  const mine = (key: string, machine?: string) =>
    !partition || inPartition(machine ?? t.parse(key)?.machine ?? key, partition);
  const only = partition ? options.only?.filter((k) => mine(k)) : options.only;
  // Grafana's token goes to Grafana only, never to a graphite-web.
  const token = config.source === "grafana" || config.source === "grafana-query" ? options.token : undefined;
  const template = config.template;
  const withFamily = (series: Series[]) =>
    series.map((s) => ({ ...s, labels: { ...s.labels, family: config.family } }));
  if (config.source === "csv" || config.source === "replay") {
    const { series: loaded } = await loadCsv(config.data, {
      template,
      extraLabels: { family: config.family },
    });
    const all = partition ? loaded.filter((s) => mine(s.key, s.labels.machine)) : loaded;
    const wanted = only ? all.filter((s) => only.includes(s.key)) : all;
    // A partition's "now" is the end of all the data, as every partition's is (and an empty one has one too).
    const spanned = partition && !only ? loaded : wanted;
    const start = Math.min(...spanned.map((s) => s.start));
    const end = Math.max(...spanned.map((s) => s.start + (s.values.length - 1) * s.step));
    const from = options.from ?? start, until = options.until ?? end;
    const series = wanted.map((s) => crop(s, from, until));
    const failures = (only ?? []).filter((k) => !all.some((s) => s.key === k))
      .map((k) => ({ series: k, kind: "no-data", reason: `not in ${config.data.join(", ")}` }));
    return {
      series,
      run: {
        source: `${config.source} ${config.data.join(", ")}`,
        from: new Date(from).toISOString(),
        until: new Date(until).toISOString(),
        asked: only ? only.length : all.length,
        answered: series.length,
        failed: failures.length,
        failures,
        requests: 0,
      },
    };
  }
  if (options.from === undefined || options.until === undefined) {
    throw new TypeError(`Cannot fetch from ${config.source}: a live source needs from and until`);
  }
  const { from, until } = options;
  const common = {
    from,
    until,
    timeoutMs: parseDurationMs(config.timeout),
    retries: config.retries,
    maxBytes: config.maxResponseMB * 1024 * 1024,
    concurrency: config.concurrency,
    fetch: options.fetch,
  };
  const url = config.url!.replace(/\/+$/, "");
  const baseUrl = config.source === "grafana"
    ? `${url}/api/datasources/proxy/uid/${config.datasourceUid}`
    : url;
  const source = `${config.source} ${displayUrl(url)}`;
  const keys = only ??
    machineNames(config.machines, partition).flatMap((machine) =>
      config.aggregators.map((aggregator) => t.render({ machine, aggregator }))
    );
  const runOf = (
    asked: number,
    answered: number,
    failures: SourceRun["failures"],
    requests: number,
  ): SourceRun => ({
    source,
    from: new Date(from).toISOString(),
    until: new Date(until).toISOString(),
    asked,
    answered,
    failed: asked - answered,
    failures,
    requests,
  });
  /** A per-target answer (one series per asked key) as a run. */
  const perTarget = (res: SourceResult) => ({
    series: withFamily(res.series),
    run: runOf(
      keys.length,
      res.series.length,
      res.failures.map((f) => ({ series: f.series ?? f.target, kind: f.kind, reason: f.reason })),
      res.requests,
    ),
  });
  if (config.source === "grafana-query") {
    const res = await fetchGrafanaQuery(keys, {
      ...common,
      baseUrl: url,
      uid: config.datasourceUid!,
      token,
      template,
      step: parseDurationMs(config.step),
    });
    return perTarget(res);
  }
  if (only) {
    return perTarget(
      await fetchGraphite(keys, { ...common, baseUrl, token, template, format: config.format }),
    );
  }
  const res = await fetchFleet(
    { machines: machineNames(config.machines, partition), aggregators: config.aggregators, template },
    {
      ...common,
      baseUrl,
      token,
      wildcard: config.wildcard,
      format: config.format,
      onAnswer: options.onBatch && ((batch) => options.onBatch!(withFamily(batch))),
    },
  );
  const failures = res.entries.filter((e) => e.status === "failed")
    .map((e) => ({ series: e.key, kind: e.kind ?? "failed", reason: e.reason ?? "" }));
  const run = runOf(res.asked, res.answered, failures, res.requests);
  return {
    series: withFamily(res.series),
    run: res.fallbacks.length ? { ...run, fallbacks: res.fallbacks } : run,
  };
}
