/**
 * One HTTP request with a timeout and retries (exponential backoff with jitter) on timeouts, connection errors
 * and 5xx answers; never on 4xx. Private to `lib/sources`.
 *
 * @module
 */

/** Options for {@link requestWithRetry}. */
export interface RequestOptions {
  /** Give up one attempt after this long (the body read included). @default 30_000 */
  timeoutMs?: number;
  /** Retries after the first attempt (so at most `retries + 1` requests). @default 3 */
  retries?: number;
  /** Base of the exponential backoff: retry `k` (0-based) waits `min(maxBackoffMs, backoffMs × 2^k)`, half of it
   * fixed and half random (jitter). @default 500 */
  backoffMs?: number;
  /** Upper bound of one backoff wait. @default 10_000 */
  maxBackoffMs?: number;
  /** The `fetch` to use (injectable for tests). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** How to wait between attempts (injectable for tests). @default a `setTimeout` promise */
  sleep?: (ms: number) => Promise<void>;
  /** Random numbers in [0, 1) for the jitter. @default Math.random */
  random?: () => number;
  /** A secret (e.g. a token) that must never appear in a returned reason or body; replaced by `[redacted]`.
   * @default undefined */
  secret?: string;
  /** Keep a 2xx answer as bytes (`bytes`, with `body` empty) instead of decoding it as UTF-8 text, for binary
   * formats such as Graphite's pickle. Error answers are always decoded. @default false */
  binary?: boolean;
}

/** How a request ended. `attempts` counts the HTTP requests made. */
export type RequestOutcome =
  | { ok: true; status: number; body: string; bytes?: Uint8Array; contentType: string; attempts: number }
  | {
    ok: false;
    kind: "http" | "timeout" | "network";
    reason: string;
    status?: number;
    body?: string;
    attempts: number;
  };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Removes `secret` from `text`.
 *
 * @param text Any text.
 * @param secret The secret; nothing happens when it is empty or undefined.
 * @returns The text with every occurrence of the secret replaced by `[redacted]`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redact } from "./_request.ts";
 * assert.equal(redact("Bearer abc", "abc"), "Bearer [redacted]");
 * ```
 */
export function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join("[redacted]") : text;
}

/**
 * A short, single-line excerpt of a response body: HTML tags removed, whitespace collapsed.
 *
 * @param body The body text.
 * @param max Maximum length.
 * @returns The excerpt.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { snippet } from "./_request.ts";
 * assert.equal(snippet("<p>Graphite   error</p>\n"), "Graphite error");
 * ```
 */
export function snippet(body: string, max = 160): string {
  const text = body.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, " ").replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ").trim();
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

/**
 * Sends one request, retrying timeouts, connection errors and 5xx answers with exponential backoff and jitter;
 * 4xx answers are returned at once. The timeout covers reading the body. Never throws for a network outcome.
 *
 * @param url The URL.
 * @param init Method, headers, body.
 * @param options See {@link RequestOptions}.
 * @returns The body on a 2xx answer, otherwise the kind of failure with a reason free of `options.secret`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requestWithRetry } from "./_request.ts";
 * let calls = 0;
 * const fetch = () => Promise.resolve(new Response("oops", { status: ++calls < 3 ? 503 : 200 }));
 * const out = await requestWithRetry("http://x/", {}, { fetch, sleep: () => Promise.resolve() });
 * assert.ok(out.ok && out.attempts === 3);
 * ```
 */
export async function requestWithRetry(
  url: string,
  init: RequestInit,
  options: RequestOptions = {},
): Promise<RequestOutcome> {
  const {
    timeoutMs = 30_000,
    retries = 3,
    backoffMs = 500,
    maxBackoffMs = 10_000,
    fetch: fetchFn = globalThis.fetch,
    sleep = defaultSleep,
    random = Math.random,
    secret,
    binary = false,
  } = options;
  if (!(timeoutMs > 0)) {
    throw new RangeError(`Cannot request ${url}: timeoutMs must be positive, current value is ${timeoutMs}`);
  }
  if (!Number.isInteger(retries) || retries < 0) {
    throw new RangeError(
      `Cannot request ${url}: retries must be an integer >= 0, current value is ${retries}`,
    );
  }
  const clean = (text: string) => redact(text, secret);
  let attempts = 0;
  for (;;) {
    attempts++;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException("timeout", "TimeoutError"));
    }, timeoutMs);
    let outcome: RequestOutcome;
    try {
      const response = await fetchFn(url, { ...init, signal: controller.signal });
      if (response.ok && binary) {
        const bytes = new Uint8Array(await response.arrayBuffer());
        return {
          ok: true,
          status: response.status,
          body: "",
          bytes,
          contentType: response.headers.get("content-type") ?? "",
          attempts,
        };
      }
      const body = await response.text();
      if (response.ok) {
        return {
          ok: true,
          status: response.status,
          body,
          contentType: response.headers.get("content-type") ?? "",
          attempts,
        };
      }
      const text = snippet(clean(body));
      outcome = {
        ok: false,
        kind: "http",
        status: response.status,
        body: clean(body),
        reason: `HTTP ${response.status}${response.statusText ? " " + response.statusText : ""}${
          text ? ": " + text : ""
        }`,
        attempts,
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcome = timedOut
        ? {
          ok: false,
          kind: "timeout",
          reason: `timeout: no complete answer within ${timeoutMs} ms`,
          attempts,
        }
        : { ok: false, kind: "network", reason: `connection error: ${clean(message)}`, attempts };
    } finally {
      clearTimeout(timer);
    }
    const retryable = outcome.kind !== "http" || (outcome.status ?? 0) >= 500;
    if (!retryable || attempts > retries) {
      if (attempts > 1) outcome.reason += ` (after ${attempts} attempts)`;
      return outcome;
    }
    const cap = Math.min(maxBackoffMs, backoffMs * 2 ** (attempts - 1));
    await sleep(cap / 2 + random() * (cap / 2));
  }
}
