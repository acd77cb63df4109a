import type { Config } from "../sources/config.ts";
import type { SourceRun } from "../sources/fetch_source.ts";
import type { Model, Profile } from "../model/schema.ts";
import { train } from "../model/train.ts";
import { fetchWindow, type FetchWindowOptions } from "./fetch_window.ts";
import { readFeedback } from "../feedback/read_feedback.ts";
import { activeDecisions } from "../feedback/active_decisions.ts";
import { anomalousSpans } from "../feedback/anomalous_spans.ts";

/** Options for {@link trainFromSource}. */
export interface TrainFromSourceOptions extends FetchWindowOptions {
  /** Default profile of the model. @default "strict" */
  profile?: Profile;
  /** What the values measure; `minutes` adds the static breach levels. @default "ratio" */
  unit?: "ratio" | "minutes" | "other";
  /** Detectors to train. @default DEFAULT_DETECTORS */
  detectors?: string[];
  /** The time zone whose wall clock the metric's days follow (see `TrainOptions`). @default the config's, UTC */
  timeZone?: string;
  /** Told what the source answered, before training (and before the error when nothing answered). @default none */
  onFetched?: (run: SourceRun) => void;
}

/**
 * A model from the configured source, the way `deno task train` makes it: the series between `from` and `until`
 * ({@link fetchWindow}: a live source, or CSV exports), trained for the config's family and template.
 *
 * @param config A parsed config.
 * @param options See {@link TrainFromSourceOptions}.
 * @returns The model, and what the source answered.
 * @throws {RangeError} When no series answered, or the config names a partition: one model, trained once on the
 * whole fleet, serves every partition (a model per part would judge the same behaviour differently in each).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainFromSource } from "./train_from_source.ts";
 * import { parseConfig } from "../sources/config.ts";
 * const config = parseConfig({ source: "csv", data: [new URL("../../data", import.meta.url).pathname] }, "inline");
 * const { model, run } = await trainFromSource(config, { from: "-20d", now: 0 });
 * assert.ok(run.answered > 0 && model.trainedOn.series === run.answered);
 * ```
 */
export async function trainFromSource(
  config: Config,
  options: TrainFromSourceOptions,
): Promise<{ model: Model; run: SourceRun }> {
  if (config.partition) {
    const { index, count } = config.partition;
    throw new RangeError(
      `Cannot train on a partition: one model, trained once on the whole fleet, serves every partition ` +
        `(train without --partition or the config's "partition"), current value is ${index}/${count}`,
    );
  }
  const { series, run } = await fetchWindow(config, options);
  options.onFetched?.(run);
  if (series.length === 0) {
    throw new RangeError(
      `Cannot train from ${run.source}: no series answered in ${run.from} .. ${run.until}, current value is 0 of ${run.asked}`,
    );
  }
  // Spans confirmed anomalous stay out of what normal looks like.
  const exclude = anomalousSpans(activeDecisions(await readFeedback(config.feedback), options.now));
  const model = train(series, {
    exclude,
    family: config.family,
    profile: options.profile,
    unit: options.unit,
    detectors: options.detectors,
    template: config.template,
    timeZone: options.timeZone ?? config.timeZone,
  });
  return { model, run };
}
