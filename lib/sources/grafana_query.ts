import type { Series } from "../series/types.ts";
import { compileTemplate, DEFAULT_TEMPLATE, type Template } from "../series/template.ts";
import { toGrid } from "../series/to_grid.ts";
import { mapPool } from "./_pool.ts";
import { checkWindow } from "./_render.ts";
import { request } from "../http/request.ts";
import { redactAll } from "../http/redact.ts";
import type { SourceFailure, SourceHttpOptions, SourceResult } from "./types.ts";

/** Options for {@link fetchGrafanaQuery}. */
export interface FetchGrafanaQueryOptions extends SourceHttpOptions {
  /** Grafana's base URL, e.g. `https://grafana.example.com` (`/api/ds/query` is appended). */
  baseUrl: string;
  /** The uid of the Graphite datasource. */
  uid: string;
  /** Sent as `Authorization: Bearer <token>`; never logged nor put in a failure. @default undefined */
  token?: string;
  /** Window start, epoch ms. */
  from: number;
  /** Window end, epoch ms. */
  until: number;
  /** The series' step in ms, sent as `intervalMs`. @default 60_000 */
  step?: number;
  /** Sent as `maxDataPoints`; at least the point count, or Graphite consolidates (averages).
   * @default ceil((until - from) / step) + 1 */
  maxDataPoints?: number;
  /** Template that parses each series name into labels. @default DEFAULT_TEMPLATE */
  template?: string;
  /** Queries per request (refIds `A`, `B`, … within one request). @default 100 */
  batchSize?: number;
  /** Requests in flight at once. @default 4 */
  concurrency?: number;
  /** Ask for gzip-compressed answers. Worth it on slow links; on a LAN or loopback compressing costs more than it
   * saves. @default false */
  gzip?: boolean;
}

interface Field {
  name?: string;
  type?: string;
  config?: { displayNameFromDS?: string; displayName?: string };
}
interface Frame {
  schema?: { name?: string; refId?: string; fields?: Field[] };
  data?: { values?: unknown[][] };
}
interface RefResult {
  error?: string;
  status?: number;
  frames?: Frame[];
}

function refId(i: number): string {
  let s = "";
  for (let n = i; n >= 0; n = Math.floor(n / 26) - 1) s = String.fromCharCode(65 + (n % 26)) + s;
  return s;
}

function frameToSeries(frame: Frame, template: Template, step: number): Series | string {
  const fields = frame.schema?.fields;
  const values = frame.data?.values;
  if (!Array.isArray(fields) || !Array.isArray(values)) return "a frame without schema.fields or data.values";
  const ti = fields.findIndex((f) => f.type === "time");
  const vi = fields.findIndex((f) => f.type === "number");
  if (ti < 0 || vi < 0 || !Array.isArray(values[ti]) || !Array.isArray(values[vi])) {
    return "a frame without a time field and a number field";
  }
  const field = fields[vi];
  const key = field.config?.displayNameFromDS ?? field.config?.displayName ?? frame.schema?.name ??
    field.name ??
    "";
  const ts = values[ti] as unknown[];
  const vs = values[vi] as unknown[];
  const n = Math.min(ts.length, vs.length);
  const times = new Float64Array(n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    times[i] = typeof ts[i] === "number" ? ts[i] as number : NaN;
    out[i] = typeof vs[i] === "number" ? vs[i] as number : NaN;
    if (Number.isNaN(times[i])) {
      return `time ${i} of ${key} is not epoch ms, current value is ${String(ts[i])}`;
    }
  }
  const labels = template.parse(key) ?? {};
  if (n === 0) return { key, labels, start: 0, step, values: out };
  const gap = n > 1 ? times[1] - times[0] : step;
  let regular = gap > 0;
  for (let i = 1; regular && i < n; i++) if (times[i] !== times[0] + i * gap) regular = false;
  if (regular) return { key, labels, start: times[0], step: gap, values: out };
  const grid = toGrid(times, [out], { source: key, step });
  return { key, labels, start: grid.start, step: grid.step, values: grid.columns[0] };
}

/**
 * Fetches Graphite targets through Grafana's query API, `POST {baseUrl}/api/ds/query` with
 * `{from, to, queries: [{refId, datasource: {uid, type: "graphite"}, target, maxDataPoints, intervalMs}]}`, and
 * turns each data frame of `results[refId].frames` (a time field in ms and a nullable number field named by
 * `config.displayNameFromDS`) into a {@link Series}. Errors are recorded per target: `results[refId].error` is a
 * `query` failure (Grafana answers 400 or 207 when any query failed; the other queries still count), no frame is
 * `no-data`, only nulls `all-null`; a whole request that fails (401, 5xx after retries, timeout, bad body) fails
 * each of its targets. The token never appears in the result.
 *
 * @param targets Graphite targets.
 * @param options See {@link FetchGrafanaQueryOptions}.
 * @returns The usable series, failures and the number of HTTP requests.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fetchGrafanaQuery } from "./grafana_query.ts";
 * const frame = {
 *   schema: { refId: "A", fields: [{ name: "time", type: "time" }, {
 *     name: "value", type: "number", config: { displayNameFromDS: "a.b" },
 *   }] },
 *   data: { values: [[60_000, 120_000], [1, null]] },
 * };
 * const fetch = () => Promise.resolve(Response.json({ results: { A: { frames: [frame] } } }));
 * const out = await fetchGrafanaQuery(["a.b"], { baseUrl: "http://grafana", uid: "g", from: 0, until: 120_000, fetch });
 * assert.equal(out.series[0].key, "a.b");
 * assert.equal(out.series[0].values.length, 2);
 * assert.equal(out.failures.length, 0);
 * ```
 */
