import type { Series } from "../series/types.ts";
import type { Detector } from "./types.ts";
import { num, span } from "./_explain.ts";
import { parseLagMinutes } from "../series/parse_duration.ts";

/** Params of {@link staticBreach}. */
export interface StaticBreachParams extends Record<string, unknown> {
  /** Level 1 at or above this lag, minutes. */
  level1: number;
  /** Level 2 at or above this lag, minutes. */
  level2: number;
}

/** Options of {@link staticBreach}'s `fit`: lags as minutes or strings like `24 hours`. */
export interface StaticBreachOptions {
  /** @default "24 hours" */
  level1?: number | string;
  /** @default "72 hours" */
  level2?: number | string;
}

/**
 * Static breach levels from the original scripts, for metrics that are a lag in minutes: 0 below the first
 * level, 1 at a lag over 24 h, 2 over 72 h (configurable, e.g. `"3 hours"`, `"2d"`). Not calibrated: a breach
 * is a breach.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { staticBreach } from "./static_breach.ts";
 * const p = staticBreach.fit([], { level1: "24 hours", level2: "3d" });
 * const s = staticBreach.score({ key: "k", labels: {}, start: 0, step: 60_000, values: new Float64Array([60, 1500, 5000, NaN]) }, p);
 * assert.ok(s[0] === 0 && s[1] === 1 && s[2] === 2 && Number.isNaN(s[3]));
 * ```
 */
export const staticBreach: Detector<StaticBreachParams, StaticBreachOptions> = {
  name: "static_breach",
  description: "lag (minutes) over 24 h → level 1, over 72 h → level 2",
  fit(_train, options = {}) {
    const { level1 = "24 hours", level2 = "72 hours" } = options;
    const l1 = typeof level1 === "number" ? level1 : parseLagMinutes(level1);
    const l2 = typeof level2 === "number" ? level2 : parseLagMinutes(level2);
    if (!(l1 > 0 && l2 > l1)) {
      throw new RangeError(
        `Cannot fit static breach levels: need 0 < level1 < level2, current value is ${l1}, ${l2}`,
      );
    }
    return { level1: l1, level2: l2 };
  },
  score(series: Series, params) {
    const { values } = series;
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      out[i] = x !== x ? NaN : x >= params.level2 ? 2 : x >= params.level1 ? 1 : 0;
    }
    return out;
  },
  explain(raw, observed, _expected, params) {
    const [level, minutes] = raw >= 2 ? [2, params.level2] : [1, params.level1];
    return `lag ${num(observed)} min is over the level ${level} (${span(minutes * 60_000)}) breach`;
  },
};
