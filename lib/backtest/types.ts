/**
 * The backtest: how many alerts a profile and a minimum severity would have sent over a span of history, replayed
 * the way the watch loop runs (alert once per episode), from scores computed once.
 *
 * @module
 */
import type { Severity } from "../detect/types.ts";
import type { AlertKind } from "../alerts/types.ts";
import type { Profile } from "../model/schema.ts";
import type { SourceRun } from "../sources/fetch_source.ts";

/** One series' episodes at one threshold, as they grew point by point (see `episodeTimeline`). */
export interface EpisodeTimeline {
  /** The series key. */
  series: string;
  /** The shard (`""` when the key did not match the template). */
  machine: string;
  /** The aggregator (`""` when none). */
  aggregator: string;
  /** The series' first point and step, epoch ms and ms. */
  start: number;
  step: number;
  /** Whether detect scores the series when its data ends at index `c` (length, gaps, a constant value). */
  scoredAt: (c: number) => boolean;
  /** Its episodes (runs of flagged points), in order. */
  episodes: TimelineEpisode[];
}

/**
 * One episode of a series as it grew: version `k` is what detect reports with data up to its `k`-th flagged
 * point (and until the next one): its last point, its peak, and its severity (−1: dropped as a short, weak blip).
 */
export interface TimelineEpisode {
  /** Index of its first point (the onset: before the first flagged point for a stuck value or a gap). */
  onset: number;
  /** Index of each version's last flagged point (the first one is the first flagged point). */
  last: Int32Array;
  /** Index of each version's peak. */
  peak: Int32Array;
  /** Each version's peak score, rounded as detect rounds it. */
  score: Float64Array;
  /** Each version's severity rank (0 low, 1 medium, 2 high), −1 when detect drops it. */
  severity: Int8Array;
}

/** One alert the replay sent (a first send, or an escalation). */
export interface SentAlert {
  /** The cycle's "now" that sent it, epoch ms. */
  at: number;
  /** The episode's id (as first delivered). */
  id: string;
  /** The series key, or `fleet:<aggregator>`. */
  subject: string;
  /** `anomaly` or `fleet`. */
  kind: AlertKind;
  /** The shard (anomalies only; `""` for a fleet incident). */
  machine: string;
  /** The aggregator. */
  aggregator: string;
  /** The series involved (one, or a fleet incident's members). */
  series: string[];
  /** Severity as sent. */
  severity: Severity;
  /** Set when the send was an escalation of an episode sent before at this lower severity. */
  escalatedFrom?: Severity;
  /** The episode's first and last point when it was sent, epoch ms. */
  start: number;
  end: number;
}

/** min, median, max (over whole days) and mean (over the span) of alerts per day. */
export interface PerDayStats {
  min: number;
  median: number;
  max: number;
  mean: number;
}

/** Recall and time to detect of one kind of labelled anomaly. */
export interface KindDetection {
  /** The label's kind, e.g. `stall`. */
  kind: string;
  /** Labels of that kind within the replay. */
  labels: number;
  /** Labels with an alert on their series sent while or after they happened and overlapping them. */
  detected: number;
  /** `detected / labels`. */
  recall: number;
  /** From the label's start to the first such alert, ms: median and max (`null` when none was detected). */
  medianTimeToDetectMs: number | null;
  maxTimeToDetectMs: number | null;
}

/** What one profile at one minimum severity would have sent. */
export interface SendSummary {
  /** Alerts sent (first sends and escalations). */
  alerts: number;
  /** Of which escalations of an episode already sent at a lower severity. */
  escalations: number;
  /** Alerts in each 24 h from the start (the last day may be partial). */
  perDay: number[];
  /** Days in the span (may be fractional). */
  days: number;
  /** Alerts per day. */
  alertsPerDay: PerDayStats;
  /** Alerts by severity as sent. */
  bySeverity: Record<Severity, number>;
  /** Alerts by shard (a fleet incident counts under `fleet`), most first. */
  byMachine: Array<{ machine: string; alerts: number }>;
  /** Alerts by aggregator, most first. */
  byAggregator: Array<{ aggregator: string; alerts: number }>;
  /** The noisiest subjects (series, or `fleet:<aggregator>`), most first. */
  noisiest: Array<{ subject: string; alerts: number }>;
  /** Share of the alerts that were fleet incidents, 0..1 (0 without alerts). */
  fleetShare: number;
  /** With labels: recall and time to detect per kind. */
  detection?: KindDetection[];
}

/** One profile's replay: its threshold and what each minimum severity would have sent. */
export interface ProfileBacktest {
  profile: Profile;
  /** The ensemble threshold (0..1, at the model's step). */
  threshold: number;
  /** By minimum severity. */
  minSeverity: Record<Severity, SendSummary>;
}

/** One point of the alerts-per-day curve. */
export interface SweepPoint {
  /** The ensemble threshold (0..1, at the model's step). */
  threshold: number;
  /** The same as decades of tail probability (−log10 p). */
  decades: number;
  /** The profile whose threshold it is, if any. */
  profile?: Profile;
  /** Mean alerts per day by minimum severity. */
  alertsPerDay: Record<Severity, number>;
}

/** What `runBacktest` found. */
export interface BacktestResult {
  /** What ran: the source, the span, the cycles. */
  run: SourceRun & {
    /** The replay: first and last "now" (epoch ms), time between cycles and the lookback (ms), cycles run. */
    span: { from: number; until: number; interval: number; lookback: number; cycles: number };
    series: number;
    scored: number;
    model: { family: string; step: number; trained: boolean; createdAt: string };
    timing: { fetchMs: number; scoreMs: number; replayMs: number };
  };
  /** Both profiles, each at every minimum severity. */
  profiles: ProfileBacktest[];
  /** Alerts per day against the threshold. */
  sweep: SweepPoint[];
  /** What the replay does not do as watch does, in words. */
  notes: string[];
}
