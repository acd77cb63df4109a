/**
 * The library's one HTTP client, for the sources (Graphite's render API, Grafana) and the alert sinks (Slack,
 * Grafana annotations, webhooks): one request with a timeout that covers reading the body, retries with
 * exponential backoff and jitter (std's `async/retry.ts` shape), `Retry-After` honoured on 429, a maximum
 * answer size, secrets scrubbed from everything it returns, and one result shape. It never throws for a
 * network outcome.
 *
 * @module
 */
import { redactAll } from "./redact.ts";

/** Why a request failed: an HTTP error status, no answer in time, no connection, or an answer too large. */
export type HttpFailureKind = "http" | "timeout" | "network" | "too_large";

/** How a request ended. `attempts` counts the HTTP requests made; texts are free of the given secrets. */
export type HttpResult =
  | {
    ok: true;
    status: number;
    /** The body as text (`""` with `binary`). */
    body: string;
    /** The body as bytes, with `binary`. */
    bytes?: Uint8Array;
    contentType: string;
    attempts: number;
    kind?: undefined;
    reason?: undefined;
  }
  | {
    ok: false;
    kind: HttpFailureKind;
    /** The last HTTP status, when there was an answer. */
    status?: number;
    /** The last answer's body, `""` when there was none (or it was too large). */
    body: string;
    /** One line for people, e.g. `HTTP 503: down (after 4 attempts)`. */
    reason: string;
    attempts: number;
  };

/** A failed attempt, as {@link RequestOptions.isRetriable} sees it. */
export type HttpFailure = Extract<HttpResult, { ok: false }>;

/** Options for {@link request}. */
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
  /** The longest `Retry-After` honoured on a 429; a longer one ends the request as failed. @default 60_000 */
  maxRetryAfterMs?: number;
  /** The largest answer read, bytes; a larger one is a `too_large` failure (never retried by default).
   * @default 268_435_456 (256 MiB) */
  maxBytes?: number;
  /** Which failed attempts are retried. @default timeouts, connection errors, 5xx and 429 */
  isRetriable?: (failure: HttpFailure) => boolean;
  /** Texts that must never appear in what is returned (tokens, webhook URLs and their paths). @default [] */
  secrets?: readonly (string | undefined)[];
  /** Turns an error answer's body into the detail of the reason (e.g. Grafana's JSON `message`); the result is
   * cut to one line of `detailChars`, HTML tags removed. @default the body */
  describe?: (status: number, body: string) => string;
  /** Longest detail in a reason. @default 160 */
  detailChars?: number;
  /** Name the status text after the code (`HTTP 500 Internal Server Error: …`). @default true */
  statusText?: boolean;
  /** Keep a 2xx answer as bytes (`bytes`, with `body` empty) instead of decoding it as UTF-8, for binary formats
   * such as Graphite's pickle. Error answers are always decoded. @default false */
  binary?: boolean;
  /** The `fetch` to use (injectable for tests). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** How to wait between attempts (injectable for tests). @default a `setTimeout` promise */
  sleep?: (ms: number) => Promise<void>;
  /** Random numbers in [0, 1) for the jitter. @default Math.random */
  random?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The default retry policy: timeouts, connection errors, 5xx and 429; never another 4xx or a too-large answer. */
export const isTransient = (f: HttpFailure): boolean =>
  f.kind === "timeout" || f.kind === "network" || (f.status ?? 0) >= 500 || f.status === 429;

/**
 * A short, single-line excerpt of a response body: HTML tags removed, whitespace collapsed.
 *
 * @param body The body text.
 * @param max Maximum length.
 * @returns The excerpt.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { snippet } from "./request.ts";
 * assert.equal(snippet("<p>Graphite   error</p>\n"), "Graphite error");
 * ```
 */
export function snippet(body: string, max = 160): string {
  const text = body.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, " ").replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ").trim();
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

/**
 * The wait a 429 asks for: `Retry-After` in seconds, or an HTTP date taken relative to the answer's `Date`
 * header (so no clock is read).
 *
 * @param headers The answer's headers.
 * @returns Milliseconds, or `undefined` when the header is absent or unusable.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { retryAfterMs } from "./request.ts";
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

/** Reads a body up to `maxBytes`; `undefined` (the stream cancelled) when it is larger. */
async function readLimited(response: Response, maxBytes: number): Promise<Uint8Array | undefined> {
  const declared = Number(response.headers.get("content-length"));
  if (declared > maxBytes) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      // leaving the loop early cancels the stream
      return undefined;
    }
    chunks.push(chunk);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) out.set(c, at), at += c.byteLength;
  return out;
}

