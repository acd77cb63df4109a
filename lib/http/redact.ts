/**
 * Removes every occurrence of the secrets from a text: what the HTTP client does to every reason and body it
 * returns, and what callers do to any text that may echo a request.
 *
 * @param text Any text.
 * @param secrets Secrets; empty and undefined ones are ignored, longer ones are replaced first.
 * @returns The text with each secret replaced by `[redacted]`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactAll } from "./redact.ts";
 * assert.equal(redactAll("GET https://h/services/T/B/x failed", ["/services/T/B/x"]), "GET https://h[redacted] failed");
 * assert.equal(redactAll("Bearer abc", [undefined, "abc"]), "Bearer [redacted]");
 * ```
 */
export function redactAll(text: string, secrets: readonly (string | undefined)[]): string {
  const list = secrets.filter((s): s is string => !!s).sort((a, b) => b.length - a.length);
  for (const s of list) text = text.split(s).join("[redacted]");
  return text;
}
