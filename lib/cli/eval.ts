import { type Command, parseFlags } from "./_command.ts";
import { writeJsonAtomic } from "./_io.ts";
import { formatTable } from "./_format.ts";
import { loadCsv } from "../series/load_csv.ts";
import { loadLabels } from "../eval/labels.ts";
import { loadModel } from "../model/load_model.ts";
import { evaluate } from "../eval/evaluate.ts";
import { ANOMALY_KINDS } from "../presence.ts";
import {
  type MatrixResult,
  robustnessMatrix,
  type RobustnessMatrixOptions,
} from "../eval/robustness_matrix.ts";
import { robustnessMatrixTable } from "../eval/robustness_matrix_table.ts";

const help =
  `Usage: deno task eval --data FILE|DIR... --labels FILE [--train DIR|--model FILE] [--detectors LIST] [--json FILE]
       deno task eval --matrix [--cells SPEC] [--detectors LIST] [--train-on history|all] [--json FILE]

Event-level quality against labels: precision, recall and F1 overall and per anomaly kind, false events per
series-month and median detection delay — ours (strict and permissive) and the original scripts' method
(isolation forest, 100 trees, contamination 0.01, raw 24-value windows, one pooled model) side by side.
Without --train or --model, both are trained on --data itself (in-sample); pass --train with another corpus
(e.g. \`deno task synth --seed 7 --out /tmp/c7\`) for an out-of-sample figure.

Options:
  --data PATH        labelled CSV exports to evaluate on (repeatable)
  --labels FILE      labels JSON (e.g. data/labels.json)
  --train PATH       CSV exports to train on instead (repeatable)
  --model FILE       a trained model to use instead of training ours
  --detectors LIST   comma-separated detectors for our model
  --no-baseline      skip the original method
  --json FILE        also write the full results as JSON

Robustness matrix (--matrix): the detector on a grid of synthetic conditions, step {1m, 5m, 1h} × history
before the incidents {3d, 9d, 30d, 6mo} × weekly rhythm {on, off} × noise {1, 2} (× that of data/), each cell
a seeded corpus (seed 2718) with labelled spikes, stalls, flatlines, dropouts and level shifts (and rhythm
loss with a week of history) in its last days, ≥ 30 series-days of exposure. Trained on the history, detected
on the span; a cell passes with recall ≥ 0.9 per kind and ≤ 0.5 false events per series-month. Prints a
markdown table to stdout.
  --matrix           run the robustness matrix instead of --data/--labels
  --cells SPEC       only some cells: comma-separated key=value, a key repeated for several values, e.g.
                     step=1m,history=3d  or  step=5m,step=1h,weekly=off,noise=2
                     (step: 1m 5m 1h; history: 3d 9d 30d 6mo; weekly: on off; noise: 1 2)
  --train-on WHAT    history (default): the history before the span; all: everything, span included`;

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

async function runMatrix(values: {
  cells?: string;
  detectors?: string;
  "train-on"?: string;
  json?: string;
}): Promise<number> {
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
      cells: result.cells.map((c) => ({
        ...c,
        metrics: { ...c.metrics, falseEvents: c.metrics.falseEvents.length, missed: c.metrics.missed.length },
      })),
    });
  }
  return 0;
}

const pct = (v: number) => (v === v ? v.toFixed(3) : "-");

/** `eval`: quality against labels, ours vs the original method. */
export const command: Command = {
  help,
  async run(args) {
    const { values } = parseFlags(args, {
      data: { type: "string", multiple: true },
      labels: { type: "string" },
      train: { type: "string", multiple: true },
      model: { type: "string" },
      detectors: { type: "string" },
      "no-baseline": { type: "boolean", default: false },
      json: { type: "string" },
      matrix: { type: "boolean", default: false },
      cells: { type: "string" },
      "train-on": { type: "string" },
    });
    if (values.matrix) return await runMatrix(values);
    if (values.cells || values["train-on"]) {
      throw new TypeError("Cannot evaluate: --cells and --train-on go with --matrix (see --help)");
    }
    if (!values.data?.length || !values.labels) {
      throw new TypeError("Cannot evaluate: --data FILE|DIR and --labels FILE are required (see --help)");
    }
    const test = (await loadCsv(values.data)).series;
    const trainSet = values.train?.length ? (await loadCsv(values.train)).series : test;
    const labels = await loadLabels(values.labels);
    const model = values.model ? await loadModel(values.model) : undefined;
    const results = evaluate(trainSet, test, labels, {
      model,
      detectors: values.detectors?.split(",").map((d) => d.trim()).filter(Boolean),
      baseline: !values["no-baseline"],
    });
    const hours = (ms: number) => (ms === ms ? (ms / 3_600_000).toFixed(1) : "-");
    console.log(
      `${test.length} series, ${labels.length} labels; trained on ${
        values.model
          ? values.model
          : values.train?.length
          ? values.train.join(",")
          : "the same data (in-sample)"
      }\n`,
    );
    console.log(formatTable(
      ["method", "precision", "recall", "F1", "events", "false/series-month", "delay h", "time s"],
      results.map((r) => [
        r.method,
        pct(r.metrics.precision),
        pct(r.metrics.recall),
        pct(r.metrics.f1),
        String(r.metrics.tp + r.metrics.fp),
        r.metrics.falseEventsPerSeriesMonth.toFixed(2),
        hours(r.medianDetectionDelayMs),
        (r.ms / 1000).toFixed(2),
      ]),
    ));
    console.log("\nrecall per kind");
    console.log(formatTable(
      ["kind", "labels", ...results.map((r) => r.method)],
      ANOMALY_KINDS.map((
        k,
      ) => [
        k,
        String(results[0].metrics.perKind[k].labels),
        ...results.map((r) => pct(r.metrics.perKind[k].recall)),
      ]),
    ));
    if (values.json) {
      await writeJsonAtomic(
        values.json,
        results.map((r) => ({
          ...r,
          metrics: {
            ...r.metrics,
            falseEvents: r.metrics.falseEvents.length,
            missed: r.metrics.missed.length,
          },
        })),
      );
    }
    return 0;
  },
};
