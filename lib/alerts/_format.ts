/**
 * Formatting shared by the alert builders and sinks. Private to `lib/alerts`.
 *
 * @module
 */

const MINUTE = 60_000, HOUR = 3_600_000, DAY = 86_400_000;

/**
 * A number for people: up to 3 significant digits, no exponent for ordinary magnitudes.
 *
 * @param v The number (`null`/`NaN` → `no data`).
 * @returns The text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fmtNumber } from "./_format.ts";
 * assert.equal(fmtNumber(0.31234), "0.312");
 * assert.equal(fmtNumber(12345.6), "12346");
 * assert.equal(fmtNumber(null), "no data");
 * ```
 */
export function fmtNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || v !== v) return "no data";
  if (Math.abs(v) >= 1000) return String(Math.round(v));
  return String(Number(v.toPrecision(3)));
}

/**
 * A duration for people: `45 min`, `2 h 30 min`, `3 d 4 h`.
 *
 * @param ms Milliseconds.
 * @returns The text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fmtDuration } from "./_format.ts";
 * assert.equal(fmtDuration(9_000_000), "2 h 30 min");
 * assert.equal(fmtDuration(30_000), "30 s");
 * ```
 */
export function fmtDuration(ms: number): string {
  if (!(ms >= MINUTE)) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (ms < HOUR) return `${Math.round(ms / MINUTE)} min`;
  if (ms < DAY) {
    const h = Math.floor(ms / HOUR), m = Math.round((ms - h * HOUR) / MINUTE);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(ms / DAY), h = Math.round((ms - d * DAY) / HOUR);
  return h ? `${d} d ${h} h` : `${d} d`;
}

/**
 * An epoch-ms time as `YYYY-MM-DD HH:MM UTC`.
 *
 * @param ms Epoch milliseconds.
 * @returns The text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fmtTime } from "./_format.ts";
 * assert.equal(fmtTime(0), "1970-01-01 00:00 UTC");
 * ```
 */
export function fmtTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

/**
 * Escapes Slack's mrkdwn control characters (`&`, `<`, `>`), as Slack asks for any text it should not parse.
 *
 * @param text Any text, e.g. a metric name.
 * @returns The escaped text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeMrkdwn } from "./_format.ts";
 * assert.equal(escapeMrkdwn("a<b>&c"), "a&lt;b&gt;&amp;c");
 * ```
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Cuts text to a maximum length with an ellipsis.
 *
 * @param text The text.
 * @param max Maximum length (≥ 1).
 * @returns The text, at most `max` characters.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { truncate } from "./_format.ts";
 * assert.equal(truncate("abcdef", 4), "abc…");
 * ```
 */
export function truncate(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

/**
 * Removes every occurrence of the secrets from a text.
 *
 * @param text Any text.
 * @param secrets Secrets; empty ones are ignored, longer ones are replaced first.
 * @returns The text with each secret replaced by `[redacted]`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactAll } from "./_format.ts";
 * assert.equal(redactAll("GET https://h/services/T/B/x failed", ["/services/T/B/x"]), "GET https://h[redacted] failed");
 * ```
 */
export function redactAll(text: string, secrets: readonly string[]): string {
  const list = secrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  for (const s of list) text = text.split(s).join("[redacted]");
  return text;
}

/**
 * The parts of a URL that may carry a secret (the whole URL, its path and query, its credentials), for
 * {@link redactAll}. A webhook URL's path is its secret.
 *
 * @param url The URL text.
 * @returns The secrets to remove (the whole text when it does not parse).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { urlSecrets } from "./_format.ts";
 * assert.ok(urlSecrets("https://hooks.slack.com/services/T/B/x").includes("/services/T/B/x"));
 * ```
 */
export function urlSecrets(url: string): string[] {
  const out = [url];
  try {
    const u = new URL(url);
    out.push(u.href);
    if (u.pathname.length > 1 || u.search) out.push(u.pathname + u.search);
    if (u.pathname.length > 1) out.push(u.pathname);
    if (u.search.length > 1) out.push(u.search.slice(1));
    if (u.username) out.push(u.username);
    if (u.password) out.push(u.password);
  } catch {
    // not a URL: the whole text is the secret
  }
  return out;
}

/**
 * How to show a secret in an error message without showing it.
 *
 * @param value The secret (or whatever was given instead).
 * @returns A description, e.g. `a string of 77 characters`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeSecret } from "./_format.ts";
 * assert.equal(describeSecret("abc"), "a string of 3 characters");
 * assert.equal(describeSecret(""), '""');
 * ```
 */
export function describeSecret(value: unknown): string {
  if (typeof value !== "string") return value === undefined ? "undefined" : `a ${typeof value}`;
  return value ? `a string of ${value.length} characters` : '""';
}
