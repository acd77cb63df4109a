import type { Anomaly } from "../detect/types.ts";
import type { HydratedAnomaly } from "../hydrate/hydrate.ts";
import type { FleetIncident } from "../fleet/types.ts";
import type { Alert } from "./types.ts";
import { fmtDuration, fmtNumber, fmtTime } from "./_format.ts";
import { SEVERITY_RANK } from "../detect/types.ts";

/** Options for {@link toAlerts}. */
export interface ToAlertsOptions {
  /** The end of the run, epoch ms: an episode whose last point is within about one step of it is ongoing. */
  until: number;
  /** Fleet incidents of the same run: their member anomalies are folded into one alert per incident.
   * @default [] */
  incidents?: readonly FleetIncident[];
  /** The grid step of the series, ms: durations count the last point as one step, and an episode is ongoing
   * when its last point is at most two steps before `until` (the newest bucket is often still incomplete).
   * @default 3_600_000 (1 h) */
  step?: number;
}

const SHOWN_MACHINES = 8;

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function when(a: { start: number; end: number; ongoing: boolean }, durationMs: number): string {
  const to = a.ongoing ? "now (ongoing)" : fmtTime(a.end);
  return `${fmtTime(a.start)} → ${to}, ${fmtDuration(durationMs)}`;
}

function fromAnomaly(a: Anomaly | HydratedAnomaly, until: number, step: number): Alert {
  const ongoing = until - a.end <= 2 * step;
  const durationMs = a.end - a.start + step;
  const who = a.machine || a.series;
  const reasons = a.reasons.map((r) => `${r.detector}: ${r.detail}`);
  const alert: Alert = {
    id: a.id,
    subject: a.series,
    kind: "anomaly",
    machine: a.machine,
    aggregator: a.aggregator,
    series: [a.series],
    severity: a.severity,
    score: a.score,
    start: a.start,
    end: a.end,
    timestamp: new Date(a.start).toISOString(),
    ongoing,
    durationMs,
    observed: a.observed,
    expected: a.expected,
    reasons,
    title: `${capitalise(a.severity)}: ${who} · ${a.aggregator || a.series}`,
    summary: "",
  };
  const h = a as Partial<HydratedAnomaly>;
  if (typeof h.valid_pct === "number" && !h.error) {
    alert.hydration = {
      max_value: h.max_value ?? null,
      avg_value: h.avg_value ?? null,
      valid_pct: h.valid_pct,
    };
  }
  const lines = [
    `${a.severity} anomaly (score ${fmtNumber(a.score)}), ${when(alert, durationMs)}`,
    `observed ${fmtNumber(a.observed)} vs ${fmtNumber(a.expected)} expected`,
  ];
  if (reasons.length) lines.push(`why: ${reasons.join("; ")}`);
  if (alert.hydration) {
    const { max_value, avg_value, valid_pct } = alert.hydration;
    lines.push(
      `24 h around it: max ${fmtNumber(max_value)}, avg ${fmtNumber(avg_value)}, ${
        Math.round(valid_pct * 100)
      }% of points valid`,
    );
  }
  if (a.machine) lines.push(`series ${a.series}`);
  alert.summary = lines.join("\n");
  return alert;
}

