/**
 * Operators' feedback on anomalies: decisions kept one per line in a JSON-lines file (see README, "Feedback").
 *
 * @module
 */

/** What an episode looked like, for the resemblance of later ones (see `compareShapes`). */
export interface EpisodeShape {
  /** |ln(observed / expected)| at the peak: how many e-folds off; `null` when either is missing or ≤ 0. */
  magnitude: number | null;
  /** The peak score, 0..1 (what stands in for the magnitude when there is none: a gap, a stuck value). */
  score: number;
  /** From the first to the last anomalous point, plus one step, ms. */
  durationMs: number;
  /** The onset's minute of the day, UTC, 0..1439. */
  minuteOfDay: number;
  /** The detectors that fired (the anomaly's reasons), strongest first. */
  detectors: string[];
}

/** One span a decision is about: a series over a time range, and its shape when it came from an anomaly. */
export interface FeedbackSpan {
  /** The series key. */
  series: string;
  /** First point, epoch ms. */
  from: number;
  /** Last point (inclusive), epoch ms. */
  until: number;
  /** The episode's shape (decisions made on an anomaly id); absent for a span given by hand. */
  shape?: EpisodeShape;
  /** The series' shard and aggregator, when known (for exported labels). */
  machine?: string;
  aggregator?: string;
}

/** A decision: this was normal behaviour, or this was a real anomaly. */
export interface FeedbackDecision {
  /** The decision's own id (`fb-…`), for `--undo`. */
  id: string;
  /** `not_anomalous`: normal for that series, later episodes like it are scored down. `anomalous`: confirmed,
   * left out of the normal-behaviour statistics at the next `train`. */
  decision: "not_anomalous" | "anomalous";
  /** The anomaly or fleet incident id it was made on, when it was. */
  anomaly?: string;
  /** The spans: one for an anomaly, one per member for a fleet incident, one for a series and a time range. */
  spans: FeedbackSpan[];
  /** An anomaly kind for `--export-labels` (e.g. `spike`), when known. */
  kind?: string;
  /** Who decided. */
  by: string;
  /** When, ISO 8601 UTC. */
  at: string;
  /** Why, in the operator's words. */
  reason?: string;
  /** When the decision stops applying, ISO 8601 UTC (`not_anomalous` defaults to 90 days). */
  expires?: string;
}

/** A withdrawal of an earlier decision. */
export interface FeedbackUndo {
  /** Its own id. */
  id: string;
  /** The decision withdrawn. */
  undo: string;
  /** Who withdrew it. */
  by: string;
  /** When, ISO 8601 UTC. */
  at: string;
}

/** One line of the feedback file. */
export type FeedbackLine = FeedbackDecision | FeedbackUndo;
