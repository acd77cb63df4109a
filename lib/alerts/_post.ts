/**
 * How the alert sinks POST: the library's HTTP client (`lib/http/request.ts`) with the sinks' defaults — a
 * 10 s timeout, backoff from 1 s up to 30 s, reasons without the status text and with up to 300 characters of
 * the answer — and the checks of the numeric options every sink shares. Private to `lib/alerts`.
 *
 * @module
 */
import { type HttpResult, request, type RequestOptions } from "../http/request.ts";

/** The request options every sink takes (for Slack, `sleep` also paces the messages). */
export type SinkHttpOptions = Pick<
  RequestOptions,
  "retries" | "timeoutMs" | "backoffMs" | "fetch" | "sleep" | "random"
>;

/**
 * POSTs a body for a sink, with the sinks' defaults (see the module); options given as `undefined` keep them.
 *
 * @param url The URL.
 * @param init Headers and body.
 * @param options The request options (see `RequestOptions`).
 * @returns The client's result.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { post } from "./_post.ts";
 * let calls = 0;
 * const fetch = () => Promise.resolve(new Response("busy", { status: ++calls < 2 ? 429 : 200 }));
 * const waits: number[] = [];
 * const out = await post("http://x/", { body: "{}" }, {
 *   fetch, sleep: (ms) => (waits.push(ms), Promise.resolve()), random: () => 0,
 * });
 * assert.ok(out.ok && out.attempts === 2);
 * assert.deepEqual(waits, [500]);
 * ```
 */
export function post(
  url: string,
  init: { headers?: Record<string, string>; body: string },
  options: RequestOptions = {},
): Promise<HttpResult> {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return request(url, { method: "POST", headers: init.headers, body: init.body }, {
    timeoutMs: 10_000,
    backoffMs: 1_000,
    maxBackoffMs: 30_000,
    statusText: false,
    detailChars: 300,
    ...defined,
  });
}

/**
 * Checks the numeric options every sink shares, before anything is sent.
 *
 * @param action What the caller was doing, e.g. `send Slack alerts`.
 * @param values The options to check (absent ones are skipped).
 * @throws {RangeError} When one is out of range.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkNumbers } from "./_post.ts";
 * assert.throws(() => checkNumbers("send", { retries: -1 }), /retries must be an integer >= 0, current value is -1/);
 * ```
 */
export function checkNumbers(
  action: string,
  values: { timeoutMs?: number; retries?: number; minIntervalMs?: number; backoffMs?: number },
): void {
  const { timeoutMs, retries, minIntervalMs, backoffMs } = values;
  if (timeoutMs !== undefined && !(timeoutMs > 0 && timeoutMs < Infinity)) {
    throw new RangeError(`Cannot ${action}: timeoutMs must be positive, current value is ${timeoutMs}`);
  }
  if (retries !== undefined && !(Number.isInteger(retries) && retries >= 0)) {
    throw new RangeError(`Cannot ${action}: retries must be an integer >= 0, current value is ${retries}`);
  }
  for (const [name, v] of [["minIntervalMs", minIntervalMs], ["backoffMs", backoffMs]] as const) {
    if (v !== undefined && !(v >= 0 && v < Infinity)) {
      throw new RangeError(`Cannot ${action}: ${name} must be >= 0, current value is ${v}`);
    }
  }
}
