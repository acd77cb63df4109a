/**
 * Formatting shared by the alert builders and sinks. Private to `lib/alerts`.
 *
 * @module
 */

import { formatNumber } from "../format/format_number.ts";
import { formatDuration } from "../format/format_duration.ts";
import { formatTime } from "../format/format_time.ts";

/** A number in an alert: 3 significant digits, whole above 1000, `no data` when missing. */
export const fmtNumber = (v: number | null | undefined): string =>
  formatNumber(v, { missing: "no data", exponent: false, roundAbove: 1000 });

/** A duration in an alert: `45 min`, `2 h 30 min`, `3 d 4 h`. */
export const fmtDuration = (ms: number): string => formatDuration(ms, { style: "parts" });

/** A time in an alert: `YYYY-MM-DD HH:MM UTC`. */
export const fmtTime = (ms: number): string => formatTime(ms, { suffix: " UTC" });

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
 * The parts of a URL that may carry a secret (the whole URL, its path and query, its credentials), for
 * `redactAll` (lib/http/redact.ts). A webhook URL's path is its secret.
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
