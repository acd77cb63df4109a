/**
 * Alerts: one normalised message per anomaly episode or fleet incident, what a sink answered, and the dedupe
 * state kept across runs ("alert once per episode").
 *
 * @module
 */
import type { Severity } from "../detect/types.ts";

/** What an alert is about: one series, or one aggregator across the fleet. */
export type AlertKind = "anomaly" | "fleet";

/** The statistics of the 24 h around an anomaly, as the original scripts had them (from `hydrate`). */
export interface AlertHydration {
  /** Largest value in the window (`null` when none is valid). */
  max_value: number | null;
  /** Mean of the valid values. */
  avg_value: number | null;
  /** Fraction of the window's points that hold a value, 0..1. */
  valid_pct: number;
}

/** One message for the sinks (Slack, Grafana annotations, a webhook), built by `toAlerts`. */
export interface Alert {
  /** `subject@<start ISO>`: names this alert among others of the same run. */
  id: string;
  /** What the dedupe state keys on: the series key for an anomaly, `fleet:<aggregator>` for a fleet incident. */
  subject: string;
  /** `anomaly` (one series) or `fleet` (many shards of one aggregator, folded into one alert). */
  kind: AlertKind;
  /** The shard (anomalies only; may be empty when the key did not match the template). */
  machine?: string;
  /** The aggregator. */
  aggregator: string;
  /** The series keys involved (one for an anomaly, the members for a fleet incident). */
  series: string[];
  /** low / medium / high. */
  severity: Severity;
  /** The highest calibrated score, 0..1. */
  score: number;
  /** First anomalous point, epoch ms. */
  start: number;
  /** Last anomalous point (inclusive), epoch ms. */
  end: number;
  /** `start` as ISO 8601 UTC. */
  timestamp: string;
  /** Still anomalous at the end of the run: the last point is within about one step of the run's `until`. */
  ongoing: boolean;
  /** From the first point to the end of the last one, ms (`end - start + step`). */
  durationMs: number;
  /** The value at the peak (anomalies only; `null` when missing). */
  observed?: number | null;
  /** The expected value at the peak (anomalies only; `null` when unknown). */
  expected?: number | null;
  /** Why, in words, strongest first, e.g. `seasonal_lag: 0.31 vs 0.04 expected (same hour, …)`. */
  reasons: string[];
  /** The 24 h context, when the anomaly was hydrated (and its series was found). */
  hydration?: AlertHydration;
  /** The shards of a fleet incident, sorted. */
  machines?: string[];
  /** Shards of the aggregator that were scored (fleet incidents only). */
  fleetSize?: number;
  /** A one-line title, e.g. `High: n200-primary · ProbeTablesAggregator.x`. */
  title: string;
  /** Plain text, a few lines under the title: how bad, when, how far off, why (show `title` above it). */
  summary: string;
  /** Set by `planAlerts` when this send is an escalation of an episode already sent at a lower severity. */
  escalatedFrom?: Severity;
  /** Set by `planAlerts` when it was given `sinks`: the sinks that still owe this alert. */
  sinks?: string[];
  /** The Grafana dashboard on this shard and aggregator around the alert, when a Grafana URL is configured (set
   * before delivery, e.g. by `linkAlerts`); Slack, the annotation text and the webhook payload carry it. */
  dashboardUrl?: string;
}

/** What one sink did with one alert. Never holds a webhook URL or a token. */
export interface DeliveryResult {
  /** The sink, e.g. `slack`, `grafana`, `webhook`. */
  sink: string;
  /** The alert's `id`. */
  alertId: string;
  /** The alert's `subject`. */
  subject: string;
  /** Delivered (a 2xx answer). */
  ok: boolean;
  /** The last HTTP status, when there was an answer. */
  status?: number;
  /** HTTP requests made for this alert (0 when it was not tried, e.g. after the webhook was found revoked). */
  attempts: number;
  /** Why it failed, e.g. `HTTP 400: invalid_payload` or `timeout: no answer within 10000 ms (after 4 attempts)`. */
  error?: string;
  /** Grafana's id of the annotation created (Grafana sink only). */
  annotationId?: number;
}

/** One alerted episode, as recorded in the state file. */
export interface AlertEpisode {
  /** The episode's id as first delivered (an anomaly's or a fleet incident's `id`): later cycles report the
   * episode under it even if its onset, recomputed, moved. Absent in states written before ids. */
  id?: string;
  /** The alert's `subject`. */
  subject: string;
  /** The alert's `kind`. */
  kind: AlertKind;
  /** First anomalous point, epoch ms. */
  start: number;
  /** Last anomalous point seen so far, epoch ms (extended while the episode continues). */
  end: number;
  /** The highest severity seen. */
  severity: Severity;
  /** By sink: the highest severity delivered (only successful deliveries are recorded). */
  sent: Record<string, Severity>;
  /** `now` of the run that first delivered it, epoch ms. */
  firstSentAt: number;
  /** `now` of the run that last delivered it (first send or escalation), epoch ms. */
  lastSentAt: number;
  /** `now` of the last run that reported it, epoch ms (retention counts from here or `end`, the later). */
  lastSeenAt: number;
}

/** The dedupe state: plain, versioned JSON. */
export interface AlertState {
  /** Format version; this build reads and writes 1. */
  version: 1;
  /** Alerted episodes, sorted by subject then start. */
  episodes: AlertEpisode[];
}

/** One place alerts go (Slack, Grafana annotations, a webhook, the console): what a watch cycle delivers to. */
export interface Sink {
  /** `console`, `slack`, `grafana` or `webhook`. */
  name: string;
  /** Delivers the alerts; a delivery failure is in the results (a sink that throws costs only its own). */
  send(alerts: readonly Alert[]): Promise<DeliveryResult[]>;
}
