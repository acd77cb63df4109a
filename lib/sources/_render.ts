/**
 * One render request for one target (which may be a wildcard), shared by `fetchGraphite` and `fetchFleet`.
 * Private to `lib/sources`.
 *
 * @module
 */
import type { Template } from "../series/template.ts";
import type { Series } from "../series/types.ts";
import { request, type RequestOptions } from "../http/request.ts";
import { redactAll } from "../http/redact.ts";
import { parseGraphiteJson } from "./parse_graphite_json.ts";
import { parseGraphiteRaw } from "./parse_graphite_raw.ts";
import { parseGraphitePickle } from "./parse_graphite_pickle.ts";
import type { FailureKind, SourceFailure } from "./types.ts";

/** Everything one render request needs, defaults resolved. */
export interface RenderContext {
  /** Base URL without a trailing slash; `/render` is appended. */
  baseUrl: string;
  /** Bearer token, or undefined. */
  token?: string;
  /** Window start, epoch ms. */
  from: number;
  /** Window end, epoch ms. */
  until: number;
  /** Compiled label template. */
  template: Template;
  /** Optional `maxDataPoints`. */
  maxDataPoints?: number;
  /** `GET`, `POST`, or `auto` (POST when the GET URL would exceed 4000 characters). */
  method: "GET" | "POST" | "auto";
  /** Ask for a gzip-compressed answer. */
  gzip: boolean;
  /** Render format: `pickle` (cheapest for graphite-web to write, read by a safe decoder), `raw` (cheap too) or
   * `json`; an answer in another of these formats is still understood. @default "json" */
  format?: "pickle" | "raw" | "json";
  /** Timeout, retries, backoff, fetch, sleep. */
  request: RequestOptions;
}

/** What one target gave. */
export interface RenderOutcome {
  /** Usable series. */
  series: Series[];
  /** Failures (of the request, or of single series). */
  failures: SourceFailure[];
  /** HTTP requests made. */
  requests: number;
  /** Set when the request itself failed (as opposed to an answer without usable series). */
  requestFailed?: FailureKind;
  /** The HTTP status of the final answer, when there was one. */
  status?: number;
}

const MAX_GET_URL = 4000;

/**
 * Validates a window and base URL, the checks every live source shares.
 *
 * @param what The action named in messages, e.g. "fetch from Graphite".
 * @param baseUrl The base URL.
 * @param from Window start, epoch ms.
 * @param until Window end, epoch ms.
 * @returns The base URL without trailing slashes.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkWindow } from "./_render.ts";
 * assert.equal(checkWindow("fetch", "http://g/", 0, 60_000), "http://g");
 * ```
 */
export function checkWindow(what: string, baseUrl: string, from: number, until: number): string {
  if (typeof baseUrl !== "string" || !/^https?:\/\//.test(baseUrl)) {
    throw new TypeError(
      `Cannot ${what}: baseUrl must be an http(s) URL, current value is ${JSON.stringify(baseUrl)}`,
    );
  }
  if (!Number.isFinite(from) || !Number.isFinite(until) || !(from < until)) {
    throw new RangeError(
      `Cannot ${what}: from and until must be finite epoch ms with from < until, current value is ${from}..${until}`,
    );
  }
  return baseUrl.replace(/\/+$/, "");
}

/**
 * Asks `{baseUrl}/render` for one target and parses the answer; never throws for a network outcome.
 *
 * @param target The Graphite target.
 * @param ctx See {@link RenderContext}.
 * @returns Series, failures and the request count.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderTarget } from "./_render.ts";
 * import { compileTemplate } from "../series/template.ts";
 * const fetch = () => Promise.resolve(new Response("[]"));
 * const out = await renderTarget("a.b", {
 *   baseUrl: "http://g", from: 0, until: 60_000, template: compileTemplate("{x}"), method: "GET", gzip: false,
 *   request: { fetch },
 * });
 * assert.equal(out.failures[0].kind, "no-data");
 * ```
 */
export async function renderTarget(target: string, ctx: RenderContext): Promise<RenderOutcome> {
  const params = new URLSearchParams({
    target,
    from: String(Math.floor(ctx.from / 1000)),
    until: String(Math.floor(ctx.until / 1000)),
    format: ctx.format ?? "json",
  });
  if (ctx.maxDataPoints !== undefined) params.set("maxDataPoints", String(ctx.maxDataPoints));
  const headers: Record<string, string> = {
    accept: ctx.format === "pickle"
      ? "application/pickle, text/plain, application/json"
      : ctx.format === "raw"
      ? "text/plain, application/json"
      : "application/json",
    "accept-encoding": ctx.gzip ? "gzip" : "identity",
  };
  if (ctx.token) headers.authorization = `Bearer ${ctx.token}`;
  let url = `${ctx.baseUrl}/render?${params}`;
  const init: RequestInit = { method: "GET", headers };
  if (ctx.method === "POST" || (ctx.method === "auto" && url.length > MAX_GET_URL)) {
    url = `${ctx.baseUrl}/render`;
    init.method = "POST";
    headers["content-type"] = "application/x-www-form-urlencoded";
    init.body = params.toString();
  }
  const out = await request(url, init, {
    ...ctx.request,
    secrets: [ctx.token],
    binary: ctx.format === "pickle",
  });
  if (!out.ok) {
    return {
      series: [],
      failures: [{ target, kind: out.kind, reason: out.reason, status: out.status }],
      requests: out.attempts,
      requestFailed: out.kind,
      status: out.status,
    };
  }
  const parsed = out.bytes
    ? parseGraphitePickle(out.bytes, { target, template: ctx.template })
    : ctx.format === "raw"
    ? parseGraphiteRaw(out.body, { target, template: ctx.template })
    : parseGraphiteJson(out.body, { target, template: ctx.template });
  const failures = parsed.failures.map((f) => ({ ...f, reason: redactAll(f.reason, [ctx.token]) }));
  const malformed = failures.some((f) => f.kind === "malformed" && f.series === undefined);
  return {
    series: parsed.series,
    failures,
    requests: out.attempts,
    requestFailed: malformed ? "malformed" : undefined,
    status: out.status,
  };
}
