import type { RobustnessMatrixOptions } from "./robustness_matrix.ts";

const MATRIX_AXES = {
  step: { "1m": 60_000, "5m": 300_000, "1h": 3_600_000 } as Record<string, number>,
  history: { "3d": 3, "9d": 9, "30d": 30, "6mo": 182 } as Record<string, number>,
  weekly: { on: true, off: false } as Record<string, boolean>,
  noise: { "1": 1, "2": 2 } as Record<string, number>,
};

/**
 * Parses `--cells` (`step=1m,history=3d`) into the matrix's axes; a key given twice keeps both values.
 *
 * @param spec The flag value.
 * @returns The axes given (the others keep their defaults).
 * @throws {TypeError} On an unknown key or value.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCells } from "./parse_cells.ts";
 * assert.deepEqual(parseCells("step=1m,step=1h").steps, [60_000, 3_600_000]);
 * ```
 */
export function parseCells(spec: string): RobustnessMatrixOptions {
  const picked: Record<string, (number | boolean)[]> = {};
  for (const part of spec.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [key, value = ""] = part.split("=").map((x) => x.trim());
    const axis = MATRIX_AXES[key as keyof typeof MATRIX_AXES] as Record<string, number | boolean> | undefined;
    if (!axis) {
      throw new TypeError(
        `Cannot parse --cells: unknown key "${key}" (step, history, weekly, noise), current value is "${spec}"`,
      );
    }
    const v = axis[value.toLowerCase()];
    if (v === undefined) {
      throw new TypeError(
        `Cannot parse --cells: ${key} must be one of ${
          Object.keys(axis).join(" ")
        }, current value is "${value}"`,
      );
    }
    (picked[key] ??= []).includes(v) || picked[key].push(v);
  }
  return {
    steps: picked.step as number[] | undefined,
    historyDays: picked.history as number[] | undefined,
    weekly: picked.weekly as boolean[] | undefined,
    noise: picked.noise as number[] | undefined,
  };
}
