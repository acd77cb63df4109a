import { request } from "../http/request.ts";
import { displayUrl } from "../sources/display_url.ts";
import type { GrafanaDashboard } from "./types.ts";
import { grafanaBase } from "./_grafana_base.ts";

/** Options for {@link pushDashboard}. */
export interface PushDashboardOptions {
  /** Grafana's base URL, e.g. `https://grafana.example.com` or `https://host/grafana`. */
  grafanaUrl: string;
  /** A Grafana service-account token with dashboard write access (sent as `Authorization: Bearer …`; never in a
   * result or an error). */
  token: string;
  /** The folder to save it in (Grafana's `folderUid`). @default undefined (the General folder, or where it is) */
  folderUid?: string;
  /** The version message Grafana keeps. @default "graphite-anomaly: deno task dashboard --push" */
  message?: string;
  /** Give up one attempt after this long, ms. @default 30_000 */
  timeoutMs?: number;
  /** Retries on timeouts, connection errors, 5xx and 429 (saving by uid with `overwrite` is idempotent).
   * @default 2 */
  retries?: number;
  /** The `fetch` to use (tests). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** How to wait between attempts (tests). @default a timer */
  sleep?: (ms: number) => Promise<void>;
}

/** What Grafana answered. */
export interface PushedDashboard {
  /** The dashboard's uid. */
  uid: string;
  /** Where it is, absolute. */
  url: string;
  /** Grafana's version number of the dashboard after the save. */
  version?: number;
  /** Grafana's `status` (`success`). */
  status: string;
}

/** Grafana's JSON error body: `{"message": "…"}`; anything else as text. */
function grafanaMessage(_status: number, body: string): string {
  try {
    const parsed = JSON.parse(body);
    if (parsed && typeof parsed.message === "string") return parsed.message;
  } catch {
    // not JSON: the text itself
  }
  return body;
}

/**
 * Saves a dashboard in Grafana, overwriting the one with the same uid: one `POST <grafanaUrl>/api/dashboards/db`
 * with `{ dashboard, overwrite: true, message, folderUid? }` (the dashboard's `id` null, so Grafana matches it by
 * uid) and `Authorization: Bearer <token>`, through the library's HTTP client (timeouts, retries with backoff).
 *
 * @param dashboard The dashboard (from `grafanaDashboard`).
 * @param options See {@link PushDashboardOptions}.
 * @returns The uid, the absolute URL Grafana gives it and its version.
 * @throws {TypeError} When `grafanaUrl` is not an http(s) URL or the token is empty.
 * @throws {Error} When Grafana refuses or cannot be reached: `Cannot push the dashboard: <reason>, current value
 * is <api URL>` (never the token).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pushDashboard } from "./push_dashboard.ts";
 * let sent: { auth: string | null; body: { overwrite: boolean; dashboard: { uid: string } } } | undefined;
 * const fetch = (_url: string | URL | Request, init?: RequestInit) => {
 *   sent = { auth: new Headers(init?.headers).get("authorization"), body: JSON.parse(String(init?.body)) };
 *   return Promise.resolve(Response.json({ status: "success", uid: "ops", url: "/d/ops/ops", version: 3 }));
 * };
 * const dashboard = { uid: "ops", title: "ops" } as unknown as Parameters<typeof pushDashboard>[0];
 * const out = await pushDashboard(dashboard, { grafanaUrl: "http://grafana:3000", token: "t0k", fetch });
 * assert.equal(out.url, "http://grafana:3000/d/ops/ops");
 * assert.equal(sent?.auth, "Bearer t0k");
 * assert.equal(sent?.body.overwrite, true);
 * ```
 */
export async function pushDashboard(
  dashboard: GrafanaDashboard,
  options: PushDashboardOptions,
): Promise<PushedDashboard> {
  const {
    grafanaUrl,
    token,
    folderUid,
    message = "graphite-anomaly: deno task dashboard --push",
    timeoutMs = 30_000,
    retries = 2,
    fetch,
    sleep,
  } = options;
  const base = grafanaBase(grafanaUrl, "push the dashboard", displayUrl);
  if (typeof token !== "string" || !token) {
    throw new TypeError(
      "Cannot push the dashboard: a Grafana token is needed (GRAFANA_TOKEN), current value is empty",
    );
  }
  const api = new URL("api/dashboards/db", base).href;
  const body: Record<string, unknown> = { dashboard: { ...dashboard, id: null }, overwrite: true, message };
  if (folderUid) body.folderUid = folderUid;
  const secrets = [token, base.username, base.password].filter((s) => s.length >= 3);
  const out = await request(api, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json",
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify(body),
  }, { timeoutMs, retries, secrets, describe: grafanaMessage, fetch, sleep });
  if (!out.ok) {
    throw new Error(`Cannot push the dashboard: ${out.reason}, current value is ${displayUrl(api)}`);
  }
  let answer: { uid?: unknown; url?: unknown; version?: unknown; status?: unknown } = {};
  try {
    answer = JSON.parse(out.body) ?? {};
  } catch {
    // a 2xx without JSON: saved, described from what was sent
  }
  const uid = typeof answer.uid === "string" ? answer.uid : dashboard.uid;
  const path = typeof answer.url === "string" && answer.url.startsWith("/") ? answer.url : undefined;
  const url = path ? new URL(path, base.origin).href : new URL(`d/${encodeURIComponent(uid)}`, base).href;
  const pushed: PushedDashboard = {
    uid,
    url: displayUrl(url),
    status: typeof answer.status === "string" ? answer.status : "success",
  };
  if (typeof answer.version === "number") pushed.version = answer.version;
  return pushed;
}
