/**
 * The whole-answer outcomes the render parsers (JSON, raw, pickle) share, so a failure reads the same whatever
 * the format. Private to `lib/sources`.
 *
 * @module
 */
import type { ParsedGraphiteJson } from "./types.ts";

/**
 * An answer that is not what the format promises: no series, one `malformed` failure for the target.
 *
 * @param target The target asked.
 * @param detail What was wrong.
 * @returns The parse result.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { malformedAnswer } from "./_answer.ts";
 * assert.equal(malformedAnswer("a.b", "cut short").failures[0].reason, "malformed answer: cut short");
 * ```
 */
export function malformedAnswer(target: string, detail: string): ParsedGraphiteJson {
  return { series: [], failures: [{ target, kind: "malformed", reason: `malformed answer: ${detail}` }] };
}

/**
 * An answer without a single series (Graphite's `200 []` for an unknown target).
 *
 * @param target The target asked.
 * @returns The parse result: one `no-data` failure.
 */
export function noDataAnswer(target: string): ParsedGraphiteJson {
  return {
    series: [],
    failures: [{ target, kind: "no-data", reason: "no data: Graphite returned no series for this target" }],
  };
}
