/**
 * One POST with a timeout and retries, for the alert sinks. Like `lib/sources/_request.ts` (exponential backoff
 * with jitter on timeouts, connection errors and 5xx; never on other 4xx), plus HTTP 429: wait what
 * `Retry-After` says, then retry. Every text it returns is free of the given secrets. Private to `lib/alerts`.
 *
 * @module
 */
import { redactAll, truncate } from "./_format.ts";

/** Options for {@link postWithRetry}. */
export interface PostOptions {
  /** Give up one attempt after this long (the body read included). @default 10_000 */
  timeoutMs?: number;
  /** Retries after the first attempt (so at most `retries + 1` requests). @default 3 */
  retries?: number;
  /** Base of the exponential backoff: retry `k` (0-based) waits `min(maxBackoffMs, backoffMs × 2^k)`, half of it
   * fixed and half random. @default 1_000 */
  backoffMs?: number;
  /** Upper bound of one backoff wait. @default 30_000 */
  maxBackoffMs?: number;
  /** The longest `Retry-After` honoured on a 429; a longer one ends the delivery as failed. @default 60_000 */
  maxRetryAfterMs?: number;
  /** The `fetch` to use. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** How to wait between attempts. @default a `setTimeout` promise */
  sleep?: (ms: number) => Promise<void>;
  /** Random numbers in [0, 1) for the jitter. @default Math.random */
  random?: () => number;
  /** Texts that must never appear in what is returned (tokens, webhook URLs and their paths). @default [] */
  secrets?: readonly string[];
  /** Turns an error answer's body into a short reason (e.g. Grafana's JSON `message`). @default the body text */
  describe?: (status: number, body: string) => string;
}

/** The request options every sink takes (for Slack, `sleep` also paces the messages). */
export type SinkHttpOptions = Pick<
  PostOptions,
  "retries" | "timeoutMs" | "backoffMs" | "fetch" | "sleep" | "random"
>;

/** How a POST ended. */
export interface PostOutcome {
  /** A 2xx answer. */
  ok: boolean;
  /** The last HTTP status, when there was an answer. */
  status?: number;
  /** The last answer's body (secrets removed), `""` when there was none. */
  body: string;
  /** Requests made. */
  attempts: number;
  /** Why it failed (secrets removed). */
  error?: string;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The wait a 429 asks for: `Retry-After` in seconds, or an HTTP date taken relative to the answer's `Date`
 * header (so no clock is read).
 *
 * @param headers The answer's headers.
 * @returns Milliseconds, or `undefined` when the header is absent or unusable.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { retryAfterMs } from "./_http.ts";
 * assert.equal(retryAfterMs(new Headers({ "retry-after": "2" })), 2000);
 * assert.equal(retryAfterMs(new Headers({})), undefined);
 * ```
 */
export function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value), date = Date.parse(headers.get("date") ?? "");
  return at === at && date === date ? Math.max(0, at - date) : undefined;
}

/**
 * POSTs once, retrying timeouts, connection errors and 5xx answers with exponential backoff and jitter, and
 * 429 answers after their `Retry-After` (backoff when absent); other 4xx answers are returned at once. Never
 * throws for a network outcome.
 *
 * @param url The URL.
 * @param init Headers and body.
 * @param options See {@link PostOptions}.
 * @returns The outcome, free of `options.secrets`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { postWithRetry } from "./_http.ts";
 * let calls = 0;
 * const fetch = () => Promise.resolve(new Response("busy", { status: ++calls < 2 ? 429 : 200 }));
 * const waits: number[] = [];
 * const out = await postWithRetry("http://x/", { body: "{}" }, {
 *   fetch, sleep: (ms) => (waits.push(ms), Promise.resolve()), random: () => 0,
 * });
 * assert.ok(out.ok && out.attempts === 2);
 * assert.deepEqual(waits, [500]);
 * ```
 */
export async function postWithRetry(
  url: string,
  init: { headers?: Record<string, string>; body: string },
  options: PostOptions = {},
): Promise<PostOutcome> {
  const {
    timeoutMs = 10_000,
    retries = 3,
    backoffMs = 1_000,
    maxBackoffMs = 30_000,
    maxRetryAfterMs = 60_000,
    fetch: fetchFn = globalThis.fetch,
    sleep = defaultSleep,
    random = Math.random,
    secrets = [],
    describe = (_status: number, body: string) => body,
  } = options;
  const clean = (text: string) => redactAll(text, secrets);
  let attempts = 0;
  for (;;) {
    attempts++;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException("timeout", "TimeoutError"));
    }, timeoutMs);
    let outcome: PostOutcome, wait: number | undefined, retryable: boolean;
    try {
      const response = await fetchFn(url, {
        method: "POST",
        headers: init.headers,
        body: init.body,
        signal: controller.signal,
      });
      const body = clean(await response.text());
      if (response.ok) return { ok: true, status: response.status, body, attempts };
      const detail = clean(truncate(describe(response.status, body).replace(/\s+/g, " ").trim(), 300));
      outcome = {
        ok: false,
        status: response.status,
        body,
        attempts,
        error: `HTTP ${response.status}${detail ? ": " + detail : ""}`,
      };
      retryable = response.status >= 500 || response.status === 429;
      if (response.status === 429) {
        const asked = retryAfterMs(response.headers);
        if (asked !== undefined && asked > maxRetryAfterMs) {
          outcome.error += `; Retry-After ${
            asked / 1000
          } s is longer than maxRetryAfterMs ${maxRetryAfterMs}`;
          retryable = false;
        }
        wait = asked;
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcome = {
        ok: false,
        body: "",
        attempts,
        error: timedOut
          ? `timeout: no complete answer within ${timeoutMs} ms`
          : `connection error: ${clean(message)}`,
      };
      retryable = true;
    } finally {
      clearTimeout(timer);
    }
    if (!retryable || attempts > retries) {
      if (attempts > 1) outcome.error += ` (after ${attempts} attempts)`;
      return outcome;
    }
    if (wait === undefined) {
      const cap = Math.min(maxBackoffMs, backoffMs * 2 ** (attempts - 1));
      wait = cap / 2 + random() * (cap / 2);
    }
    await sleep(wait);
  }
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
 * import { checkNumbers } from "./_http.ts";
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
