import type { Model, Profile } from "../model/schema.ts";
import { thresholdAt } from "../model/threshold_at.ts";

/** The score threshold the dashboard and the alert rule draw, as the model holds it. */
export interface ScoreThreshold {
  /** The profile whose threshold this is. */
  profile: Profile;
  /** The threshold, 0..1 on the ensemble score's scale. */
  value: number;
  /** The permissive profile's threshold (≤ `value` for strict), for the fleet panel's warning colour. */
  permissive: number;
  /** The step the threshold holds at, ms: the live step it was moved to, as `detect` moves it. */
  step: number;
}

/**
 * The model's score threshold for a family and profile, at the step the series are scored (and written back)
 * at: `detect` moves the threshold with a series' step (a finer step has more points a day, so the same daily
 * false-alarm rate needs a higher score), and the dashboard's line and the alert rule use the same value.
 *
 * @param model A loaded model.
 * @param family The config's family.
 * @param profile The profile. @default the model's
 * @param step The live step, ms (the config's `step`). @default the model's step
 * @returns The threshold.
 * @throws {RangeError} When the model has no such family.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { modelThreshold } from "./model_threshold.ts";
 * import type { Model } from "../model/schema.ts";
 * const model = { profile: "strict", trainedOn: { step: 3_600_000 }, ensemble: { digits: 8 },
 *   families: { presence: { thresholds: { strict: 0.6, permissive: 0.5 } } } } as unknown as Model;
 * assert.deepEqual(modelThreshold(model, "presence"),
 *   { profile: "strict", value: 0.6, permissive: 0.5, step: 3_600_000 });
 * const minute = modelThreshold(model, "presence", undefined, 60_000);
 * assert.ok(minute.value > 0.6 && minute.step === 60_000);
 * ```
 */
export function modelThreshold(
  model: Model,
  family: string,
  profile?: Profile,
  step: number = model.trainedOn.step,
): ScoreThreshold {
  const fam = model.families[family];
  if (!fam) {
    throw new RangeError(
      `Cannot read the model's threshold: the model has no family "${family}" (the config's family), ` +
        `current value is ${Object.keys(model.families).map((f) => `"${f}"`).join(", ") || "none"}`,
    );
  }
  const chosen = profile ?? model.profile;
  const at = (t: number) => thresholdAt(t, model.trainedOn.step, step, model.ensemble.digits);
  return {
    profile: chosen,
    value: at(fam.thresholds[chosen]),
    permissive: at(fam.thresholds.permissive),
    step,
  };
}
