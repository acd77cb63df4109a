import type { Series } from "../series/types.ts";
import type { Detector } from "./types.ts";
import { span } from "./_explain.ts";
import { HOUR } from "../series/robust.ts";

/** Params of {@link missingData} (none are learned). */
export type MissingDataParams = Record<string, never>;

/**
 * Missing data / stopped reporting: at a missing point, the hours since the last reported value (so a series
 * that stops reporting scores higher with every step); 0 at a reported point; `NaN` before the first value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { missingData } from "./missing_data.ts";
 * const values = new Float64Array([NaN, 1, NaN, NaN, 2]);
 * const s = missingData.score({ key: "k", labels: {}, start: 0, step: 3_600_000, values }, {});
 * assert.ok(Number.isNaN(s[0]) && s[1] === 0 && s[3] === 2 && s[4] === 0);
 * ```
 */
export const missingData: Detector<MissingDataParams> = {
  name: "missing_data",
  description: "hours without data (a gap, or a series that stopped reporting)",
  fit() {
    return {};
  },
  score(series: Series) {
    const { values, step } = series;
    const n = values.length;
    const out = new Float64Array(n).fill(NaN);
    let lastValid = -1;
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (x === x) {
        lastValid = i;
        out[i] = 0;
      } else if (lastValid >= 0) {
        out[i] = ((i - lastValid) * step) / HOUR;
      }
    }
    return out;
  },
  explain(raw) {
    return `no data for ${span(raw * HOUR)}`;
  },
};
