import { type Command, parseFlags } from "./_command.ts";
import { parseNumber, parseWhen, writeJsonAtomic } from "./_io.ts";
import { loadCsv } from "../series/load_csv.ts";
import { loadModel } from "../model/load_model.ts";
import { detect } from "../detect/detect.ts";

const help =
  `Usage: deno task detect --model FILE --csv FILE|DIR... [--from T] [--until T] [--profile P] --out FILE

Scores series with a trained model and writes anomaly records (machine, aggregator, timestamp, severity, score,
reasons, ...) to a JSON file, atomically. The whole history in the files is used as context; only episodes
inside --from/--until are reported.

Options:
  --model FILE       model from \`deno task train\`
  --csv PATH         CSV file or directory of *.csv (repeatable)
  --out FILE         where to write the anomalies (default anomalies.json)
  --from T, --until T  report window: ISO 8601, epoch seconds, or relative to the end of the data
                     (now-24h, now; or --from=-24h)
  --profile P        strict | permissive (default: the model's)
  --threshold X      explicit ensemble threshold 0..1 (overrides the profile)`;

/** `detect`: model + CSV → anomalies.json. */
export const command: Command = {
  help,
  async run(args) {
    const { values } = parseFlags(args, {
      model: { type: "string" },
      csv: { type: "string", multiple: true },
      out: { type: "string", default: "anomalies.json" },
      from: { type: "string" },
      until: { type: "string" },
      profile: { type: "string" },
      threshold: { type: "string" },
    });
    if (!values.model) throw new TypeError("Cannot detect: --model FILE is required (see --help)");
    if (!values.csv?.length) throw new TypeError("Cannot detect: --csv FILE|DIR is required (see --help)");
    if (values.profile && values.profile !== "strict" && values.profile !== "permissive") {
      throw new RangeError(
        `Cannot detect: --profile must be strict or permissive, current value is "${values.profile}"`,
      );
    }
    const model = await loadModel(values.model);
    const family = model.families[model.family];
    const { series, reports } = await loadCsv(values.csv, {
      template: family.template,
      extraLabels: { family: model.family },
    });
    const end = Math.max(...series.map((s) => s.start + (s.values.length - 1) * s.step));
    const from = values.from ? parseWhen("--from", values.from, end) : -Infinity;
    const until = values.until ? parseWhen("--until", values.until, end) : Infinity;
    const result = detect(model, series, {
      profile: values.profile as "strict" | "permissive" | undefined,
      threshold: values.threshold
        ? parseNumber("--threshold", values.threshold, { min: 0, max: 1 })
        : undefined,
      from,
      until,
    });
    const bySeverity = { high: 0, medium: 0, low: 0 };
    for (const a of result.anomalies) bySeverity[a.severity]++;
    await writeJsonAtomic(values.out!, {
      run: {
        source: "csv",
        files: reports.map((r) => r.file),
        model: values.model,
        family: model.family,
        profile: result.profile,
        threshold: result.threshold,
        window: {
          from: Number.isFinite(from) ? new Date(from).toISOString() : null,
          until: Number.isFinite(until) ? new Date(until).toISOString() : null,
        },
        series: { asked: series.length, scored: result.scored, notes: result.notes },
      },
      anomalies: result.anomalies,
    });
    console.log(
      `${result.anomalies.length} anomalies (${bySeverity.high} high, ${bySeverity.medium} medium, ${bySeverity.low} low) ` +
        `in ${result.scored}/${series.length} series at ${result.profile} (threshold ${
          result.threshold.toFixed(3)
        }); ` +
        `wrote ${values.out}` +
        (result.notes.length ? `; ${result.notes.length} series not scored (see run.series.notes)` : ""),
    );
    return 0;
  },
};
