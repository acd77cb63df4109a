import type { Alert, DeliveryResult } from "./types.ts";
import { checkNumbers, post, type SinkHttpOptions } from "./_post.ts";
import { describeSecret, urlSecrets } from "./_format.ts";

/** Options for {@link postGrafanaAnnotations}. */
export interface PostGrafanaAnnotationsOptions extends SinkHttpOptions {
  /** Grafana's base URL, e.g. `https://grafana.example.com` or `https://host/grafana/`. */
  grafanaUrl: string;
  /** A Grafana service-account token (sent as `Authorization: Bearer …`; never in a result or an error). */
  token: string;
  /** Put the annotations on this dashboard only. @default undefined (an organisation-wide annotation) */
  dashboardUID?: string;
  /** With `dashboardUID`: on this panel only. @default undefined */
  panelId?: number;
  /** Tags added to every annotation, after the alert's own. @default [] */
  extraTags?: readonly string[];
}

/** Text for an HTML attribute (Grafana renders annotation text as sanitised HTML). */
const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Grafana's JSON error body: `{"message": "…"}`; anything else as text. */
function grafanaMessage(_status: number, body: string): string {
  try {
    const parsed = JSON.parse(body);
    if (parsed && typeof parsed.message === "string") return parsed.message;
  } catch {
    // not JSON: the text itself
  }
  return body.replace(/<[^>]*>/g, " ");
}

/**
 * Marks alerts on Grafana's graphs: one `POST <grafanaUrl>/api/annotations` per alert with
 * `{ time, timeEnd, tags, text, dashboardUID?, panelId? }` (times in epoch ms, `timeEnd` the last anomalous
 * point; tags: the shard, the aggregator, the severity, `anomaly`, and `fleet` for a fleet incident; the text
 * ends with a link to the dashboard when the alert has a `dashboardUrl`) and
 * `Authorization: Bearer <token>`. The result carries the annotation's `id` from Grafana's `{ id, message }`
 * answer; a 401/403/4xx/5xx is in `error` with Grafana's `message` (after a 401, 403 or 404 the remaining
 * alerts are not tried: they would fail the same way). 5xx, 429, timeouts and connection errors
 * are retried (a timeout after Grafana stored the annotation can then make a duplicate). The token never
 * appears in a result.
 *
 * @param alerts The alerts.
 * @param options See {@link PostGrafanaAnnotationsOptions}.
 * @returns One result per alert, in the same order (`sink: "grafana"`).
 * @throws {TypeError} When `grafanaUrl` is not an http(s) URL or `token` is not a non-empty string.
 * @throws {RangeError} When a numeric option is out of range.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { postGrafanaAnnotations } from "./grafana_annotations.ts";
 * const seen: { url: string; auth: string | null; body: { time: number; tags: string[] } }[] = [];
 * const fetch = (url: string | URL | Request, init?: RequestInit) => {
 *   seen.push({ url: String(url), auth: new Headers(init?.headers).get("authorization"),
 *     body: JSON.parse(String(init?.body)) });
 *   return Promise.resolve(Response.json({ id: 42, message: "Annotation added" }));
 * };
 * const alert = { id: "a@t", subject: "a", kind: "anomaly" as const, machine: "n1", aggregator: "Agg",
 *   series: ["a"], severity: "high" as const, score: 0.9, start: 1000, end: 2000, timestamp: "", ongoing: false,
 *   durationMs: 1000, reasons: [], title: "High: n1 · Agg", summary: "…" };
 * const [result] = await postGrafanaAnnotations([alert], { grafanaUrl: "http://grafana", token: "t0k", fetch });
 * assert.equal(result.annotationId, 42);
 * assert.equal(seen[0].url, "http://grafana/api/annotations");
 * assert.equal(seen[0].auth, "Bearer t0k");
 * assert.deepEqual(seen[0].body.tags, ["n1", "Agg", "high", "anomaly"]);
 * ```
 */
export async function postGrafanaAnnotations(
  alerts: readonly Alert[],
  options: PostGrafanaAnnotationsOptions,
): Promise<DeliveryResult[]> {
  const {
    grafanaUrl,
    token,
    dashboardUID,
    panelId,
    extraTags = [],
    retries = 3,
    timeoutMs = 10_000,
    backoffMs = 1_000,
    fetch,
    sleep,
    random,
  } = options;
  let base: URL | undefined;
  try {
    base = new URL(grafanaUrl.endsWith("/") ? grafanaUrl : grafanaUrl + "/");
  } catch {
    // reported below
  }
  if (!base || (base.protocol !== "https:" && base.protocol !== "http:")) {
    throw new TypeError(
      `Cannot post Grafana annotations: grafanaUrl must be an http(s) URL, current value is ${
        describeSecret(grafanaUrl)
      }`,
    );
  }
  if (typeof token !== "string" || !token) {
    throw new TypeError(
      `Cannot post Grafana annotations: token must be a non-empty string, current value is ${
        describeSecret(token)
      }`,
    );
  }
  if (panelId !== undefined && !Number.isInteger(panelId)) {
    throw new TypeError(
      `Cannot post Grafana annotations: panelId must be an integer, current value is ${panelId}`,
    );
  }
  checkNumbers("post Grafana annotations", { timeoutMs, retries, backoffMs });
  const url = new URL("api/annotations", base).href;
  const secrets = [token, ...(base.username || base.password ? urlSecrets(grafanaUrl) : [])];
  const results: DeliveryResult[] = [];
  let fatal: string | undefined;
  for (const alert of alerts) {
    if (fatal) {
      results.push({
        sink: "grafana",
        alertId: alert.id,
        subject: alert.subject,
        ok: false,
        attempts: 0,
        error: `not sent: an earlier annotation got ${fatal}`,
      });
      continue;
    }
    const tags = [
      ...(alert.kind === "anomaly" && alert.machine ? [alert.machine] : []),
      ...(alert.aggregator ? [alert.aggregator] : []),
      alert.severity,
      "anomaly",
      ...(alert.kind === "fleet" ? ["fleet"] : []),
      ...extraTags,
    ];
    const body: Record<string, unknown> = {
      time: alert.start,
      timeEnd: alert.end,
      tags,
      text: `${alert.title}${
        alert.escalatedFrom ? ` (escalated from ${alert.escalatedFrom})` : ""
      }\n${alert.summary}\nid ${alert.id}${
        alert.dashboardUrl ? `\n<a href="${escapeHtml(alert.dashboardUrl)}">Open in Grafana</a>` : ""
      }`,
    };
    if (dashboardUID !== undefined) body.dashboardUID = dashboardUID;
    if (panelId !== undefined) body.panelId = panelId;
    const out = await post(url, {
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify(body),
    }, { fetch, sleep, random, timeoutMs, retries, backoffMs, secrets, describe: grafanaMessage });
    const result: DeliveryResult = {
      sink: "grafana",
      alertId: alert.id,
      subject: alert.subject,
      ok: out.ok,
      attempts: out.attempts,
    };
    if (out.status !== undefined) result.status = out.status;
    if (out.ok) {
      try {
        const id = JSON.parse(out.body)?.id;
        if (typeof id === "number") result.annotationId = id;
      } catch {
        // a 2xx without JSON: delivered, no id
      }
    } else {
      result.error = out.reason;
      if (out.status === 401 || out.status === 403 || out.status === 404) fatal = out.reason;
    }
    results.push(result);
  }
  return results;
}
