import type { Anomaly, Severity } from "../detect/types.ts";
import { SEVERITIES } from "../detect/types.ts";
import { episodeId } from "../detect/anomaly_id.ts";
import { fleetIncidents } from "../fleet/fleet_incidents.ts";
import { toAlerts } from "../alerts/to_alerts.ts";
import { type AlertPlan, planAlerts } from "../alerts/plan_alerts.ts";
import { recordDeliveries } from "../alerts/record_deliveries.ts";
import type { Alert, AlertState } from "../alerts/types.ts";
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
  quietHours?: { start: string; end: string };
  quietAllow?: Severity;
  /** Called after every cycle with its "now", its alerts and each minimum severity's plan (for tests). */
  onCycle?: (now: number, alerts: readonly Alert[], plans: ReadonlyMap<Severity, AlertPlan>) => void;
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
}

/**
 * Replays the watch loop over episode timelines: at every cycle's "now" `t`, the anomalies detect would report
 * with the data cut at `t` (each series' episode versions as of `t`, those ending within the lookback, on series
 * detect scores at `t`), the fleet incidents among them (`fleetIncidents`, the fleet being the series scored at
 * `t`), their alerts (`toAlerts`), then for each minimum severity `planAlerts` and `recordDeliveries` on an
 * in-memory alert state, every delivery succeeding — exactly the chain of `runWatchCycle`, without fetching or
 * scoring anything again. A cycle that sees the same episode versions and fleet as the one before reuses its
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
  const states = new Map<Severity, AlertState>(minSeverities.map((m) => [m, { version: 1, episodes: [] }]));
  const sent: Partial<Record<Severity, SentAlert[]>> = Object.fromEntries(minSeverities.map((m) => [m, []]));
  let active: Tracked[] = [];
  let next = 0, cycles = 0, rebuilt = 0;
  let alerts: Alert[] = [];
  let lastKey = "";
  for (let t = from; t - interval < until; t += interval) {
    cycles++;
    const cut = (l: EpisodeTimeline) => Math.floor((t - l.start) / l.step);
    while (next < pending.length && pending[next].at <= t) active.push(pending[next++]);
    const fleetSize: Record<string, number> = Object.create(null);
    let key = "";
    for (const l of withAggregator) {
      const c = cut(l);
      if (c >= 0 && l.scoredAt(c)) fleetSize[l.aggregator] = (fleetSize[l.aggregator] ?? 0) + 1;
    }
    const anomalies: Anomaly[] = [];
    const stay: Tracked[] = [];
    for (const tr of active) {
      const { line, ep } = tr;
      const c = cut(line);
      while (tr.k + 1 < ep.last.length && ep.last[tr.k + 1] <= c) tr.k++;
      const end = line.start + ep.last[tr.k] * line.step;
      if (end < t - lookback) {
        if (tr.k + 1 < ep.last.length) stay.push(tr); // a gap longer than the lookback: it may resume
        continue;
      }
      stay.push(tr);
      const sev = ep.severity[tr.k];
      if (sev < 0 || !line.scoredAt(c)) continue;
      key += `${line.series}\u0000${ep.onset}\u0000${tr.k}\u0001`;
      anomalies.push(anomalyOf(line, ep, tr.k, SEVERITIES[sev]));
    }
    active = stay;
    key += JSON.stringify(fleetSize);
    if (key !== lastKey) {
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
      alerts = toAlerts(anomalies, { until: t, incidents, step });
      lastKey = key;
    }
    const plans = new Map<Severity, AlertPlan>();
    for (const m of minSeverities) {
      const plan = planAlerts(states.get(m)!, alerts, {
        now: t,
        minSeverity: m,
        quietHours,
        quietAllow,
        sinks: [SINK],
      });
      const results = plan.send.map((a) => ({
        sink: SINK,
        alertId: a.id,
        subject: a.subject,
        ok: true,
        attempts: 1,
      }));
      states.set(m, recordDeliveries(plan.state, plan.send, { results, now: t }));
      for (const a of plan.send) sent[m]!.push(sentAlert(t, a));
      plans.set(m, plan);
    }
    onCycle?.(t, alerts, plans);
  }
  return { cycles, rebuilt, sent };
}

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
