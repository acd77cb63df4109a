import type { Detector } from "./types.ts";
import { seasonalLag } from "./seasonal_lag.ts";
import { robustZ } from "./robust_z.ts";
import { localZ } from "./local_z.ts";
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
  seasonal_lag: seasonalLag,
  robust_z: robustZ,
  local_z: localZ,
  level_shift: levelShift,
  stall: stall,
  flatline: flatline,
  missing_data: missingData,
  rhythm_loss: rhythmLoss,
  static_breach: staticBreach,
  isolation_forest: isolationForest,
});

/**
 * The default ensemble, the same for the product and the NAB benchmark: `robust_z` sees the recent past from the
 * first hours, `seasonal_lag` the same time earlier from the second day, `level_shift` and `stall` sustained
 * change against the seasonal expectation from the fourth day where the family's weekly rhythm is known (a week
 * of a fleet; see `weeklyDayChange`) and from two weeks where it is not, `flatline` and `missing_data` stuck
 * values and gaps from the first points. `rhythm_loss` (a day that lost the usual daily shape, from the fourth
 * day) and `isolation_forest` stay available by name: in the ensemble, `rhythm_loss` found more rhythm losses
 * (matrix 1 629 → 1 657 and 1 620 → 1 653) but passed no more cells, and it judged weekend mornings, where the
 * daily swing is smaller, as lost shapes (the 5-minute corpus 0.923 → 0.889, a 1-minute fleet's own model
 * 0.938 → 0.900).
 */
export const DEFAULT_DETECTORS: readonly string[] = Object.freeze([
  "seasonal_lag",
  "robust_z",
  "local_z",
  "level_shift",
  "stall",
  "flatline",
  "missing_data",
]);
