/**
 * A loopback HTTP receiver standing in for Slack, Grafana or a webhook in tests: records every request and
 * answers with what the test says. Test support only; never exported by `mod.ts`.
 *
 * @module
 */
import type { Alert } from "../../lib/alerts/types.ts";
import { episodeId } from "../../lib/detect/anomaly_id.ts";

/** One request received. */
export interface Received {
  /** Method. */
  method: string;
  /** Path and query. */
  path: string;
  /** Request headers. */
  headers: Headers;
  /** Body text. */
  body: string;
  /** `performance.now()` when it arrived. */
  at: number;
}

/** A running receiver. */
export interface Receiver {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** Requests so far. */
  requests: Received[];
  /** Stops it. */
  stop(): Promise<void>;
}

/**
 * Starts a receiver on 127.0.0.1 and an ephemeral port.
 *
 * @param respond Answers the `n`th request (0-based). @default `200 ok`
 * @returns The receiver.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startReceiver } from "./alert_receiver.ts";
 * const r = startReceiver(() => new Response("ok"));
 * assert.equal(await (await fetch(r.url + "/x", { method: "POST", body: "hi" })).text(), "ok");
 * assert.equal(r.requests[0].body, "hi");
 * await r.stop();
 * ```
 */
export function startReceiver(
  respond: (request: Received, n: number) => Response | Promise<Response> = () => new Response("ok"),
): Receiver {
  const requests: Received[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const received: Received = {
      method: req.method,
      path: url.pathname + url.search,
      headers: req.headers,
      body: await req.text(),
      at: performance.now(),
    };
    requests.push(received);
    return respond(received, requests.length - 1);
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, requests, stop: () => server.shutdown() };
}

/** An `Alert` for tests, with overrides (`id`, `series`, `end` and `timestamp` follow `subject` and `start`). */
export function testAlert(overrides: Partial<Alert> = {}): Alert {
  const subject = overrides.subject ?? "statsd.n1.gauges.aggregator.lag.Agg";
  const start = overrides.start ?? 0;
  return {
    id: episodeId("anomaly", subject, start),
    subject,
    kind: "anomaly",
    machine: "n1",
    aggregator: "Agg",
    series: [subject],
    severity: "high",
    score: 0.9,
    start,
    end: start + 3_600_000,
    timestamp: new Date(start).toISOString(),
    ongoing: false,
    durationMs: 7_200_000,
    observed: 5,
    expected: 1,
    reasons: ["robust_z: 5 vs 1 expected"],
    title: "High: n1 · Agg",
    summary: "high anomaly (score 0.9)",
    ...overrides,
  };
}
