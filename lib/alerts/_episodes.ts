/**
 * The dedupe state's rules shared by `planAlerts`, `recordDeliveries` and `withAlertState`: which recorded
 * episode an alert continues, and what a valid state looks like. Private to `lib/alerts`.
 *
 * @module
 */
import type { Severity } from "../detect/types.ts";
import type { AlertEpisode, AlertState } from "./types.ts";
import { SEVERITY_RANK } from "../detect/types.ts";

/** The higher of two severities (`undefined` counts as none). */
export function maxSeverity(a: Severity | undefined, b: Severity): Severity {
  return a !== undefined && SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

/** The highest severity delivered to any sink, `undefined` when none. */
export function sentSeverity(episode: AlertEpisode): Severity | undefined {
  let out: Severity | undefined;
  for (const s of Object.values(episode.sent)) out = maxSeverity(out, s);
  return out;
}

/**
 * The recorded episode an alert continues: the same subject and an overlapping interval (the alert starts no
 * later than the recorded end and ends no earlier than the recorded start); the latest such one.
 *
 * @param episodes Recorded episodes.
 * @param alert The alert's subject and interval.
 * @returns The episode, or `undefined` when the alert is a new episode.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findEpisode } from "./_episodes.ts";
 * const ep = { subject: "s", kind: "anomaly" as const, start: 10, end: 20, severity: "low" as const, sent: {},
 *   firstSentAt: 0, lastSentAt: 0, lastSeenAt: 0 };
 * assert.equal(findEpisode([ep], { subject: "s", start: 20, end: 30 }), ep);
 * assert.equal(findEpisode([ep], { subject: "s", start: 21, end: 30 }), undefined);
 * ```
 */
export function findEpisode(
  episodes: readonly AlertEpisode[],
  alert: { subject: string; start: number; end: number },
): AlertEpisode | undefined {
  let best: AlertEpisode | undefined;
  for (const ep of episodes) {
    if (ep.subject !== alert.subject || alert.start > ep.end || alert.end < ep.start) continue;
    if (!best || ep.start > best.start) best = ep;
  }
  return best;
}

/** Episodes sorted by subject, then start (a stable file for diffs). */
export function sortEpisodes(episodes: AlertEpisode[]): AlertEpisode[] {
  return episodes.sort((
    a,
    b,
  ) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.start - b.start));
}

/** A deep copy of the episodes. */
export function cloneEpisodes(episodes: readonly AlertEpisode[]): AlertEpisode[] {
  return episodes.map((e) => ({ ...e, sent: { ...e.sent } }));
}

const SEVERITIES = new Set(["low", "medium", "high"]);

/**
 * Checks that a value is an {@link AlertState} this build can use.
 *
 * @param value Parsed JSON.
 * @param where What it is, for messages, e.g. `alert state alerts.json`.
 * @returns The value, typed.
 * @throws {TypeError} On an unknown version or a wrong shape, naming the field.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkAlertState } from "./_episodes.ts";
 * assert.deepEqual(checkAlertState({ version: 1, episodes: [] }, "x"), { version: 1, episodes: [] });
 * assert.throws(() => checkAlertState({ version: 2, episodes: [] }, "alert state a.json"),
 *   /Cannot read alert state a.json: unknown version \(this build reads version 1\), current value is 2/);
 * ```
 */
export function checkAlertState(value: unknown, where: string): AlertState {
  const fail = (detail: string, current: unknown): never => {
    throw new TypeError(
      `Cannot read ${where}: ${detail}, current value is ${JSON.stringify(current) ?? current}`,
    );
  };
  if (!value || typeof value !== "object" || Array.isArray(value)) fail("expected an object", value);
  const v = value as Record<string, unknown>;
  if (v.version !== 1) fail("unknown version (this build reads version 1)", v.version);
  if (!Array.isArray(v.episodes)) fail("episodes must be an array", v.episodes);
  (v.episodes as unknown[]).forEach((e, i) => {
    if (!e || typeof e !== "object") fail(`episodes[${i}] must be an object`, e);
    const ep = e as Record<string, unknown>;
    if (typeof ep.subject !== "string") fail(`episodes[${i}].subject must be a string`, ep.subject);
    if (ep.id !== undefined && typeof ep.id !== "string") fail(`episodes[${i}].id must be a string`, ep.id);
    if (ep.kind !== "anomaly" && ep.kind !== "fleet") {
      fail(`episodes[${i}].kind must be anomaly or fleet`, ep.kind);
    }
    for (const k of ["start", "end", "firstSentAt", "lastSentAt", "lastSeenAt"]) {
      if (typeof ep[k] !== "number" || !Number.isFinite(ep[k])) {
        fail(`episodes[${i}].${k} must be a number`, ep[k]);
      }
    }
    if (!SEVERITIES.has(ep.severity as string)) {
      fail(`episodes[${i}].severity must be low, medium or high`, ep.severity);
    }
    if (!ep.sent || typeof ep.sent !== "object" || Array.isArray(ep.sent)) {
      fail(`episodes[${i}].sent must be an object`, ep.sent);
    }
    for (const [sink, s] of Object.entries(ep.sent as object)) {
      if (!SEVERITIES.has(s)) fail(`episodes[${i}].sent.${sink} must be low, medium or high`, s);
    }
  });
  return value as AlertState;
}
