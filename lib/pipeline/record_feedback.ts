import type { Config } from "../sources/config.ts";
import { appendFeedback } from "../feedback/append_feedback.ts";
import { findEpisode } from "../feedback/find_episode.ts";
import { makeDecision } from "../feedback/make_decision.ts";
import type { FeedbackDecision } from "../feedback/types.ts";

/** Options of {@link recordFeedback}. */
export interface RecordFeedbackOptions {
  /** The decision. */
  decision: FeedbackDecision["decision"];
  /** An anomaly (`a-…`) or fleet incident (`f-…`) id, found in `results`; or give `span`. */
  id?: string;
  /** A series over a time range (epoch ms), instead of an id. */
  span?: { series: string; from: number; until: number };
  /** Result files to find the id in (missing ones skipped). @default reports/anomalies.json, reports/watch.json, anomalies.json */
  results?: readonly string[];
  /** The decision's own id. */
  decisionId: string;
  /** Who. */
  by: string;
  /** When, epoch ms (the clock, from the CLI). */
  now: number;
  /** Why. @default undefined */
  reason?: string;
  /** When it stops applying, epoch ms. @default undefined (never) */
  expires?: number;
  /** The anomaly kind for exported labels. @default undefined */
  kind?: string;
}

const RESULTS = ["reports/anomalies.json", "reports/watch.json", "anomalies.json"];

/**
 * Records an operator's decision on an anomaly, a fleet incident (all its members) or a series over a time
 * range, appended to the config's feedback file under its lock.
 *
 * @param config The config (its `feedback` path).
 * @param options What is decided, about what, by whom, when.
 * @returns The decision as written.
 * @throws {RangeError} When the id is in none of the result files.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recordFeedback } from "./record_feedback.ts";
 * import { parseConfig } from "../sources/config.ts";
 * const feedback = `${await Deno.makeTempDir()}/feedback.jsonl`;
 * const d = await recordFeedback(parseConfig({ feedback }, "inline"), { decision: "anomalous",
 *   span: { series: "s", from: 0, until: 60_000 }, decisionId: "fb-1", by: "ops", now: 0 });
 * assert.equal(JSON.parse(await Deno.readTextFile(feedback)).id, d.id);
 * ```
 */
export async function recordFeedback(
  config: Pick<Config, "feedback">,
  options: RecordFeedbackOptions,
): Promise<FeedbackDecision> {
  const { id, span, results = RESULTS } = options;
  let target;
  if (id) {
    target = await findEpisode(id, results);
    if (!target) {
      throw new RangeError(
        `Cannot record feedback: no anomaly or incident ${id} in ${
          results.join(", ")
        } (give the result file ` +
          `with --anomalies, or --series --from --until), current value is ${id}`,
      );
    }
  } else if (span) {
    if (!(span.until >= span.from)) {
      throw new RangeError(
        `Cannot record feedback: the span ends before it begins, current value is ${span.until}`,
      );
    }
    target = span;
  } else {
    throw new TypeError(
      "Cannot record feedback: give an anomaly id, or a series with a time range (--series KEY --from T --until T), " +
        "current value is neither",
    );
  }
  const line = makeDecision(target, {
    decision: options.decision,
    id: options.decisionId,
    by: options.by,
    at: options.now,
    reason: options.reason,
    expires: options.expires,
    kind: options.kind,
  });
  await appendFeedback(config.feedback, line, { now: options.now });
  return line;
}
