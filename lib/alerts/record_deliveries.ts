import type { Alert, AlertState, DeliveryResult } from "./types.ts";
import { checkAlertState, cloneEpisodes, findEpisode, maxSeverity, sortEpisodes } from "./_episodes.ts";

/** Options for {@link recordDeliveries}. */
export interface RecordDeliveriesOptions {
  /** What the sinks answered (any number of sinks; matched to the alerts by `alertId`). */
  results: readonly DeliveryResult[];
  /** The current time, epoch ms. */
  now: number;
}

/**
 * Records what was actually delivered: an alert with at least one successful result becomes (or extends) its
 * episode, with the severity delivered noted per sink. Failed deliveries are not recorded, so the next run
 * plans them again. Pure.
 *
 * @param state The state from `planAlerts`.
 * @param alerts The alerts that were sent (`plan.send`).
 * @param options See {@link RecordDeliveriesOptions}.
 * @returns The new state.
 * @throws {TypeError} When `state` is not a version-1 state.
 * @throws {RangeError} When `now` is not a finite number.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recordDeliveries } from "./record_deliveries.ts";
 * const alert = { id: "s@0", subject: "s", kind: "anomaly" as const, machine: "n1", aggregator: "A",
 *   series: ["s"], severity: "high" as const, score: 0.9, start: 0, end: 10, timestamp: "", ongoing: true,
 *   durationMs: 10, reasons: [], title: "t", summary: "s" };
 * const state = recordDeliveries({ version: 1, episodes: [] }, [alert], {
 *   results: [{ sink: "slack", alertId: "s@0", subject: "s", ok: true, attempts: 1 }], now: 99 });
 * assert.deepEqual(state.episodes[0].sent, { slack: "high" });
 * assert.equal(state.episodes[0].firstSentAt, 99);
 * ```
 */
export function recordDeliveries(
  state: AlertState,
  alerts: readonly Alert[],
  options: RecordDeliveriesOptions,
): AlertState {
  const { results, now } = options;
  if (typeof now !== "number" || !Number.isFinite(now)) {
    throw new RangeError(
      `Cannot record deliveries: now must be a finite epoch-ms time, current value is ${now}`,
    );
  }
  checkAlertState(state, "the alert state given to recordDeliveries");
  const okSinks = new Map<string, Set<string>>();
  for (const r of results) {
    if (!r.ok) continue;
    let set = okSinks.get(r.alertId);
    if (!set) okSinks.set(r.alertId, set = new Set());
    set.add(r.sink);
  }
  const episodes = cloneEpisodes(state.episodes);
  // A fleet alert stands for its members too: record each member series as sent, so that when the incident
  // later drops below the floor (its members leaving the window one by one) they are not sent one by one.
  const recorded = alerts.flatMap((alert) =>
    alert.kind === "fleet"
      ? [
        alert,
        ...alert.series.map((key) => ({ ...alert, subject: key, kind: "anomaly" as const, member: true })),
      ]
      : [alert]
  );
  for (const alert of recorded) {
    const sinks = okSinks.get(alert.id);
    if (!sinks) continue;
    let ep = findEpisode(episodes, alert);
    if (!ep) {
      ep = {
        // A member of a fleet incident keeps no id of its own here: its own anomaly names it later.
        ...("member" in alert ? {} : { id: alert.id }),
        subject: alert.subject,
        kind: alert.kind,
        start: alert.start,
        end: alert.end,
        severity: alert.severity,
        sent: {},
        firstSentAt: now,
        lastSentAt: now,
        lastSeenAt: now,
      };
      episodes.push(ep);
    } else {
      ep.id ??= "member" in alert ? undefined : alert.id;
      if (ep.id === undefined) delete ep.id;
      ep.start = Math.min(ep.start, alert.start);
      ep.end = Math.max(ep.end, alert.end);
      ep.severity = maxSeverity(ep.severity, alert.severity);
      ep.lastSentAt = Math.max(ep.lastSentAt, now);
      ep.lastSeenAt = Math.max(ep.lastSeenAt, now);
    }
    for (const s of sinks) ep.sent[s] = maxSeverity(ep.sent[s], alert.severity);
  }
  return { version: 1, episodes: sortEpisodes(episodes) };
}
