import { type Calibration, floorPoint, tailFloor, tailProbability } from "./calibration.ts";

/**
 * Compiles a calibration into a fast function x → log10 P(raw ≥ x): a 2048-entry table of log10 p over
 * [lowest knot, u], linearly interpolated, and the fitted tail in closed form above u. Agrees with
 * `tailProbability` at the table points; between them the error is far below anything a threshold sees.
 *
 * @param cal The calibration.
 * @returns The function; `NaN` in, `NaN` out.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitCalibration, tailProbability } from "./calibration.ts";
 * import { compileCalibration } from "./compile_calibration.ts";
 * const cal = fitCalibration(Float64Array.from({ length: 1000 }, (_, i) => i / 1000));
 * const log10p = compileCalibration(cal);
 * assert.ok(Math.abs(log10p(0.5) - Math.log10(tailProbability(cal, 0.5))) < 0.01);
 * ```
 */
export function compileCalibration(cal: Calibration): (x: number) => number {
  const size = 2048;
  const lo = cal.knots[0], hi = cal.u;
  const width = hi - lo;
  const table = new Float64Array(size + 1);
  if (width > 0) {
    for (let j = 0; j <= size; j++) table[j] = Math.log10(tailProbability(cal, lo + (width * j) / size));
  }
  const inv = width > 0 ? size / width : 0;
  const { m, pm, shape } = cal;
  const log10pm = Math.log10(pm);
  const log10pmAtU = Math.log10(tailProbability(cal, hi));
  const pareto = cal.tail === "pareto";
  const LOG10E = Math.LOG10E;
  const floor = Math.log10(tailFloor(cal));
  const at = floorPoint(cal, tailFloor(cal));
  return (x: number) => {
    if (x !== x) return NaN;
    if (x <= lo) return 0;
    if (x > hi) {
      if (x <= m) return log10pm;
      const l = pareto ? log10pm - shape * Math.log10(x / m) : log10pm - ((x - m) / shape) * LOG10E;
      if (l >= floor) return l;
      return at > 0 && x > at ? floor - Math.log10(x / at) : floor;
    }
    if (width <= 0) return log10pmAtU;
    const f = (x - lo) * inv;
    const j = f | 0;
    if (j >= size) return table[size];
    return table[j] + (table[j + 1] - table[j]) * (f - j);
  };
}
