import { type Command, parseFlags } from "./_command.ts";
import { progress } from "./_io.ts";
import { loadCsv } from "../series/load_csv.ts";
import { DEFAULT_TEMPLATE } from "../series/template.ts";
import { train } from "../model/train.ts";
import { saveModel } from "../model/save_model.ts";
import { DEFAULT_DETECTORS } from "../detectors/registry.ts";

const help =
  `Usage: deno task train --data FILE|DIR... [--family presence] [--profile strict|permissive] --out FILE

Learns a model for one family of series from Grafana CSV exports: detector parameters, a calibration of every
detector's scores, normal ranges (p05/p50/p95/p99), seasonality, and the thresholds of both profiles.

Options:
  --data PATH        CSV file or directory of *.csv (repeatable)
  --out FILE         model file to write (atomically), e.g. models/presence.json
  --family NAME      family name stored in the model (default presence)
  --profile P        default profile for detect: strict (≈ p99) or permissive (≈ p95) (default strict)
  --unit U           ratio | minutes | other; minutes adds the static 24 h / 72 h breach levels (default ratio)
  --detectors LIST   comma-separated detectors (default ${DEFAULT_DETECTORS.join(",")})
  --template T       Graphite path template for labels (default ${DEFAULT_TEMPLATE})`;

/** `train`: CSV exports → model file. */
export const command: Command = {
  help,
  async run(args) {
    const { values } = parseFlags(args, {
      data: { type: "string", multiple: true },
      out: { type: "string" },
      family: { type: "string", default: "presence" },
      profile: { type: "string", default: "strict" },
      unit: { type: "string", default: "ratio" },
      detectors: { type: "string" },
      template: { type: "string", default: DEFAULT_TEMPLATE },
    });
    if (!values.data?.length) throw new TypeError("Cannot train: --data FILE|DIR is required (see --help)");
    if (!values.out) throw new TypeError("Cannot train: --out FILE is required (see --help)");
    if (values.profile !== "strict" && values.profile !== "permissive") {
      throw new RangeError(
        `Cannot train: --profile must be strict or permissive, current value is "${values.profile}"`,
      );
    }
    if (!["ratio", "minutes", "other"].includes(values.unit!)) {
      throw new RangeError(
        `Cannot train: --unit must be ratio, minutes or other, current value is "${values.unit}"`,
      );
    }
    const t0 = performance.now();
    const { series, reports } = await loadCsv(values.data, {
      template: values.template,
      extraLabels: { family: values.family! },
    });
    progress(`loaded ${series.length} series from ${reports.length} files`);
    const model = train(series, {
      family: values.family,
      profile: values.profile,
      unit: values.unit as "ratio" | "minutes" | "other",
      detectors: values.detectors?.split(",").map((d) => d.trim()).filter(Boolean),
      template: values.template,
    });
    const bytes = await saveModel(model, values.out);
    for (const { detector, reason } of model.skippedDetectors ?? []) {
      console.error(`train: left out ${detector}: ${reason}`);
    }
    const fam = model.families[model.family];
    console.log(
      `trained ${model.family} on ${model.trainedOn.series} series, ${model.trainedOn.points} points ` +
        `(${model.trainedOn.from.slice(0, 10)} .. ${model.trainedOn.to.slice(0, 10)}, step ${
          model.trainedOn.step / 1000
        } s) ` +
        `in ${((performance.now() - t0) / 1000).toFixed(2)} s; thresholds strict ${
          fam.thresholds.strict.toFixed(3)
        }, ` +
        `permissive ${fam.thresholds.permissive.toFixed(3)}; wrote ${values.out} (${
          (bytes / 1024).toFixed(0)
        } KiB)`,
    );
    return 0;
  },
};
