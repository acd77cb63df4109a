import type { Detector } from "./types.ts";
import { seasonalLag } from "./seasonal_lag.ts";
import { robustZ } from "./robust_z.ts";
import { levelShift } from "./level_shift.ts";
import { stall } from "./stall.ts";
import { flatline } from "./flatline.ts";
import { missingData } from "./missing_data.ts";
import { rhythmLoss } from "./rhythm_loss.ts";
import { staticBreach } from "./static_breach.ts";
import { isolationForest } from "./isolation_forest.ts";

/**
 * Every detector by name. `static_breach` is for lag-in-minutes metrics and is only used when a family's unit
 * is `minutes`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DETECTORS } from "./registry.ts";
 * assert.ok(DETECTORS.seasonal_lag.name === "seasonal_lag");
 * ```
 */
export const DETECTORS: Readonly<Record<string, Detector>> = Object.freeze({
  seasonal_lag: seasonalLag as unknown as Detector,
  robust_z: robustZ as unknown as Detector,
  level_shift: levelShift as unknown as Detector,
  stall: stall as unknown as Detector,
  flatline: flatline as unknown as Detector,
  missing_data: missingData as unknown as Detector,
  rhythm_loss: rhythmLoss as unknown as Detector,
  static_breach: staticBreach as unknown as Detector,
  isolation_forest: isolationForest as unknown as Detector,
});

/**
 * The default ensemble for seasonal fleet metrics. `robust_z` and `rhythm_loss` are left out: on the presence
 * corpus they added false events without finding anything the others missed (measured with `deno task eval
 * --detectors`); they remain available by name.
 */
export const DEFAULT_DETECTORS: readonly string[] = Object.freeze([
  "seasonal_lag",
  "level_shift",
  "stall",
  "flatline",
  "missing_data",
]);
