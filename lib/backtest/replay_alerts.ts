import type { Anomaly, Severity } from "../detect/types.ts";
import { SEVERITIES, SEVERITY_RANK } from "../detect/types.ts";
import { episodeId } from "../detect/anomaly_id.ts";
import { fleetIncidents } from "../fleet/fleet_incidents.ts";
import type { FleetIncident } from "../fleet/types.ts";
import { toAlerts } from "../alerts/to_alerts.ts";
import { planAlerts } from "../alerts/plan_alerts.ts";
import { recordDeliveries } from "../alerts/record_deliveries.ts";
import type { Alert, AlertEpisode } from "../alerts/types.ts";
import type { EpisodeTimeline, SentAlert, TimelineEpisode } from "./types.ts";

/** Options for {@link replayAlerts}. */
export interface ReplayAlertsOptions {
  /** The first cycle's "now", epoch ms. */
  from: number;
  /** The end of the data, epoch ms: cycles run every `interval` from `from` until one reaches it (as `watch --start`). */
  until: number;
  /** Time between cycles, ms. */
  interval: number;
  /** A cycle reports the episodes that end within this much before its "now", ms (the config's lookback). @default 24 h */
  lookback?: number;
  /** The model's step, ms (an alert is ongoing within two steps of "now"). */
  step: number;
  /** The fleet view, as the config's `fleet` (window in ms). @default 20 shards, no fraction, 1 h */
  fleet?: { minShards?: number; minFraction?: number; window?: number };
  /** One alert state per minimum severity, each replayed on its own. @default low, medium, high */
  minSeverities?: readonly Severity[];
  /** Quiet hours and what still goes out in them, as the config's `alerts`. @default none */
  quietHours?: { start: string; end: string; timeZone?: string };
  quietAllow?: Severity;
  /** Called after every cycle with its "now" and its alerts (for tests). */
  onCycle?: (now: number, alerts: readonly Alert[]) => void;
}

/** What {@link replayAlerts} found. */
export interface ReplayResult {
  /** Cycles run. */
  cycles: number;
  /** Cycles that had to rebuild their fleet incidents and alerts (the others saw the same episodes as the one before). */
  rebuilt: number;
  /** What was sent, by minimum severity, in order. */
  sent: Partial<Record<Severity, SentAlert[]>>;
}

const DAY = 86_400_000;
const SINK = "backtest";

/** One series' episode, followed through the cycles. */
interface Tracked {
  line: EpisodeTimeline;
  ep: TimelineEpisode;
  /** Time of its first flagged point. */
  at: number;
  /** Its current version (−1 before it begins). */
  k: number;
  /** The anomaly reported for the current version (none while it is not reported). */
  anomaly?: Anomaly;
}

/**
 * Replays the watch loop over episode timelines: at every cycle's "now" `t`, the anomalies detect would report
 * with the data cut at `t` (each series' episode versions as of `t`, those ending within the lookback, on series
 * detect scores at `t`), the fleet incidents among them (`fleetIncidents`, the fleet being the series scored at
 * `t`), their alerts (`toAlerts`), then for each minimum severity `planAlerts` and `recordDeliveries` on an
 * in-memory alert state, every delivery succeeding — exactly the chain of `runWatchCycle`, without fetching or
 * scoring anything again. The state is kept by subject and each subject is planned on its own episodes (and a
 * fleet alert on its members' too, which its delivery records): planning matches an alert with the episodes of
 * its own subject only, and the retention rule that prunes the others (not reported for 7 days) prunes them just
 * the same when their subject is reported again, so the cost does not grow with the replay. A cycle that sees the same episode versions and fleet as the one before reuses its
 * alerts (only their "ongoing" flag and text would differ; planning reads neither) and is still planned.
 *
 * @param timelines Every series' episode timeline at one threshold (`episodeTimeline`).
 * @param options See {@link ReplayAlertsOptions}.
 * @returns The alerts sent, by minimum severity.
 * @throws {RangeError} When the span or the interval is not positive.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replayAlerts } from "./replay_alerts.ts";
 * import { episodeTimeline } from "./episode_timeline.ts";
 * const H = 3_600_000, n = 48;
 * const combined = new Float64Array(n);
 * for (let i = 30; i < 34; i++) combined[i] = 0.99; // four flagged hours
 * const series = { key: "s.n1.A", labels: { machine: "n1", aggregator: "A" }, start: 0, step: H, values: new Float64Array(n) };
 * const line = episodeTimeline(series, { combined, names: [], raw: [], driver: new Int8Array(n) }, 0.9,
 *   { episodeGap: 6 * H, minDuration: 2 * H, singlePointMargin: 0.1, digits: 1 });
 * const { sent } = replayAlerts([line], { from: 24 * H, until: 47 * H, interval: H, step: H });
 * assert.equal(sent.low!.length, 1); // once per episode, although 18 cycles reported it
 * assert.equal(sent.low![0].at, 30 * H);
 * ```
 */
