import type { Model } from "../model/schema.ts";

/**
 * The seasonal expectation a model's `seasonal_lag` detector uses (its lags and how many must be present), so
 * that the "expected" value shown for an anomaly is the one it was scored against. Private to lib.
 *
 * @param model The model.
 * @returns Options for `seasonalExpectation` (empty: its defaults, when the model has no seasonal_lag).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expectationOptions } from "./expectation_options.ts";
 * const model = { detectors: { seasonal_lag: { lags: [86_400_000], minLags: 1 } } };
 * assert.deepEqual(expectationOptions(model), { lags: [86_400_000], minLags: 1 });
 * ```
 */
export function expectationOptions(
  model: Pick<Model, "detectors">,
): { lags?: number[]; minLags?: number; dayChange?: number[] } {
  const params = model.detectors.seasonal_lag as
    | { lags?: unknown; minLags?: unknown; weekly?: unknown }
    | undefined;
  if (!params) return {};
  const weekly = Array.isArray(params.weekly) && params.weekly.length === 168
    ? params.weekly as number[]
    : undefined;
  const lags = Array.isArray(params.lags) && params.lags.every((l) => typeof l === "number")
    ? params.lags as number[]
    : undefined;
  const minLags = typeof params.minLags === "number" ? params.minLags : 1;
  const base = lags ? { lags, minLags } : { minLags };
  return weekly ? { ...base, dayChange: weekly } : base;
}
