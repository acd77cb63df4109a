import { join, resolve } from "node:path";
import { type Command, parseFlags } from "./_command.ts";
import { parseNumber, writeJsonAtomic } from "./_io.ts";
import { writeTextAtomic } from "../_write_atomic.ts";
import { resolveConfig } from "./_source.ts";
import { sinksFromEnv } from "./_sinks.ts";
import { loadModel } from "../model/load_model.ts";
import { loadPartitions } from "../pipeline/load_partitions.ts";
import { mergePartitions } from "../pipeline/merge_partitions.ts";
import { countBySeverity } from "../detect/types.ts";

const help = `Usage: deno task merge DIR... --model FILE [--out DIR] [--state FILE] [--config FILE] [--top N]

Joins the partitions of one fleet (each written by \`deno task detect --partition i/N --out DIR\`) into what one
run over the whole fleet finds: every anomaly, peer outliers and fleet-wide incidents computed over ALL
partitions, one report and one alert decision (alert once per episode: the state file lives with the merge,
never with a partition). Refuses parts that are not one fleet: a missing or repeated index, another N, another
model or window. Alerts go to the console and to the sinks the environment sets, as \`deno task watch\`'s.
Writes DIR/anomalies.json (run, anomalies, incidents, peers, alerts) and DIR/index.html, atomically.
Exit 0, 2 when some series failed in a partition, 1 when none answered (or on any error).

Options:
  --model FILE   the model every partition scored with (or the config's "model"); checked against them
  --out DIR      where to write (default reports/merged)
  --state FILE   alert state file (default: the config's alerts.state, reports/alert-state.json; for files
                 reports/alert-state-replay.json)
  --config FILE  the config: its alerts settings (minSeverity, quiet hours, ...) and model
  --top N        context charts in the report (default 12)`;

/** `merge`: partitions' outputs → one anomalies file, one report, one alert decision ({@link mergePartitions}). */
export const command: Command = {
  help,
  async run(args) {
    const { values, positionals } = parseFlags(args, {
      config: { type: "string" },
      model: { type: "string" },
      out: { type: "string", default: "reports/merged" },
      state: { type: "string" },
      top: { type: "string", default: "12" },
    });
    const top = parseNumber("--top", values.top!, { min: 0, max: 1000 });
    const config = await resolveConfig({ config: values.config });
    const modelPath = values.model ?? config.model;
    if (!modelPath) {
      throw new TypeError(
        `Cannot merge: the model the partitions scored with is needed (--model FILE or "model" in the config), ` +
          `current value is undefined`,
      );
    }
    const model = await loadModel(modelPath, { family: config.family });
    const partitions = await loadPartitions(positionals);
    const live = partitions[0].output.live;
    const statePath = values.state ?? config.alerts.state ??
      (live ? "reports/alert-state.json" : "reports/alert-state-replay.json");
    const merged = await mergePartitions(partitions, {
      model,
      alerts: config.alerts,
      sinks: sinksFromEnv(config, console.log),
      statePath,
      now: live ? Date.now() : undefined,
      print: console.error,
      top,
    });
    const { run, anomalies, incidents, peers, alerts, report } = merged;
    const out = values.out!;
    await writeJsonAtomic(join(out, "anomalies.json"), { run, anomalies, incidents, peers, alerts });
    await writeTextAtomic(join(out, "index.html"), report.html);
    const sev = countBySeverity(anomalies);
    console.error(
      `merge: ${partitions.length} partitions, ${run.answered}/${run.asked} series; ${anomalies.length} anomalies ` +
        `(${sev.high} high, ${sev.medium} medium, ${sev.low} low), ${incidents.length} fleet incidents, ` +
        `${peers.length} peer outliers; sent ${alerts.sent.length}, held ${alerts.held.length}, suppressed ` +
        `${alerts.suppressed} (state ${statePath}); wrote ${resolve(out, "index.html")}`,
    );
    return run.answered === 0 && run.asked > 0 ? 1 : run.failed > 0 ? 2 : 0;
  },
};
