import type { FeedbackDecision, FeedbackSpan } from "./types.ts";
import type { FoundEpisode } from "./find_episode.ts";
import { episodeShape } from "./episode_shape.ts";
import type { Anomaly } from "../detect/types.ts";

/** Options of {@link makeDecision}. */
export interface MakeDecisionOptions {
  /** The decision. */
  decision: FeedbackDecision["decision"];
  /** Its own id. */
  id: string;
  /** Who decides. */
  by: string;
  /** When, epoch ms. */
  at: number;
  /** Why. @default undefined */
  reason?: string;
  /** When it stops applying, epoch ms. @default undefined (never) */
  expires?: number;
  /** An anomaly kind for exported labels. @default undefined */
  kind?: string;
}

/**
 * A decision on an anomaly or a fleet incident found by id (its span and shape; a fleet incident's members,
 * one span each), or on a series over a time range.
 *
 * @param target What the decision is about.
 * @param options The decision, its id, who, when, why, until when.
 * @returns The decision, as one line of the feedback file holds it.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeDecision } from "./make_decision.ts";
 * const d = makeDecision({ series: "s", from: 0, until: 60_000 },
 *   { decision: "anomalous", id: "fb-1", by: "ops", at: Date.UTC(2026, 0, 1) });
 * assert.deepEqual(d, { id: "fb-1", decision: "anomalous", spans: [{ series: "s", from: 0, until: 60_000 }],
 *   by: "ops", at: "2026-01-01T00:00:00.000Z" });
 * ```
 */
export function makeDecision(
  target: FoundEpisode | { series: string; from: number; until: number },
  options: MakeDecisionOptions,
): FeedbackDecision {
  let spans: FeedbackSpan[], anomaly: string | undefined;
  if (!("kind" in target)) {
    spans = [{ series: target.series, from: target.from, until: target.until }];
  } else if (target.kind === "anomaly") {
    const a = target.anomaly;
    anomaly = a.id;
    spans = [spanOf(a)];
  } else {
    const { incident, members } = target;
    anomaly = incident.id;
    // Its members' own anomalies when the file holds them, else each member series over the incident.
    spans = members.length === 0
      ? incident.series.map((series) => ({ series, from: incident.start, until: incident.end }))
      : members.map(spanOf);
  }
  return {
    id: options.id,
    decision: options.decision,
    ...(anomaly ? { anomaly } : {}),
    spans,
    ...(options.kind ? { kind: options.kind } : {}),
    by: options.by,
    at: new Date(options.at).toISOString(),
    ...(options.reason ? { reason: options.reason } : {}),
    ...(options.expires !== undefined ? { expires: new Date(options.expires).toISOString() } : {}),
  };
}

/** One anomaly's span, with its shape and where it sat, as a decision keeps it. */
function spanOf(a: Anomaly): FeedbackSpan {
  return {
    series: a.series,
    from: a.start,
    until: a.end,
    shape: episodeShape(a),
    machine: a.machine,
    aggregator: a.aggregator,
  };
}
