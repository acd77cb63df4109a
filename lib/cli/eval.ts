import { type Command, parseFlags } from "./_command.ts";
import { writeJsonAtomic } from "./_io.ts";
import { counted, formatTable } from "./_format.ts";
import { loadCsv } from "../series/load_csv.ts";
import { loadLabels } from "../eval/labels.ts";
import { loadModel } from "../model/load_model.ts";
import { evaluate } from "../eval/evaluate.ts";
import { ANOMALY_KINDS, type AnomalyKind } from "../presence.ts";
import { runMatrix } from "./_matrix.ts";

const help =
  `Usage: deno task eval --data FILE|DIR... --labels FILE [--train DIR|--model FILE] [--detectors LIST] [--json FILE]
       deno task eval --matrix [--cells SPEC] [--detectors LIST] [--train-on history|all] [--seed N]
                               [--labels-per-kind N] [--json FILE]

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
  --train-on WHAT    history (default): the history before the span; all: everything, span included
  --seed N           another generator seed (a check that a change holds beyond seed 2718)
  --labels-per-kind N  incidents of each kind per cell (default 12; more series, a narrower recall estimate)`;

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
      seed: { type: "string" },
      "labels-per-kind": { type: "string" },
    });
    if (values.matrix) return await runMatrix(values);
    if (values.cells || values["train-on"] || values.seed || values["labels-per-kind"]) {
      throw new TypeError(
        "Cannot evaluate: --cells, --train-on, --seed and --labels-per-kind go with --matrix (see --help)",
      );
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
    const recalls = (k: AnomalyKind) => results.map((r) => pct(r.metrics.perKind[k].recall));
    console.log(formatTable(
      ["kind", "labels", ...results.map((r) => r.method)],
      ANOMALY_KINDS.map((k) => [k, String(results[0].metrics.perKind[k].labels), ...recalls(k)]),
    ));
    if (values.json) {
      await writeJsonAtomic(values.json, results.map((r) => ({ ...r, metrics: counted(r.metrics) })));
    }
    return 0;
  },
};
