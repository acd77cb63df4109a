/**
 * The robustness matrix as a markdown table.
 *
 * @module
 */
import type { AnomalyKind } from "../presence.ts";
import type { MatrixResult } from "./robustness_matrix.ts";

const KINDS: readonly AnomalyKind[] = ["spike", "stall", "flatline", "dropout", "level_shift", "rhythm_loss"];

function step(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${ms / 60_000} min`;
}

function history(days: number): string {
  return days >= 180 ? "6 mo" : `${days} d`;
}

/**
 * Renders a {@link MatrixResult} as a markdown table: one row per cell with its condition, exposure, recall per
 * kind (`–` where the kind is not labelled in the cell), false events per series-month, precision, F1 and
 * pass/fail. Figures that miss the criterion are in bold and failing cells are marked **FAIL**; a summary line
 * follows.
 *
 * @param result What `robustnessMatrix` returned.
 * @returns Markdown text, ending with a newline.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { robustnessMatrix } from "./robustness_matrix.ts";
 * import { robustnessMatrixTable } from "./robustness_matrix_table.ts";
 * const result = robustnessMatrix({
 *   steps: [3_600_000],
 *   historyDays: [3],
 *   weekly: [false],
 *   noise: [1],
 *   labelsPerKind: 1,
 * });
 * assert.match(robustnessMatrixTable(result), /^\| step \| history \|/);
 * ```
 */
export function robustnessMatrixTable(result: MatrixResult): string {
  const { recall: floor, falsePerSeriesMonth: ceiling } = result.criterion;
  const fmt = (v: number, bad: boolean) => {
    const text = v === v ? v.toFixed(2) : "–";
    return bad ? `**${text}**` : text;
  };
  const header = [
    "step",
    "history",
    "weekly",
    "noise",
    "series × days",
    "labels",
    ...KINDS.map((k) => k.replace("_", " ")),
    "false / series-month",
    "precision",
    "F1",
    "pass",
  ];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => " --- ").join("|")}|`];
  for (const c of result.cells) {
    const m = c.metrics;
    lines.push(`| ${
      [
        step(c.cell.step),
        history(c.cell.historyDays),
        c.cell.weekly ? "on" : "off",
        `${c.cell.noise}×`,
        `${c.series} × ${c.evalDays} = ${c.seriesDays}`,
        String(m.labels),
        ...KINDS.map((k) =>
          c.kinds.includes(k) ? fmt(m.perKind[k].recall, !(m.perKind[k].recall >= floor)) : "–"
        ),
        fmt(m.falseEventsPerSeriesMonth, !(m.falseEventsPerSeriesMonth <= ceiling)),
        fmt(m.precision, false),
        fmt(m.f1, false),
        c.pass ? "pass" : "**FAIL**",
      ].join(" | ")
    } |`);
  }
  lines.push(
    "",
    `${result.passed} of ${result.cells.length} cells pass (recall ≥ ${floor} for every kind and ≤ ${ceiling} ` +
      `false events per series-month); generator seed ${result.seed}; model trained on ${
        result.trainOn === "history" ? "the history before the evaluated span" : "everything, span included"
      }; ${(result.ms / 1000).toFixed(1)} s.`,
  );
  return lines.join("\n") + "\n";
}
