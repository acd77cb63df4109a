import { compileTemplate, DEFAULT_TEMPLATE } from "../series/template.ts";
import { mapPool } from "./_pool.ts";
import { checkWindow, renderTarget } from "./_render.ts";
import type { SourceHttpOptions, SourceResult } from "./types.ts";

export type { FailureKind, SourceFailure, SourceResult } from "./types.ts";

/** Options for {@link fetchGraphite}. */
export interface FetchGraphiteOptions extends SourceHttpOptions {
  /**
   * Where `/render` lives: graphite-web itself (`http://graphite:8080`) or Grafana's datasource proxy
   * (`https://grafana/api/datasources/proxy/uid/<uid>`), which passes Graphite's answer through unchanged.
   */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` (for Grafana); never logged nor put in a failure. @default undefined */
  token?: string;
  /** Window start, epoch ms (sent as whole seconds; Graphite's first point is the first slot after it). */
  from: number;
  /** Window end, epoch ms (sent as whole seconds). */
  until: number;
  /** Template that parses each answered path into labels. @default DEFAULT_TEMPLATE */
  template?: string;
  /** Sent as `maxDataPoints` (Graphite then consolidates longer series). @default undefined (not sent) */
  maxDataPoints?: number;
  /** Requests in flight at once (one request per target). @default 8 */
  concurrency?: number;
  /** `GET`, `POST` (form body), or `auto`: POST when the GET URL would exceed 4000 characters. @default "auto" */
  method?: "GET" | "POST" | "auto";
  /** Ask for gzip-compressed answers. graphite-web compresses in Python at roughly 12 MB/s, which is slower than
   * a LAN or loopback (a 100-series × 3-day answer is ~15 MB: 0.5 s plain, 1.2 s gzipped); turn it on for slow
   * links. @default false */
  gzip?: boolean;
  /** Render format. `raw` (`name,start,end,step|v,…`) is several times cheaper for graphite-web to write than
   * JSON, and `pickle` cheaper still (no number formatting; read by a safe decoder that refuses anything but plain
   * data); an answer in another of the three (a server that ignores `format`) is still understood.
   * @default "pickle" */
  format?: "pickle" | "raw" | "json";
}

/**
 * Fetches targets from Graphite's render API (`GET {baseUrl}/render?target=…&from=…&until=…&format=json`), one
 * request per target (a target may be a wildcard such as `statsd.*.gauges.…` or a brace list), at most
 * `concurrency` at a time. Each outcome is recorded per target and none is fatal: an unknown target (Graphite's
 * `200 []`) is `no-data`, a series with only nulls `all-null` (left out of `series`), a 500 page `http` (after
 * retries), a 4xx `http` (no retry but 429), a bad body `malformed`, a hang `timeout`, a refused connection
 * `network`, an answer over `maxBytes` `too_large`.
 * The token never appears in the result.
 *
 * @param targets Graphite targets.
 * @param options See {@link FetchGraphiteOptions}.
 * @returns The usable series (on Graphite's regular grid, labels from the template), failures and the number
 * of HTTP requests made.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fetchGraphite } from "./graphite.ts";
 * const fetch = (input: string | URL | Request) => {
 *   const target = new URL(String(input)).searchParams.get("target");
 *   const body = target === "a.b" ? [{ target, datapoints: [[1, 60], [2, 120]] }] : [];
 *   return Promise.resolve(Response.json(body));
 * };
 * const out = await fetchGraphite(["a.b", "x.y"], { baseUrl: "http://g", from: 0, until: 180_000, fetch });
 * assert.equal(out.series.length, 1);
 * assert.deepEqual([...out.series[0].values], [1, 2]);
 * assert.deepEqual(out.failures.map((f) => [f.target, f.kind]), [["x.y", "no-data"]]);
 * assert.equal(out.requests, 2);
 * ```
 */
export async function fetchGraphite(targets: string[], options: FetchGraphiteOptions): Promise<SourceResult> {
  const {
    baseUrl,
    token,
    from,
    until,
    template = DEFAULT_TEMPLATE,
    maxDataPoints,
    concurrency = 8,
    method = "auto",
    gzip = false,
    format = "pickle",
    timeoutMs,
    retries,
    backoffMs,
    maxBytes,
    fetch,
    sleep,
    random,
  } = options;
  const base = checkWindow("fetch from Graphite", baseUrl, from, until);
  const ctx = {
    baseUrl: base,
    token,
    from,
    until,
    template: compileTemplate(template),
    maxDataPoints,
    method,
    gzip,
    format,
    request: { timeoutMs, retries, backoffMs, maxBytes, fetch, sleep, random },
  };
  const outcomes = await mapPool(targets, concurrency, (target) => renderTarget(target, ctx));
  return {
    series: outcomes.flatMap((o) => o.series),
    failures: outcomes.flatMap((o) => o.failures),
    requests: outcomes.reduce((sum, o) => sum + o.requests, 0),
  };
}
