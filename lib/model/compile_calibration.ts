import { type Calibration, floorPoint, tailFloor, tailProbability } from "./calibration.ts";

/** A compiled calibration: x → log10 P(raw ≥ x), and the same for a whole array at once. */
export interface CompiledCalibration {
  (x: number): number;
  /** out[i] = log10 P(raw ≥ raw[i]) for every i. */
  into(raw: Float64Array, out: Float64Array): void;
}

/**
 * Compiles a calibration into a fast function x → log10 P(raw ≥ x): a 2048-entry table of log10 p over
 * [lowest knot, u], linearly interpolated, and the fitted tail in closed form above u. Agrees with
 * `tailProbability` at the table points; between them the error is far below anything a threshold sees.
 *
 * @param cal The calibration.
 * @returns The function; `NaN` in, `NaN` out. Its `into(raw, out)` writes the function of every raw score into
 * `out` in one loop (the same values, at half the cost of a call per point).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitCalibration, tailProbability } from "./calibration.ts";
 * import { compileCalibration } from "./compile_calibration.ts";
 * const cal = fitCalibration(Float64Array.from({ length: 1000 }, (_, i) => i / 1000));
 * const log10p = compileCalibration(cal);
 * assert.ok(Math.abs(log10p(0.5) - Math.log10(tailProbability(cal, 0.5))) < 0.01);
 * const out = new Float64Array(2);
 * log10p.into(new Float64Array([0.5, NaN]), out);
 * assert.ok(out[0] === log10p(0.5) && Number.isNaN(out[1]));
 * ```
 */
export function compileCalibration(cal: Calibration): CompiledCalibration {
  const table = new Table(cal);
  const f = ((x: number) => table.at(x)) as CompiledCalibration;
  // A loop inside the table: one call site, one class, inlined (a call per point through the closures of
  // several calibrations cannot be).
  f.into = (raw, out) => table.into(raw, out);
  return f;
}

/** The table and closed-form tail of one calibration. */
class Table {
  static readonly SIZE = 2048;
  readonly lo: number;
  readonly hi: number;
  readonly width: number;
  readonly inv: number;
  readonly table: Float64Array;
  readonly m: number;
  readonly log10pm: number;
  readonly log10pmAtU: number;
  readonly pareto: boolean;
  readonly shape: number;
  readonly floor: number;
  readonly floorAt: number;
  constructor(cal: Calibration) {
    const size = Table.SIZE;
    this.lo = cal.knots[0];
    this.hi = cal.u;
    this.width = this.hi - this.lo;
    this.table = new Float64Array(size + 1);
    if (this.width > 0) {
      for (let j = 0; j <= size; j++) {
        this.table[j] = Math.log10(tailProbability(cal, this.lo + (this.width * j) / size));
      }
    }
    this.inv = this.width > 0 ? size / this.width : 0;
    this.m = cal.m;
    this.shape = cal.shape;
    this.log10pm = Math.log10(cal.pm);
    this.log10pmAtU = Math.log10(tailProbability(cal, this.hi));
    this.pareto = cal.tail === "pareto";
    this.floor = Math.log10(tailFloor(cal));
    this.floorAt = floorPoint(cal, tailFloor(cal));
  }

  at(x: number): number {
    if (x !== x) return NaN;
    if (x <= this.lo) return 0;
    if (x > this.hi) {
      const m = this.m, log10pm = this.log10pm;
      if (x <= m) return log10pm;
      const l = this.pareto
        ? log10pm - this.shape * Math.log10(x / m)
        : log10pm - ((x - m) / this.shape) * Math.LOG10E;
      if (l >= this.floor) return l;
      const at = this.floorAt;
      return at > 0 && x > at ? this.floor - Math.log10(x / at) : this.floor;
    }
    if (this.width <= 0) return this.log10pmAtU;
    const f = (x - this.lo) * this.inv;
    const j = f | 0;
    const table = this.table;
    if (j >= Table.SIZE) return table[Table.SIZE];
    return table[j] + (table[j + 1] - table[j]) * (f - j);
  }

  into(raw: Float64Array, out: Float64Array): void {
    // at(), with the table's part (where most scores fall) written out over locals: the same values.
    const lo = this.lo, hi = this.hi, inv = this.inv, table = this.table, size = Table.SIZE;
    const tabled = this.width > 0;
    for (let i = 0; i < raw.length; i++) {
      const x = raw[i];
      if (x <= lo) out[i] = 0;
      else if (x <= hi && tabled) {
        const f = (x - lo) * inv;
        const j = f | 0;
        out[i] = j >= size ? table[size] : table[j] + (table[j + 1] - table[j]) * (f - j);
      } else out[i] = this.at(x);
    }
  }
}
