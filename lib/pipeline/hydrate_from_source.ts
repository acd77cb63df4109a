import type { Config } from "../sources/config.ts";
import { fetchSource, type SourceRun } from "../sources/fetch_source.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import type { Anomaly } from "../detect/types.ts";
import { hydrate, type HydratedAnomaly } from "../hydrate/hydrate.ts";

/** What the source answered (no window when there was nothing to fetch). */
export type HydrateRun = Omit<SourceRun, "from" | "until"> & Partial<Pick<SourceRun, "from" | "until">>;

/** Options for {@link hydrateFromSource}. */
export interface HydrateFromSourceOptions {
  /** Context before each peak. @default the config's hydrate.before (12h) */
  before?: string;
  /** Context after each peak. @default the config's hydrate.after (12h) */
  after?: string;
  /** Grafana's token. @default undefined */
  token?: string;
  /** Injectable fetch, for tests. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * Hydration the way `deno task hydrate` does it: fetches only the anomalous series, over the span their context
 * needs (the value 72 h before each peak included), and adds the context statistics to each anomaly; an anomaly
 * whose series failed to answer says why in its `error`.
 *
 * @param config A parsed config (the source the anomalies came from).
 * @param anomalies Anomaly records, e.g. from `deno task detect`'s output.
 * @param options See {@link HydrateFromSourceOptions}.
 * @returns The hydrated anomalies and what the source answered.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hydrateFromSource } from "./hydrate_from_source.ts";
 * import { parseConfig } from "../sources/config.ts";
 * const config = parseConfig({ source: "replay", data: [new URL("../../data", import.meta.url).pathname] }, "inline");
 * const { hydrated, run } = await hydrateFromSource(config, []);
 * assert.ok(hydrated.length === 0 && run.asked === 0);
 * ```
 */
export async function hydrateFromSource(
  config: Config,
  anomalies: readonly Anomaly[],
  options: HydrateFromSourceOptions = {},
): Promise<{ hydrated: HydratedAnomaly[]; run: HydrateRun }> {
  const before = parseDurationMs(options.before ?? config.hydrate.before);
  const after = parseDurationMs(options.after ?? config.hydrate.after);
  if (anomalies.length === 0) {
    return {
      hydrated: [],
      run: { asked: 0, answered: 0, failed: 0, failures: [], requests: 0, source: config.source },
    };
  }
  const keys = [...new Set(anomalies.map((a) => a.series))];
  const from = Math.min(...anomalies.map((a) => a.peakAt - Math.max(before, 72 * 3_600_000)));
  const until = Math.max(...anomalies.map((a) => a.peakAt + after));
  const { series, run } = await fetchSource(config, {
    from,
    until,
    only: keys,
    token: options.token,
    fetch: options.fetch,
  });
  const reasons = new Map(run.failures.map((f) => [f.series, `${f.kind}: ${f.reason}`]));
  const hydrated = hydrate(anomalies, series, { before, after }).map((h) =>
    h.error && reasons.has(h.series) ? { ...h, error: `${h.error} (${reasons.get(h.series)})` } : h
  );
  return { hydrated, run };
}
