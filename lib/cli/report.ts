import { join, resolve } from "node:path";
import { type Command, parseFlags } from "./_command.ts";
import { parseNumber, writeJsonAtomic } from "./_io.ts";
import { configRecord, resolveConfig, SOURCE_FLAGS, SOURCE_HELP } from "./_source.ts";
import { runDetection } from "./_pipeline.ts";
import { saveModel } from "../model/save_model.ts";
import { hydrate } from "../hydrate/hydrate.ts";
import { buildReport } from "../report/build_report.ts";
import { renderPage } from "../report/render_page.ts";
import { parseDurationMs, parseLagMinutes } from "../series/parse_duration.ts";
import { writeTextAtomic } from "../_write_atomic.ts";
import { type Severity, SEVERITY_RANK } from "../detect/types.ts";

const help =
  `Usage: deno task report [source flags] [--model FILE] [--out DIR] [--window 24h] [--until T] [--top N]
                        [--profile strict|permissive] [--fail-on high|medium|low]

Runs the whole pipeline — source → train (or --model) → detect → hydrate → fleet summary → render — and writes
<out>/index.html (one self-contained page: inline SVG charts, no script, no external request of any kind),
<out>/anomalies.json and <out>/hydrated.json. With nothing configured it replays the sample corpus in data/ as if
live, "now" being the end of the data: the model is trained on the history before the report window and never
sees the window itself. Against Graphite or Grafana it needs a model (--model or "model" in the config).

Options:
  --model FILE     a trained model (otherwise, for files, one is trained and written to <out>/model.json)
  --out DIR        output directory (default reports/)
  --window D       report window before "now" (default: the config's lookback, 24h)
  --until T        "now": ISO 8601 / epoch (default: the end of the data; the clock for live sources)
  --top N          context charts for the N top anomalies (default 12)
  --profile P      strict | permissive (default: the model's, strict)
  --fail-on S      exit 3 when an anomaly of severity S or higher is found (default: never; a broken pipeline
                   is exit 1 either way)

${SOURCE_HELP}`;

const log = (message: string) => console.error(`report: ${message}`);
const DAY = 86_400_000;

/** `report`: the whole pipeline into one HTML page. */
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
    });
    const t0 = performance.now();
    const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
    if (values.profile && values.profile !== "strict" && values.profile !== "permissive") {
      throw new RangeError(
        `Cannot report: --profile must be strict or permissive, current value is "${values.profile}"`,
      );
    }
    const failOn = values["fail-on"];
    if (failOn && !["high", "medium", "low"].includes(failOn)) {
      throw new RangeError(
        `Cannot report: --fail-on must be high, medium or low, current value is "${failOn}"`,
      );
    }
    const top = parseNumber("--top", values.top!, { min: 0, max: 1000 });
    if (values.window) parseLagMinutes(values.window);
    const config = await resolveConfig(values);
    // Two weeks of per-shard trend, the report window included (on what the source holds).
    const trendDays = 14;
    const { series, run, model, trained, from, until, detected } = await runDetection({
      config,
      model: values.model,
      until: values.until,
      window: values.window,
      profile: values.profile as "strict" | "permissive" | undefined,
      keepScores: true,
      extra: (trendDays - 1) * DAY,
      log: (m) => log(`${m} (${elapsed()})`),
    });
    const trendFrom = from - (trendDays - 1) * DAY;
    const inWindow = detected.anomalies.filter((a) => a.end >= from && a.start <= until);
    log(
      `${inWindow.length} anomalies in the window, ${detected.anomalies.length} over the ${trendDays}-day trend (${elapsed()})`,
    );
    const hydrated = hydrate(inWindow, series, {
      before: parseDurationMs(config.hydrate.before),
      after: parseDurationMs(config.hydrate.after),
    });
    const source = config.source === "replay" && !values.data?.length && !values.csv?.length && !values.config
      ? `replay of the sample corpus data/ (${run.answered} series)`
      : `${run.source} (${run.answered}/${run.asked} series)`;
    const data = buildReport(model, detected, hydrated, {
      from,
      until,
      now: until,
      source,
      top,
      trendFrom,
      failures: run.failures.map((f) => ({ series: f.series, reason: `${f.kind}: ${f.reason}` })),
      allSeries: series,
      fleet: {
        minShards: config.fleet.minShards,
        minFraction: config.fleet.minFraction,
        window: parseDurationMs(config.fleet.window),
      },
    });
    const html = renderPage(data);
    const out = values.out!;
    const record = {
      ...run,
      config: configRecord(config),
      window: { from: new Date(from).toISOString(), until: new Date(until).toISOString() },
      profile: detected.profile,
      threshold: detected.threshold,
      scored: detected.scored,
      notes: detected.notes,
    };
    await writeJsonAtomic(join(out, "anomalies.json"), { run: record, anomalies: inWindow });
    await writeJsonAtomic(join(out, "hydrated.json"), { run: record, anomalies: hydrated });
    if (trained) await saveModel(model, join(out, "model.json"));
    await writeTextAtomic(join(out, "index.html"), html);
    const sev = { high: 0, medium: 0, low: 0 };
    for (const a of inWindow) sev[a.severity]++;
    console.log(
      `${inWindow.length} anomalies (${sev.high} high, ${sev.medium} medium, ${sev.low} low) in ` +
        `${new Date(from).toISOString().slice(0, 16)} – ${new Date(until).toISOString().slice(0, 16)} UTC; ` +
        `wrote ${resolve(out, "index.html")} (${(html.length / 1024).toFixed(0)} KiB) in ${elapsed()}`,
    );
    if (failOn) {
      if (inWindow.some((a) => SEVERITY_RANK[a.severity] >= SEVERITY_RANK[failOn as Severity])) {
        console.error(`report: anomalies of severity ${failOn} or higher were found (--fail-on ${failOn})`);
        return 3;
      }
    }
    return run.answered === 0 ? 1 : 0;
  },
};
