import { writeJsonAtomic } from "./_io.ts";
import { counted } from "./_format.ts";
import { parseCells } from "../eval/parse_cells.ts";
import { type MatrixResult, robustnessMatrix } from "../eval/robustness_matrix.ts";
import { robustnessMatrixTable } from "../eval/robustness_matrix_table.ts";

/** `eval --matrix`: the robustness matrix as a markdown table on stdout (progress per cell on a terminal). */
export async function runMatrix(values: {
  cells?: string;
  detectors?: string;
  "train-on"?: string;
  json?: string;
  seed?: string;
  "labels-per-kind"?: string;
}): Promise<number> {
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw new TypeError(
      `Cannot run the matrix: --seed must be an integer, current value is "${values.seed}"`,
    );
  }
  const perKind = values["labels-per-kind"] === undefined ? undefined : Number(values["labels-per-kind"]);
  if (perKind !== undefined && !(Number.isSafeInteger(perKind) && perKind >= 1)) {
    throw new TypeError(
      `Cannot run the matrix: --labels-per-kind must be a positive integer, current value is "${
        values["labels-per-kind"]
      }"`,
    );
  }
  const trainOn = values["train-on"] ?? "history";
  if (trainOn !== "history" && trainOn !== "all") {
    throw new TypeError(
      `Cannot run the matrix: --train-on must be history or all, current value is "${trainOn}"`,
    );
  }
  const axes = values.cells ? parseCells(values.cells) : {};
  const tty = Deno.stderr.isTerminal();
  const result: MatrixResult = robustnessMatrix({
    ...Object.fromEntries(Object.entries(axes).filter(([, v]) => v !== undefined)),
    trainOn,
    ...(seed === undefined ? {} : { seed }),
    ...(perKind === undefined ? {} : { labelsPerKind: perKind }),
    detectors: values.detectors?.split(",").map((d) => d.trim()).filter(Boolean),
    onCell: (c, i, total) => {
      if (!tty) return;
      const { step, historyDays, weekly, noise } = c.cell;
      console.error(
        `cell ${i + 1}/${total}: step ${step / 60_000} min, ${historyDays} d, weekly ${
          weekly ? "on" : "off"
        }, ` +
          `noise ${noise}× — ${c.pass ? "pass" : "FAIL"} (${(c.ms / 1000).toFixed(1)} s)`,
      );
    },
  });
  console.log(robustnessMatrixTable(result));
  if (values.json) {
    await writeJsonAtomic(values.json, {
      ...result,
      cells: result.cells.map((c) => ({ ...c, metrics: counted(c.metrics) })),
    });
  }
  return 0;
}
