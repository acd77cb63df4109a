import { type Config, isLive } from "../sources/config.ts";
import { fetchSource, type SourceRun } from "../sources/fetch_source.ts";
import { crop } from "../series/crop.ts";
import type { Series } from "../series/types.ts";
import { parseWhen } from "../series/parse_when.ts";

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
 * (Graphite serves a long range from a coarser archive); the series keep it. What `deno task train` reads.
 *
 * @param config A parsed config.
 * @param options See {@link FetchWindowOptions}.
 * @returns The series, what the source answered, and the window as epoch ms.
 * @throws {RangeError} When `from` is not before `until`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fetchWindow } from "./fetch_window.ts";
 * import { parseConfig } from "../sources/config.ts";
 * const config = parseConfig({ source: "csv", data: [new URL("../../data", import.meta.url).pathname] }, "inline");
 * const { series, from, until } = await fetchWindow(config, { from: "-7d", now: 0 });
 * assert.ok(series.length > 0 && until - from === 7 * 86_400_000);
 * ```
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