export function replayAlerts(
  timelines: readonly EpisodeTimeline[],
  options: ReplayAlertsOptions,
): ReplayResult {
  const {
    from,
    until,
    interval,
    lookback = DAY,
    step,
    fleet = {},
    minSeverities = SEVERITIES,
    quietHours,
    quietAllow,
    onCycle,
  } = options;
  if (!(Number.isFinite(from) && Number.isFinite(until) && until >= from)) {
    throw new RangeError(
      `Cannot replay alerts: the span must run forward, current value is ${from} .. ${until}`,
    );
  }
  if (!(interval > 0 && Number.isFinite(interval))) {
    throw new RangeError(`Cannot replay alerts: the interval must be > 0 ms, current value is ${interval}`);
  }
  const pending: Tracked[] = timelines.flatMap((line) =>
    line.episodes.map((ep) => ({ line, ep, at: line.start + ep.last[0] * line.step, k: -1 }))
  ).sort((a, b) => a.at - b.at);
  const withAggregator = timelines.filter((l) => l.aggregator);
  const sent: Partial<Record<Severity, SentAlert[]>> = Object.fromEntries(minSeverities.map((m) => [m, []]));
  const planners: Planner[] = minSeverities.map((m) => ({
    m,
    quietHours,
    quietAllow,
    /** The alert state, by subject. */
    store: new Map<string, AlertEpisode[]>(),
    /** Subjects whose last plan held an alert for the quiet hours. */
    held: new Set<string>(),
    /** Subjects not planned since this cycle (their alerts unchanged): see `catchUp`. */
    skipped: new Map<string, number>(),
  }));
  let active: Tracked[] = [];
  let next = 0, cycles = 0, rebuilt = 0;
  let alerts: Alert[] = [];
  let bySubject = new Map<string, { alerts: Alert[]; shape: string }>();
  let lastFleet = "";
  const single = new WeakMap<Anomaly, Alert>();
  for (let t = from; t - interval < until; t += interval) {
    cycles++;
    const cut = (l: EpisodeTimeline) => Math.floor((t - l.start) / l.step);
    while (next < pending.length && pending[next].at <= t) active.push(pending[next++]);
    const fleetSize: Record<string, number> = Object.create(null);
    for (const l of withAggregator) {
      const c = cut(l);
      if (c >= 0 && l.scoredAt(c)) fleetSize[l.aggregator] = (fleetSize[l.aggregator] ?? 0) + 1;
    }
    const fleetKey = JSON.stringify(fleetSize);
    let changed = fleetKey !== lastFleet;
    lastFleet = fleetKey;
    const anomalies: Anomaly[] = [];
    const stay: Tracked[] = [];
    for (const tr of active) {
      const { line, ep } = tr;
      const c = cut(line);
      const k = tr.k;
      while (tr.k + 1 < ep.last.length && ep.last[tr.k + 1] <= c) tr.k++;
      if (tr.k !== k) tr.anomaly = undefined;
      const end = line.start + ep.last[tr.k] * line.step;
      if (end < t - lookback) {
        if (tr.anomaly) changed = true;
        tr.anomaly = undefined;
        if (tr.k + 1 < ep.last.length) stay.push(tr); // a gap longer than the lookback: it may resume
        continue;
      }
      stay.push(tr);
      const sev = ep.severity[tr.k];
      if (sev < 0 || !line.scoredAt(c)) {
        if (tr.anomaly || tr.k !== k) changed = true;
        tr.anomaly = undefined;
        continue;
      }
      if (!tr.anomaly) {
        tr.anomaly = anomalyOf(line, ep, tr.k, SEVERITIES[sev]);
        changed = true;
      }
      anomalies.push(tr.anomaly);
    }
    active = stay;
    const before = bySubject;
    if (changed) {
      rebuilt++;
      anomalies.sort((a, b) => a.start - b.start || a.series.localeCompare(b.series));
      const incidents = anomalies.length
        ? fleetIncidents(anomalies, {
          fleetSize,
          minShards: fleet.minShards,
          minFraction: fleet.minFraction,
          window: fleet.window,
        })
        : [];
      alerts = alertsOf(anomalies, incidents, t, step, single);
      bySubject = new Map();
      for (const a of alerts) {
        const entry = bySubject.get(a.subject);
        if (entry) entry.alerts.push(a);
        else bySubject.set(a.subject, { alerts: [a], shape: "" });
      }
      for (const entry of bySubject.values()) entry.shape = entry.alerts.map(shape).join("\n");
    }
    for (const p of planners) {
      // A subject whose alerts are those of the last cycle, none of them held, sends nothing (what could go out
      // went out): it is not planned, and its state is caught up before it is planned again or dropped.
      for (const [subject, old] of before) {
        const now = bySubject.get(subject);
        if (now && now.shape === old.shape && !p.held.has(subject)) {
          if (!p.skipped.has(subject)) p.skipped.set(subject, t);
          continue;
        }
        catchUp(p, subject, old.alerts, t - interval);
      }
      for (const [subject, { alerts: own }] of bySubject) {
        if (p.skipped.has(subject)) continue;
        const plan = plan1(p, subject, own, t);
        for (const a of plan.send) sent[p.m]!.push(sentAlert(t, a));
      }
    }
    onCycle?.(t, alerts);
  }
  return { cycles, rebuilt, sent };
}

