import type { Alert, DeliveryResult } from "./types.ts";
import {
  describeSecret,
  escapeMrkdwn,
  fmtDuration,
  fmtNumber,
  fmtTime,
  truncate,
  urlSecrets,
} from "./_format.ts";
import { checkNumbers, post, type SinkHttpOptions } from "./_post.ts";

/** Options for {@link sendSlack}. */
export interface SendSlackOptions extends SinkHttpOptions {
  /** The Slack incoming-webhook URL (`https://hooks.slack.com/services/…`). Its path is the secret: it never
   * appears in a result or an error. */
  webhookUrl: string;
  /** A link to the report, shown under each message. @default undefined (no link) */
  reportUrl?: string;
  /** Wait between two messages, ms (Slack allows about one message per second per webhook). @default 1_000 */
  minIntervalMs?: number;
  /** The longest `Retry-After` honoured on a 429; a longer one fails that message. @default 60_000 */
  maxRetryAfterMs?: number;
}

/** Slack answers meaning the webhook itself is unusable (revoked, archived, forbidden): stop sending. */
const FATAL = new Set([
  "no_service",
  "no_team",
  "team_disabled",
  "invalid_token",
  "channel_not_found",
  "channel_is_archived",
  "action_prohibited",
  "posting_to_general_channel_denied",
]);

const ICON = { high: ":red_circle:", medium: ":large_orange_circle:", low: ":large_yellow_circle:" };