function fromIncident(inc: FleetIncident, members: Anomaly[], until: number, step: number): Alert {
  const ongoing = until - inc.end <= 2 * step;
  const durationMs = inc.end - inc.start + step;
  const byDetector = new Map<string, Set<string>>();
  for (const m of members) {
    for (const r of m.reasons) {
      let set = byDetector.get(r.detector);
      if (!set) byDetector.set(r.detector, set = new Set());
      set.add(m.machine || m.series);
    }
  }
  const detectors = [...byDetector].sort((x, y) => y[1].size - x[1].size || (x[0] < y[0] ? -1 : 1))
    .map(([d, set]) => `${d} on ${set.size} shard${set.size === 1 ? "" : "s"}`);
  const reasons = [inc.detail, ...(detectors.length ? [`detectors: ${detectors.join(", ")}`] : [])];
  const n = inc.machines.length;
  const shown = inc.machines.slice(0, SHOWN_MACHINES).join(", ") +
    (n > SHOWN_MACHINES ? `, … (+${n - SHOWN_MACHINES} more)` : "");
  const alert: Alert = {
    id: inc.id,
    subject: `fleet:${inc.aggregator}`,
    kind: "fleet",
    aggregator: inc.aggregator,
    series: [...inc.series],
    severity: inc.severity,
    score: inc.score,
    start: inc.start,
    end: inc.end,
    timestamp: new Date(inc.start).toISOString(),
    ongoing,
    durationMs,
    reasons,
    machines: [...inc.machines],
    fleetSize: inc.fleetSize,
    title: `${capitalise(inc.severity)}: ${n} of ${inc.fleetSize} shards · ${inc.aggregator}`,
    summary: "",
  };
  alert.summary = [
    `${inc.severity} fleet incident (score ${fmtNumber(inc.score)}), ${when(alert, durationMs)}`,
    `why: ${reasons.join("; ")}`,
    `shards: ${shown}`,
  ].join("\n");
  return alert;
}

/**
 * Turns a run's anomalies (hydrated or not) and fleet incidents into alerts: one per fleet incident, with the
 * incident's member anomalies (their series is in `incident.series` and their interval overlaps the
 * incident's) folded into it instead of twenty separate alerts, and one per remaining anomaly. Sorted by
 * severity (high first), then score (highest first), then start.
 *
 * @param anomalies Anomalies from `detect` or `hydrate`.
 * @param options See {@link ToAlertsOptions}.
 * @returns The alerts.
 * @throws {RangeError} When `until` is not a finite number or `step` is not positive.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toAlerts } from "./to_alerts.ts";
 * const H = 3_600_000;
 * const anomaly = { machine: "n1", aggregator: "Agg", timestamp: "", severity: "high" as const, series: "s.n1.Agg",
 *   id: "a-000000000ab", start: 10 * H, end: 12 * H, detectedAt: 10 * H, peakAt: 11 * H, score: 0.9, observed: 5, expected: 1,
 *   reasons: [{ detector: "robust_z", score: 0.9, detail: "5 vs 1 expected" }] };
 * const [alert] = toAlerts([anomaly], { until: 12 * H });
 * assert.equal(alert.subject, "s.n1.Agg");
 * assert.equal(alert.ongoing, true);
 * assert.equal(alert.durationMs, 3 * H);
 * assert.deepEqual(alert.reasons, ["robust_z: 5 vs 1 expected"]);
 * ```
 */
export function toAlerts(
  anomalies: readonly (Anomaly | HydratedAnomaly)[],
  options: ToAlertsOptions,
): Alert[] {
  const { until, incidents = [], step = 3_600_000 } = options;
  if (typeof until !== "number" || !Number.isFinite(until)) {
    throw new RangeError(
      `Cannot build alerts: until must be a finite epoch-ms time, current value is ${until}`,
    );
  }
  if (!(step > 0 && step < Infinity)) {
    throw new RangeError(
      `Cannot build alerts: step must be a positive number of ms, current value is ${step}`,
    );
  }
  const folded = new Set<number>();
  const alerts: Alert[] = [];
  for (const inc of incidents) {
    const keys = new Set(inc.series);
    const members: Anomaly[] = [];
    anomalies.forEach((a, i) => {
      if (folded.has(i) || !keys.has(a.series) || a.start > inc.end || a.end < inc.start) return;
      folded.add(i);
      members.push(a);
    });
    alerts.push(fromIncident(inc, members, until, step));
  }
  anomalies.forEach((a, i) => {
    if (!folded.has(i)) alerts.push(fromAnomaly(a, until, step));
  });
  return alerts.sort((x, y) =>
    SEVERITY_RANK[y.severity] - SEVERITY_RANK[x.severity] || y.score - x.score || x.start - y.start ||
    (x.subject < y.subject ? -1 : x.subject > y.subject ? 1 : 0)
  );
}
