import { type Command, parseFlags } from "./_command.ts";
import { parseChoice, parseProfile } from "./_io.ts";
import { grafanaToken, resolveConfig, SOURCE_FLAGS, SOURCE_HELP } from "./_source.ts";
import { isLive } from "../sources/config.ts";
import { DEFAULT_TEMPLATE } from "../series/template.ts";
import { saveModel } from "../model/save_model.ts";
import { trainFromSource } from "../pipeline/train_from_source.ts";
import { DEFAULT_DETECTORS } from "../detectors/registry.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import { checkTimeZone } from "../series/local_time.ts";
import { clockHintText } from "../series/clock_hint.ts";

const help = `Usage: deno task train [source flags] [--from T] [--until T] [--family presence] --out FILE

Learns a model for one family of series, from the live source (as detect reads it) or from Grafana CSV exports:
detector parameters, a calibration of every detector's scores, normal ranges (p05/p50/p95/p99), seasonality, and
the thresholds of both profiles. The model records the step it was trained at: Graphite answers a long range
from a coarser archive when its fine retention is shorter, and train keeps the step it gets.
Exit 0 when every series answered, 2 when some failed (the model is written from the others), 1 on any error.

  deno task train --source graphite --url http://graphite:8080 --from -30d --out models/presence.json
  deno task train --config watch.json --from -30d --out models/presence.json
  deno task train --data exports/ --out models/presence.json

Options:
  --out FILE         model file to write (atomically), e.g. models/presence.json
  --from T, --until T  what to train on: ISO 8601, epoch seconds, "now" or relative to now like -30d, -72h,
                     -1mon (Graphite's units: s, min, h, d, w, mon, y; m is minutes too). "now" is the clock for a
                     live source, the end of the data for files. Default: the last 30 days of a live source, all
                     of the files
  --family NAME      family name stored in the model (default: the config's, presence)
  --profile P        default profile for detect: strict (≈ p99) or permissive (≈ p95) (default strict)
  --unit U           ratio | minutes | other; minutes adds the static 24 h / 72 h breach levels (default ratio)
  --detectors LIST   comma-separated detectors (default ${DEFAULT_DETECTORS.join(",")})
  --template T       Graphite path template for labels (default: the config's, ${DEFAULT_TEMPLATE})
  --timezone Z       the IANA time zone whose wall clock the metric's days follow, e.g. Europe/Berlin: the
                     detectors read the series on that clock, so a daily rhythm that moves by an hour in UTC when
                     the clocks change stays "the same time yesterday" (default: the config's timeZone, UTC)

${SOURCE_HELP}`;

/** `train`: the live source or CSV exports → model file. */
export const command: Command = {
  help,
  async run(args) {
    const { values } = parseFlags(args, {
      ...SOURCE_FLAGS,
      out: { type: "string" },
      from: { type: "string" },
      until: { type: "string" },
      family: { type: "string" },
      profile: { type: "string", default: "strict" },
      unit: { type: "string", default: "ratio" },
      detectors: { type: "string" },
      template: { type: "string" },
      timezone: { type: "string" },
    });
    const files = [...(values.data ?? []), ...(values.csv ?? [])];
    if (!values.config && !values.source && !files.length) {
      throw new TypeError(
        "Cannot train: no source given: --source graphite|grafana|grafana-query --url URL, --config FILE or " +
          "--data FILE|DIR (see --help), current value is none",
      );
    }
    if (!values.out) throw new TypeError("Cannot train: --out FILE is required (see --help)");
    const profile = parseProfile("train", values.profile);
    const unit = parseChoice("train", "--unit", values.unit, ["ratio", "minutes", "other"] as const);
    // CSV exports given as --data are read as files (csv), not replayed.
    const resolved = await resolveConfig({
      ...values,
      data: undefined,
      csv: files.length ? files : undefined,
    });
    const config = {
      ...resolved,
      template: values.template ?? resolved.template,
      family: values.family ?? resolved.family,
    };
    const t0 = performance.now();
    const { model, run } = await trainFromSource(config, {
      from: values.from,
      until: values.until,
      now: Date.now(),
      token: isLive(config) ? grafanaToken() : undefined, // read only when a live source may need it
      profile,
      unit,
      detectors: values.detectors?.split(",").map((d) => d.trim()).filter(Boolean),
      timeZone: values.timezone === undefined ? undefined : checkTimeZone(values.timezone),
      onFetched: (run) => {
        console.error(
          `train: ${run.answered}/${run.asked} series from ${run.source} (${run.from} .. ${run.until})` +
            (run.failed ? `, ${run.failed} failed` : ""),
        );
        for (const f of run.failures.slice(0, 5)) console.error(`train: failed ${f.series}: ${f.reason}`);
        if (run.failures.length > 5) console.error(`train: … and ${run.failures.length - 5} more failed`);
      },
    });
    const bytes = await saveModel(model, values.out);
    for (const { detector, reason } of model.skippedDetectors ?? []) {
      console.error(`train: left out ${detector}: ${reason}`);
    }
    if (model.clockHint) console.error(`train: ${clockHintText(model.clockHint)}`);
    const asked = parseDurationMs(config.step);
    if (isLive(config) && model.trainedOn.step > asked) {
      console.error(
        `train: ${config.source} answered at a ${model.trainedOn.step / 1000} s step, not the configured ` +
          `${config.step}: a long range comes from a coarser archive; the model records the step it learned at`,
      );
    }
    const fam = model.families[model.family];
    console.log(
      `trained ${model.family} on ${model.trainedOn.series} series, ${model.trainedOn.points} points ` +
        `(${model.trainedOn.from.slice(0, 10)} .. ${model.trainedOn.to.slice(0, 10)}, step ${
          model.trainedOn.step / 1000
        } s${model.timeZone ? `, on ${model.timeZone} time` : ""}) ` +
        `in ${((performance.now() - t0) / 1000).toFixed(2)} s; thresholds strict ${
          fam.thresholds.strict.toFixed(3)
        }, ` +
        `permissive ${fam.thresholds.permissive.toFixed(3)}; wrote ${values.out} (${
          (bytes / 1024).toFixed(0)
        } KiB)`,
    );
    return run.failed > 0 ? 2 : 0;
  },
};