/** Inline code for a name: escaped, backticks replaced so they cannot end the span. */
const code = (name: string) => "`" + escapeMrkdwn(name.replace(/`/g, "'")) + "`";

const field = (label: string, value: string) => ({
  type: "mrkdwn",
  text: truncate(`*${label}*\n${value}`, 2000),
});

/** The Block Kit blocks and fallback text of one alert. */
function message(alert: Alert, reportUrl: string | undefined) {
  const when = alert.ongoing
    ? `${fmtDuration(alert.durationMs)}, ongoing`
    : `${fmtDuration(alert.durationMs)}`;
  const why = alert.reasons.length
    ? alert.reasons.slice(0, 4).map((r) => "• " + escapeMrkdwn(r)).join("\n")
    : "—";
  const fields = alert.kind === "fleet"
    ? [
      field(
        "Shards",
        `${alert.machines?.length ?? 0} of ${alert.fleetSize ?? "?"}: ` +
          (alert.machines ?? []).slice(0, 10).map(code).join(", ") +
          ((alert.machines?.length ?? 0) > 10 ? `, … (+${alert.machines!.length - 10} more)` : ""),
      ),
      field("Aggregator", code(alert.aggregator)),
      field("Severity", `${alert.severity} (score ${fmtNumber(alert.score)})`),
      field("Duration", when),
      field("Why", why),
    ]
    : [
      field("Shard", alert.machine ? code(alert.machine) : code(alert.subject)),
      field("Aggregator", alert.aggregator ? code(alert.aggregator) : "—"),
      field("Severity", `${alert.severity} (score ${fmtNumber(alert.score)})`),
      field("Observed vs expected", `${fmtNumber(alert.observed)} vs ${fmtNumber(alert.expected)}`),
      field("Duration", when),
      field("Why", why),
    ];
  const escalated = alert.escalatedFrom ? ` — escalated from ${alert.escalatedFrom}` : "";
  const lead = alert.kind === "fleet"
    ? `Fleet incident on ${code(alert.aggregator)}${escalated}`
    : `Anomaly on ${code(alert.subject)}${escalated}`;
  const context = [
    `id ${code(alert.id)}`,
    `started ${fmtTime(alert.start)}`,
    alert.ongoing ? "still anomalous" : `ended ${fmtTime(alert.end)}`,
  ];
  if (alert.hydration) {
    const { max_value, avg_value, valid_pct } = alert.hydration;
    context.push(
      `24 h: max ${fmtNumber(max_value)}, avg ${fmtNumber(avg_value)}, ${Math.round(valid_pct * 100)}% valid`,
    );
  }
  const blocks: Record<string, unknown>[] = [
    {
      type: "header",
      text: {
        type: "plain_text",
        text: truncate(`${ICON[alert.severity]} ${alert.title}`, 150),
        emoji: true,
      },
    },
    { type: "section", text: { type: "mrkdwn", text: truncate(lead, 3000) }, fields },
    { type: "context", elements: [{ type: "mrkdwn", text: truncate(context.join(" · "), 3000) }] },
  ];
  const safe = (url: string | undefined) => url ? url.replace(/[|<>]/g, encodeURIComponent) : undefined;
  const links = [
    ...(alert.dashboardUrl ? [`<${safe(alert.dashboardUrl)}|Open in Grafana>`] : []),
    ...(reportUrl ? [`<${safe(reportUrl)}|Open the report>`] : []),
  ].join(" · ");
  if (links) blocks.push({ type: "section", text: { type: "mrkdwn", text: links } });
  const text = escapeMrkdwn(`${alert.title}${escalated}\n${alert.summary}\nid ${alert.id}`) +
    (links ? `\n${links}` : "");
  return { text: truncate(text, 3900), blocks };
}

/**
 * Sends alerts to a Slack incoming webhook, one message per alert: Block Kit blocks (a header, a section with
 * shard, aggregator, severity, observed vs expected, duration and why, a context line, links to the Grafana
 * dashboard (the alert's `dashboardUrl`) and to the report when given) and a plain `text` fallback for notifications. Names are escaped for mrkdwn (`&`, `<`, `>`).
 * Messages are paced (`minIntervalMs` apart); a 429 waits for its `Retry-After` and retries; 5xx, timeouts and
 * connection errors are retried with backoff; other 4xx are not. Slack's error (`invalid_payload`, `no_text`,
 * `channel_is_archived`, `no_service`, …) is in `error`; after an answer meaning the webhook itself is unusable
 * (revoked, archived, forbidden) the remaining alerts are not tried. The webhook URL never appears in a result.
 *
 * @param alerts The alerts, in the order to send.
 * @param options See {@link SendSlackOptions}.
 * @returns One result per alert, in the same order (`sink: "slack"`).
 * @throws {TypeError} When `webhookUrl` is not an http(s) URL (the message does not show it).
 * @throws {RangeError} When a numeric option is out of range.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sendSlack } from "./slack.ts";
 * const bodies: { text: string; blocks: unknown[] }[] = [];
 * const fetch = (_url: string | URL | Request, init?: RequestInit) => {
 *   bodies.push(JSON.parse(String(init?.body)));
 *   return Promise.resolve(new Response("ok"));
 * };
 * const alert = { id: "a@t", subject: "a", kind: "anomaly" as const, machine: "n1", aggregator: "Agg",
 *   series: ["a"], severity: "high" as const, score: 0.9, start: 0, end: 0, timestamp: "", ongoing: false,
 *   durationMs: 3_600_000, observed: 5, expected: 1, reasons: [], title: "High: n1 · Agg", summary: "…" };
 * const [result] = await sendSlack([alert], { webhookUrl: "https://hooks.slack.com/services/T/B/x", fetch });
 * assert.equal(result.ok, true);
 * assert.match(bodies[0].text, /High: n1/);
 * ```
 */
export async function sendSlack(
  alerts: readonly Alert[],
  options: SendSlackOptions,
): Promise<DeliveryResult[]> {
  const {
    webhookUrl,
    reportUrl,
    minIntervalMs = 1_000,
    retries = 3,
    timeoutMs = 10_000,
    backoffMs = 1_000,
    maxRetryAfterMs = 60_000,
    fetch,
    sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    random,
  } = options;
  let url: URL | undefined;
  try {
    url = new URL(webhookUrl);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new TypeError(
      `Cannot send Slack alerts: webhookUrl must be an http(s) URL, current value is ${
        describeSecret(webhookUrl)
      }`,
    );
  }
  checkNumbers("send Slack alerts", { timeoutMs, retries, minIntervalMs, backoffMs });
  const secrets = urlSecrets(webhookUrl);
  const results: DeliveryResult[] = [];
  let fatal: string | undefined;
  for (const [i, alert] of alerts.entries()) {
    const base = { sink: "slack", alertId: alert.id, subject: alert.subject };
    if (fatal) {
      results.push({ ...base, ok: false, attempts: 0, error: `not sent: an earlier message got ${fatal}` });
      continue;
    }
    if (i > 0 && minIntervalMs > 0) await sleep(minIntervalMs);
    const out = await post(webhookUrl, {
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify(message(alert, reportUrl)),
    }, { fetch, sleep, random, timeoutMs, retries, backoffMs, maxRetryAfterMs, secrets });
    const result: DeliveryResult = { ...base, ok: out.ok, attempts: out.attempts };
    if (out.status !== undefined) result.status = out.status;
    if (!out.ok) {
      result.error = out.reason;
      const code = out.body.trim();
      if (out.status === 403 || out.status === 404 || out.status === 410 || FATAL.has(code)) {
        fatal = out.reason;
      }
    }
    results.push(result);
  }
  return results;
}