/**
 * Sends one request, retrying what {@link RequestOptions.isRetriable} allows (by default timeouts, connection
 * errors, 5xx, and 429 after its `Retry-After`) with exponential backoff and jitter. The timeout covers reading
 * the body; an answer over `maxBytes` is a `too_large` failure. Never throws for a network outcome.
 *
 * @param url The URL.
 * @param init Method, headers, body (its `signal` is the client's).
 * @param options See {@link RequestOptions}.
 * @returns The body on a 2xx answer, otherwise the kind of failure with a reason; free of `options.secrets`.
 * @throws {RangeError} When `timeoutMs`, `retries` or `maxBytes` is out of range.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { request } from "./request.ts";
 * let calls = 0;
 * const fetch = () => Promise.resolve(new Response("busy", { status: ++calls < 3 ? 503 : 200 }));
 * const out = await request("http://x/", {}, { fetch, sleep: () => Promise.resolve() });
 * assert.ok(out.ok && out.attempts === 3 && out.body === "busy");
 * ```
 */
export async function request(
  url: string,
  init: RequestInit,
  options: RequestOptions = {},
): Promise<HttpResult> {
  const {
    timeoutMs = 30_000,
    retries = 3,
    backoffMs = 500,
    maxBackoffMs = 10_000,
    maxRetryAfterMs = 60_000,
    maxBytes = 256 * 1024 * 1024,
    isRetriable = isTransient,
    secrets = [],
    describe = (_status: number, body: string) => body,
    detailChars = 160,
    statusText = true,
    binary = false,
    fetch: fetchFn = globalThis.fetch,
    sleep = defaultSleep,
    random = Math.random,
  } = options;
  const where = redactAll(url, secrets);
  if (!(timeoutMs > 0 && timeoutMs < Infinity)) {
    throw new RangeError(
      `Cannot request ${where}: timeoutMs must be positive, current value is ${timeoutMs}`,
    );
  }
  if (!Number.isInteger(retries) || retries < 0) {
    throw new RangeError(
      `Cannot request ${where}: retries must be an integer >= 0, current value is ${retries}`,
    );
  }
  if (!(maxBytes > 0)) {
    throw new RangeError(`Cannot request ${where}: maxBytes must be positive, current value is ${maxBytes}`);
  }
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
    let failure: HttpFailure, wait: number | undefined;
    try {
      const response = await fetchFn(url, { ...init, signal: controller.signal });
      const bytes = await readLimited(response, maxBytes);
      if (bytes === undefined) {
        failure = {
          ok: false,
          kind: "too_large",
          status: response.status,
          body: "",
          reason: `answer too large: more than ${maxBytes} bytes (maxBytes)`,
          attempts,
        };
      } else if (response.ok) {
        const contentType = response.headers.get("content-type") ?? "";
        if (binary) return { ok: true, status: response.status, body: "", bytes, contentType, attempts };
        const body = clean(new TextDecoder().decode(bytes));
        return { ok: true, status: response.status, body, contentType, attempts };
      } else {
        const body = clean(new TextDecoder().decode(bytes));
        const detail = snippet(clean(describe(response.status, body)), detailChars);
        const text = statusText && response.statusText ? ` ${response.statusText}` : "";
        failure = {
          ok: false,
          kind: "http",
          status: response.status,
          body,
          reason: `HTTP ${response.status}${text}${detail ? ": " + detail : ""}`,
          attempts,
        };
        if (response.status === 429) {
          wait = retryAfterMs(response.headers);
          if (wait !== undefined && wait > maxRetryAfterMs) {
            failure.reason += `; Retry-After ${
              wait / 1000
            } s is longer than maxRetryAfterMs ${maxRetryAfterMs}`;
            if (attempts > 1) failure.reason += ` (after ${attempts} attempts)`;
            return failure; // not worth waiting for
          }
        }
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failure = timedOut
        ? {
          ok: false,
          kind: "timeout",
          body: "",
          reason: `timeout: no complete answer within ${timeoutMs} ms`,
          attempts,
        }
        : { ok: false, kind: "network", body: "", reason: `connection error: ${clean(message)}`, attempts };
    } finally {
      clearTimeout(timer);
    }
    if (!isRetriable(failure) || attempts > retries) {
      if (attempts > 1) failure.reason += ` (after ${attempts} attempts)`;
      return failure;
    }
    if (wait === undefined) {
      const cap = Math.min(maxBackoffMs, backoffMs * 2 ** (attempts - 1));
      wait = cap / 2 + random() * (cap / 2);
    }
    await sleep(wait);
  }
}