type Planner = {
  m: Severity;
  quietHours?: { start: string; end: string; timeZone?: string };
  quietAllow?: Severity;
  store: Map<string, AlertEpisode[]>;
  held: Set<string>;
  skipped: Map<string, number>;
};

/**
 * Plans one subject's alerts on its recorded episodes (all deliveries succeed) and stores the result. A fleet
 * alert's delivery is recorded for its member series too (`recordDeliveries`), so their episodes take part and go
 * back under their own subjects.
 */
function plan1(p: Planner, subject: string, alerts: readonly Alert[], now: number) {
  const involved = new Set([subject]);
  for (const a of alerts) if (a.kind === "fleet") { for (const key of a.series) involved.add(key); }
  const episodes = [...involved].flatMap((key) => p.store.get(key) ?? []);
  const plan = planAlerts({ version: 1, episodes }, alerts, {
    now,
    minSeverity: p.m,
    quietHours: p.quietHours,
    quietAllow: p.quietAllow,
    sinks: [SINK],
  });
  const results = plan.send.map((a) => ({ sink: SINK, alertId: a.id, subject, ok: true, attempts: 1 }));
  const state = recordDeliveries(plan.state, plan.send, { results, now });
  for (const key of involved) p.store.delete(key);
  for (const ep of state.episodes) {
    const list = p.store.get(ep.subject);
    if (list) list.push(ep);
    else p.store.set(ep.subject, [ep]);
  }
  if (plan.held.length) p.held.add(subject);
  else p.held.delete(subject);
  return plan;
}

/**
 * Brings a subject skipped since some cycle up to date as of `last`, the last cycle it was skipped at: planning
 * its unchanged alerts then only marks its episodes seen (their `lastSeenAt`), which retention counts from.
 */
function catchUp(p: Planner, subject: string, alerts: readonly Alert[], last: number): void {
  const since = p.skipped.get(subject);
  if (since === undefined) return;
  p.skipped.delete(subject);
  const plan = plan1(p, subject, alerts, last);
  if (plan.send.length || plan.held.length) {
    throw new Error(
      `Cannot replay alerts: a skipped cycle of ${subject} would have sent, current value is ${plan.send.length}`,
    );
  }
}

/**
 * `toAlerts` of a cycle, with the alert of an anomaly that no fleet incident can fold made once per anomaly
 * version and kept (only its "ongoing" flag and text would change with the cycle, and planning reads neither);
 * the anomalies of the incidents' series go through `toAlerts` with the incidents, as in watch.
 */
function alertsOf(
  anomalies: readonly Anomaly[],
  incidents: readonly FleetIncident[],
  until: number,
  step: number,
  single: WeakMap<Anomaly, Alert>,
): Alert[] {
  const members = new Set(incidents.flatMap((inc) => inc.series));
  const folding = anomalies.filter((a) => members.has(a.series));
  const alerts = folding.length ? toAlerts(folding, { until, incidents, step }) : [];
  for (const a of anomalies) {
    if (members.has(a.series)) continue;
    let alert = single.get(a);
    if (!alert) single.set(a, alert = toAlerts([a], { until, step })[0]);
    alerts.push(alert);
  }
  // toAlerts' order: severity, score, start, subject.
  return alerts.sort((x, y) =>
    SEVERITY_RANK[y.severity] - SEVERITY_RANK[x.severity] || y.score - x.score || x.start - y.start ||
    (x.subject < y.subject ? -1 : x.subject > y.subject ? 1 : 0)
  );
}

/** What identifies an alert for planning: its text, and whether it is ongoing, aside. */
const shape = (a: Alert) =>
  `${a.id} ${a.kind} ${a.severity} ${a.score} ${a.start} ${a.end} ${a.series.join(",")}`;

/** The anomaly detect reports for one episode version (what alerts read; no reasons, no expected value). */
function anomalyOf(line: EpisodeTimeline, ep: TimelineEpisode, k: number, severity: Severity): Anomaly {
  const t0 = line.start + ep.onset * line.step;
  return {
    machine: line.machine,
    aggregator: line.aggregator,
    timestamp: new Date(t0).toISOString(),
    severity,
    id: episodeId("anomaly", line.series, t0),
    series: line.series,
    start: t0,
    end: line.start + ep.last[k] * line.step,
    detectedAt: line.start + ep.last[0] * line.step,
    peakAt: line.start + ep.peak[k] * line.step,
    score: ep.score[k],
    observed: null,
    expected: null,
    reasons: [],
  };
}

function sentAlert(at: number, a: Alert): SentAlert {
  return {
    at,
    id: a.id,
    subject: a.subject,
    kind: a.kind,
    machine: a.machine ?? "",
    aggregator: a.aggregator,
    series: a.series,
    severity: a.severity,
    ...(a.escalatedFrom ? { escalatedFrom: a.escalatedFrom } : {}),
    start: a.start,
    end: a.end,
  };
}
