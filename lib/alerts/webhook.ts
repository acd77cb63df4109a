import type { Alert, DeliveryResult } from "./types.ts";
import { checkNumbers, post, type SinkHttpOptions } from "./_post.ts";
import { describeSecret, urlSecrets } from "./_format.ts";

/** Options for {@link postWebhook}. */
export interface PostWebhookOptions extends SinkHttpOptions {
  /** Where to POST. Treated as a secret (webhook URLs usually carry one in the path or query): it never
   * appears in a result or an error. */
  url: string;
  /** Extra request headers, e.g. an `authorization`; their values are treated as secrets too. @default {} */
  headers?: Record<string, string>;
}

/**
 * Sends all alerts in one JSON POST, `{ "version": 1, "alerts": [Alert, …] }`, for any receiver (a chat bridge,
 * an incident tool, a script). 5xx, 429, timeouts and connection errors are retried with backoff; other 4xx
 * are not. Nothing is sent when there are no alerts.
 *
 * @param alerts The alerts.
 * @param options See {@link PostWebhookOptions}.
 * @returns One result per alert (`sink: "webhook"`), all with the outcome of the one request.
 * @throws {TypeError} When `url` is not an http(s) URL (the message does not show it).
 * @throws {RangeError} When a numeric option is out of range.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { postWebhook } from "./webhook.ts";
 * const bodies: { version: number; alerts: { subject: string }[] }[] = [];
 * const fetch = (_url: string | URL | Request, init?: RequestInit) => {
 *   bodies.push(JSON.parse(String(init?.body)));
 *   return Promise.resolve(new Response(null, { status: 204 }));
 * };
 * const alert = { id: "a@t", subject: "a", kind: "anomaly" as const, machine: "n1", aggregator: "Agg",
 *   series: ["a"], severity: "high" as const, score: 0.9, start: 0, end: 0, timestamp: "", ongoing: false,
 *   durationMs: 1000, reasons: [], title: "High: n1 · Agg", summary: "…" };
 * const [result] = await postWebhook([alert], { url: "http://hooks.local/x", fetch });
 * assert.equal(result.ok, true);
 * assert.equal(bodies[0].version, 1);
 * assert.equal(bodies[0].alerts[0].subject, "a");
 * ```
 */
export async function postWebhook(
  alerts: readonly Alert[],
  options: PostWebhookOptions,
): Promise<DeliveryResult[]> {
  const { url, headers = {}, retries = 3, timeoutMs = 10_000, backoffMs = 1_000, fetch, sleep, random } =
    options;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (!parsed || (parsed.protocol !== "https:" && parsed.protocol !== "http:")) {
    throw new TypeError(
      `Cannot post the alert webhook: url must be an http(s) URL, current value is ${describeSecret(url)}`,
    );
  }
  checkNumbers("post the alert webhook", { timeoutMs, retries, backoffMs });
  if (alerts.length === 0) return [];
  const secrets = [
    ...urlSecrets(url),
    ...Object.values(headers).flatMap((v) => [v, v.split(" ").pop() ?? ""]).filter((v) => v.length >= 4),
  ];
  const out = await post(url, {
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ version: 1, alerts }),
  }, { fetch, sleep, random, timeoutMs, retries, backoffMs, secrets });
  return alerts.map((alert) => {
    const result: DeliveryResult = {
      sink: "webhook",
      alertId: alert.id,
      subject: alert.subject,
      ok: out.ok,
      attempts: out.attempts,
    };
    if (out.status !== undefined) result.status = out.status;
    if (!out.ok) result.error = out.reason;
    return result;
  });
}
