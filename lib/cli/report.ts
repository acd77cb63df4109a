import { join, resolve } from "node:path";
import { type Command, parseFlags } from "./_command.ts";
import { parseChoice, parseNumber, parseProfile, writeJsonAtomic } from "./_io.ts";
import {
  configRecord,
  grafanaToken,
  grafanaUrlFromEnv,
  resolveConfig,
  SOURCE_FLAGS,
  SOURCE_HELP,
} from "./_source.ts";
import { isLive } from "../sources/config.ts";
import { saveModel } from "../model/save_model.ts";
import { parseLagMinutes } from "../series/parse_duration.ts";
import { writeTextAtomic } from "../_write_atomic.ts";
import { countBySeverity, SEVERITY_RANK } from "../detect/types.ts";
import { runReport } from "../pipeline/run_report.ts";
import { openWriteBack } from "../pipeline/write_back.ts";
import { WRITE_BACK_FLAG } from "./_write_back.ts";
import { parseDurationMs } from "../series/parse_duration.ts";

const help =
  `Usage: deno task report [source flags] [--model FILE] [--out DIR] [--window 24h] [--until T] [--top N]
                        [--profile strict|permissive] [--fail-on high|medium|low]

Runs the whole pipeline — source → train (or --model) → detect → hydrate → fleet summary → render — and writes
<out>/index.html (one self-contained page: inline SVG charts, no script, no external request of any kind),
<out>/anomalies.json and <out>/hydrated.json. With nothing configured it replays the sample corpus in data/ as if
live, "now" being the end of the data: the model is trained on the history before the report window and never
sees the window itself. Against Graphite or Grafana it needs a model (--model or "model" in the config). With a
Grafana URL (GRAFANA_URL, or dashboard.grafanaUrl in the config) each anomaly links to \`deno task dashboard\`'s
dashboard on its shard and aggregator.

Options:
  --model FILE     a trained model (otherwise, for files, one is trained and written to <out>/model.json)
  --out DIR        output directory (default reports/)
  --window D       report window before "now" (default: the config's lookback, 24h)
  --until T        "now": ISO 8601 / epoch (default: the end of the data; the clock for live sources)
  --top N          context charts for the N top anomalies (default 12)
  --profile P      strict | permissive (default: the model's, strict)
  --fail-on S      exit 3 when an anomaly of severity S or higher is found (default: never; a broken pipeline
                   is exit 1 either way)
  --write-back H:P write the window's score, expected, lower, upper and anomalous of every scored series to
                   carbon's plaintext receiver (or the config's writeBack.carbon); README "Grafana"

${SOURCE_HELP}`;

/** `report`: the whole pipeline into one HTML page ({@link runReport}). */
export const command: Command = {
  help,
  async run(args) {
    const { values } = parseFlags(args, {
      ...SOURCE_FLAGS,
      model: { type: "string" },
      out: { type: "string", default: "reports" },
      window: { type: "string" },
      until: { type: "string" },
      top: { type: "string", default: "12" },
      profile: { type: "string" },
      "fail-on": { type: "string" },
      ...WRITE_BACK_FLAG,
    });
    const t0 = performance.now();
    const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
    const profile = parseProfile("report", values.profile);
    const failOn = parseChoice("report", "--fail-on", values["fail-on"], ["high", "medium", "low"] as const);
    const top = parseNumber("--top", values.top!, { min: 0, max: 1000 });
    if (values.window) parseLagMinutes(values.window);
    const config = await resolveConfig(values);
    const sample = config.source === "replay" && !values.data?.length && !values.csv?.length &&
      !values.config;
    const writeBack = openWriteBack(config, { carbon: values["write-back"] });
    const { detection, anomalies, hydrated, html, written } = await runReport(config, {
      writeBack: writeBack && { to: writeBack, wait: parseDurationMs(config.writeBack.wait) },
      model: values.model,
      until: values.until,
      window: values.window,
      profile,
      top,
      now: Date.now(),
      token: isLive(config) ? grafanaToken() : undefined,
      grafanaUrl: grafanaUrlFromEnv(),
      sourceLabel: sample ? (run) => `replay of the sample corpus data/ (${run.answered} series)` : undefined,
      log: (m) => console.error(`report: ${m} (${elapsed()})`),
    });
    const { run, model, trained, from, until, detected } = detection;
    const out = values.out!;
    const record = {
      ...run,
      config: configRecord(config),
      window: { from: new Date(from).toISOString(), until: new Date(until).toISOString() },
      profile: detected.profile,
      threshold: detected.threshold,
      scored: detected.scored,
      notes: detected.notes,
      ...(written ? { writeBack: written } : {}),
    };
    if (written) console.error(`report: ${written.summary}`);
    await writeJsonAtomic(join(out, "anomalies.json"), { run: record, anomalies });
    await writeJsonAtomic(join(out, "hydrated.json"), { run: record, anomalies: hydrated });
    if (trained) await saveModel(model, join(out, "model.json"));
    await writeTextAtomic(join(out, "index.html"), html);
    const sev = countBySeverity(anomalies);
    console.log(
      `${anomalies.length} anomalies (${sev.high} high, ${sev.medium} medium, ${sev.low} low) in ` +
        `${new Date(from).toISOString().slice(0, 16)} – ${new Date(until).toISOString().slice(0, 16)} UTC; ` +
        `wrote ${resolve(out, "index.html")} (${(html.length / 1024).toFixed(0)} KiB) in ${elapsed()}`,
    );
    if (failOn && anomalies.some((a) => SEVERITY_RANK[a.severity] >= SEVERITY_RANK[failOn])) {
      console.error(`report: anomalies of severity ${failOn} or higher were found (--fail-on ${failOn})`);
      return 3;
    }
    return run.answered === 0 ? 1 : 0;
  },
};