export async function fetchGrafanaQuery(
  targets: string[],
  options: FetchGrafanaQueryOptions,
): Promise<SourceResult> {
  const {
    baseUrl,
    uid,
    token,
    from,
    until,
    step = 60_000,
    maxDataPoints = Math.ceil((until - from) / step) + 1,
    template = DEFAULT_TEMPLATE,
    batchSize = 100,
    concurrency = 4,
    gzip = false,
    timeoutMs,
    retries,
    backoffMs,
    maxBytes,
    fetch,
    sleep,
    random,
  } = options;
  const base = checkWindow("query Grafana", baseUrl, from, until);
  if (!(step > 0)) {
    throw new RangeError(`Cannot query Grafana: step must be positive, current value is ${step}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(
      `Cannot query Grafana: batchSize must be an integer >= 1, current value is ${batchSize}`,
    );
  }
  const tpl = compileTemplate(template);
  const batches: string[][] = [];
  for (let i = 0; i < targets.length; i += batchSize) batches.push(targets.slice(i, i + batchSize));
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json",
    "accept-encoding": gzip ? "gzip" : "identity",
  };
  if (token) headers.authorization = `Bearer ${token}`;

  const outcomes = await mapPool(batches, concurrency, async (batch) => {
    const body = JSON.stringify({
      from: String(from),
      to: String(until),
      queries: batch.map((target, i) => ({
        refId: refId(i),
        datasource: { uid, type: "graphite" },
        target,
        maxDataPoints,
        intervalMs: step,
      })),
    });
    const out = await request(`${base}/api/ds/query`, { method: "POST", headers, body }, {
      timeoutMs,
      retries,
      backoffMs,
      maxBytes,
      fetch,
      sleep,
      random,
      secrets: [token],
    });
    const series: Series[] = [];
    const failures: SourceFailure[] = [];
    const failAll = (kind: SourceFailure["kind"], reason: string, status?: number) => {
      for (const target of batch) failures.push({ target, kind, reason: redactAll(reason, [token]), status });
      return { series, failures, requests: out.attempts };
    };
    // Grafana answers 400 (or 207 Multi-Status) with the per-query results when any query failed.
    const text = out.ok
      ? out.body
      : out.kind === "http" && (out.status === 400 || out.status === 207)
      ? out.body
      : "";
    if (!out.ok && text === "") return failAll(out.kind, out.reason, out.status);
    let results: Record<string, RefResult>;
    try {
      const parsed = JSON.parse(text ?? "");
      if (typeof parsed !== "object" || parsed === null || typeof parsed.results !== "object") {
        throw new SyntaxError("no `results` object");
      }
      results = parsed.results;
    } catch (error) {
      if (!out.ok) return failAll(out.kind, out.reason, out.status);
      return failAll("malformed", `malformed answer: ${(error as Error).message}`);
    }
    batch.forEach((target, i) => {
      const result = results[refId(i)];
      if (!result) {
        failures.push({ target, kind: "no-data", reason: "no data: no result for this query" });
        return;
      }
      if (result.error) {
        failures.push({
          target,
          kind: "query",
          reason: redactAll(`query error${result.status ? ` (${result.status})` : ""}: ${result.error}`, [
            token,
          ]),
          status: result.status,
        });
        return;
      }
      const frames = result.frames ?? [];
      if (frames.length === 0) {
        failures.push({
          target,
          kind: "no-data",
          reason: "no data: Grafana returned no frame for this target",
        });
        return;
      }
      for (const frame of frames) {
        let s: Series | string;
        try {
          s = frameToSeries(frame, tpl, step);
        } catch (error) {
          s = (error as Error).message;
        }
        if (typeof s === "string") {
          failures.push({ target, kind: "malformed", reason: `malformed answer: ${s}` });
        } else if (s.values.every(Number.isNaN)) {
          failures.push({
            target,
            series: s.key,
            kind: "all-null",
            reason: `all ${s.values.length} values are null`,
          });
        } else {
          series.push(s);
        }
      }
    });
    return { series, failures, requests: out.attempts };
  });
  return {
    series: outcomes.flatMap((o) => o.series),
    failures: outcomes.flatMap((o) => o.failures),
    requests: outcomes.reduce((sum, o) => sum + o.requests, 0),
  };
}
