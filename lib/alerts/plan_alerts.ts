import { utcOffset } from "../series/local_time.ts";
import type { Severity } from "../detect/types.ts";
import type { Alert, AlertState } from "./types.ts";
import { SEVERITY_RANK } from "../detect/types.ts";
import {
  checkAlertState,
  cloneEpisodes,
  findEpisode,
  maxSeverity,
  sentSeverity,
  sortEpisodes,
} from "./_episodes.ts";

/** Options for {@link planAlerts}. */
export interface PlanAlertsOptions {
  /** The current time, epoch ms (quiet hours, retention and the records' `lastSeenAt` use it). */
  now: number;
  /** Alerts below this severity are suppressed. @default "low" */
  minSeverity?: Severity;
  /** Hours when only alerts of at least `quietAllow` go out, `HH:MM` on the clock of `timeZone` (an IANA name;
   * UTC without one); may wrap midnight (`{ start: "22:00", end: "07:00" }`). Held alerts are not recorded, so a
   * later run after the quiet hours sends them if they are still reported. @default undefined (never quiet) */
  quietHours?: { start: string; end: string; timeZone?: string };
  /** The lowest severity that goes out during quiet hours. @default "high" */
  quietAllow?: Severity;
  /** Drop a recorded episode this long after it was last reported (or after its end, the later). @default 7 days */
  retentionMs?: number;
  /** The sinks this run delivers to, as named in `DeliveryResult.sink` (e.g. `["slack", "grafana"]`). When
   * given, each sink is tracked on its own: an alert that reached Slack but not Grafana is sent again to
   * Grafana only (see `Alert.sinks` and `AlertPlan.bySink`). When absent, one successful delivery to any sink
   * counts as sent. @default undefined */
  sinks?: readonly string[];
}

/** An alert not sent, and why. */
export interface SuppressedAlert {
  /** The alert. */
  alert: Alert;
  /** Why, e.g. `already sent: episode since 2024-03-01T10:00:00.000Z, high`. */
  reason: string;
}

/** What to do with a run's alerts. */
export interface AlertPlan {
  /** To send now: new episodes, escalations, and episodes a sink failed to deliver before. */
  send: Alert[];
  /** By sink, when `sinks` was given: the alerts each sink still owes (`{}` otherwise). */
  bySink: Record<string, Alert[]>;
  /** Held for the quiet hours (not recorded). */
  held: Alert[];
  /** Not sent: below `minSeverity`, or an episode already sent. */
  suppressed: SuppressedAlert[];
  /** The state with continuing episodes extended and old ones pruned; record deliveries on it with
   * `recordDeliveries`. */
  state: AlertState;
}

const DAY = 86_400_000;

function minuteOfDay(text: string, name: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) {
    throw new SyntaxError(
      `Cannot plan alerts: quietHours.${name} must read HH:MM, current value is ${JSON.stringify(text)}`,
    );
  }
  const h = Number(m[1]), min = Number(m[2]);
  if (h > 23 || min > 59) {
    throw new RangeError(
      `Cannot plan alerts: quietHours.${name} must be a time of day, current value is ${text}`,
    );
  }
  return h * 60 + min;
}

function checkSeverity(value: unknown, name: string): void {
  if (!(typeof value === "string" && value in SEVERITY_RANK)) {
    throw new RangeError(
      `Cannot plan alerts: ${name} must be low, medium or high, current value is ${JSON.stringify(value)}`,
    );
  }
}

/**
 * Decides which alerts go out, alerting once per episode. An alert whose subject matches a recorded episode
 * and whose interval overlaps it is that episode continuing: it is not sent again (the record's end is
 * extended), unless its severity rose above what was sent — then it is sent once more as an escalation
 * (`escalatedFrom` set). An alert on the same subject starting after the recorded end is a new episode (the
 * old one recovered) and is sent. Below `minSeverity` → suppressed; inside the quiet hours and below
 * `quietAllow` → held and not recorded. Records not reported for `retentionMs` are pruned. Pure: the clock is
 * `now`; nothing is recorded as sent until `recordDeliveries` says it was delivered.
 *
 * @param state The state from the last run (`{ version: 1, episodes: [] }` the first time).
 * @param alerts This run's alerts, from `toAlerts`.
 * @param options See {@link PlanAlertsOptions}.
 * @returns What to send, hold and suppress, and the updated state.
 * @throws {TypeError} When `state` is not a version-1 state.
 * @throws {RangeError} When `now` or `retentionMs` is not a finite number, or a severity is unknown.
 * @throws {SyntaxError} When a quiet-hours time does not read `HH:MM`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planAlerts } from "./plan_alerts.ts";
 * const alert = { id: "s@0", subject: "s", kind: "anomaly" as const, machine: "n1", aggregator: "A",
 *   series: ["s"], severity: "medium" as const, score: 0.7, start: 0, end: 3_600_000, timestamp: "",
 *   ongoing: true, durationMs: 7_200_000, reasons: [], title: "t", summary: "s" };
 * const state = { version: 1 as const, episodes: [{ subject: "s", kind: "anomaly" as const, start: 0, end: 0,
 *   severity: "medium" as const, sent: { slack: "medium" as const }, firstSentAt: 0, lastSentAt: 0,
 *   lastSeenAt: 0 }] };
 * const plan = planAlerts(state, [alert], { now: 3_600_000 });
 * assert.equal(plan.send.length, 0);
 * assert.match(plan.suppressed[0].reason, /already sent/);
 * assert.equal(plan.state.episodes[0].end, 3_600_000);
 * ```
 */
