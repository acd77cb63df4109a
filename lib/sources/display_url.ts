/**
 * A URL as it may appear in outputs and logs: without the user and password a `https://user:pass@host/` URL
 * carries (fetch turns those into a Basic Authorization header, so they are credentials).
 *
 * @param url A URL.
 * @returns The URL without credentials (the input unchanged when it does not parse).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { displayUrl } from "./display_url.ts";
 * assert.equal(displayUrl("https://svc:s3cret@graphite.example.com/"), "https://graphite.example.com/");
 * ```
 */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = "";
    u.password = "";
    return u.href;
  } catch {
    return url;
  }
}