export function planAlerts(
  state: AlertState,
  alerts: readonly Alert[],
  options: PlanAlertsOptions,
): AlertPlan {
  const { now, minSeverity = "low", quietHours, quietAllow = "high", retentionMs = 7 * DAY, sinks } = options;
  if (typeof now !== "number" || !Number.isFinite(now)) {
    throw new RangeError(`Cannot plan alerts: now must be a finite epoch-ms time, current value is ${now}`);
  }
  if (!(retentionMs >= 0 && retentionMs < Infinity)) {
    throw new RangeError(`Cannot plan alerts: retentionMs must be >= 0, current value is ${retentionMs}`);
  }
  checkSeverity(minSeverity, "minSeverity");
  checkSeverity(quietAllow, "quietAllow");
  checkAlertState(state, "the alert state given to planAlerts");
  let quiet = false;
  if (quietHours) {
    const start = minuteOfDay(quietHours.start, "start"), end = minuteOfDay(quietHours.end, "end");
    if (start === end) {
      throw new RangeError(
        `Cannot plan alerts: quietHours start and end must differ, current value is ${quietHours.start}`,
      );
    }
    const local = quietHours.timeZone ? now + utcOffset(quietHours.timeZone, now) : now;
    const t = Math.floor((((local % DAY) + DAY) % DAY) / 60_000);
    quiet = start < end ? t >= start && t < end : t >= start || t < end;
  }
  const episodes = cloneEpisodes(state.episodes).filter((e) =>
    now - Math.max(e.end, e.lastSeenAt) <= retentionMs
  );
  const plan: AlertPlan = { send: [], bySink: {}, held: [], suppressed: [], state: { version: 1, episodes } };
  for (const s of sinks ?? []) plan.bySink[s] = [];
  const planned: { subject: string; start: number; end: number }[] = [];
  for (const given of alerts) {
    const ep = findEpisode(episodes, given);
    // An episode already alerted keeps the id it was first delivered under.
    const alert = ep?.id && ep.id !== given.id ? { ...given, id: ep.id } : given;
    if (ep) {
      ep.end = Math.max(ep.end, alert.end);
      ep.severity = maxSeverity(ep.severity, alert.severity);
      ep.lastSeenAt = Math.max(ep.lastSeenAt, now);
    }
    if (SEVERITY_RANK[alert.severity] < SEVERITY_RANK[minSeverity]) {
      plan.suppressed.push({
        alert,
        reason: `severity ${alert.severity} is below minSeverity ${minSeverity}`,
      });
      continue;
    }
    const twin = planned.find((p) =>
      p.subject === alert.subject && alert.start <= p.end && alert.end >= p.start
    );
    if (twin) {
      plan.suppressed.push({ alert, reason: "the same episode is already in this run" });
      continue;
    }
    const rank = SEVERITY_RANK[alert.severity];
    const sent = ep ? sentSeverity(ep) : undefined;
    const owed = sinks
      ? sinks.filter((s) => !ep || ep.sent[s] === undefined || SEVERITY_RANK[ep.sent[s]] < rank)
      : sent === undefined || SEVERITY_RANK[sent] < rank
      ? ["*"]
      : [];
    if (owed.length === 0) {
      plan.suppressed.push({
        alert,
        reason: ep
          ? `already sent: episode since ${new Date(ep.start).toISOString()}, ${sent}`
          : "no sink to send to",
      });
      continue;
    }
    if (quiet && rank < SEVERITY_RANK[quietAllow]) {
      plan.held.push(alert);
      continue;
    }
    const out: Alert = { ...alert };
    if (sent !== undefined && SEVERITY_RANK[sent] < rank) out.escalatedFrom = sent;
    if (sinks) {
      out.sinks = owed;
      for (const s of owed) plan.bySink[s].push(out);
    }
    planned.push(alert);
    plan.send.push(out);
  }
  sortEpisodes(episodes);
  return plan;
}
