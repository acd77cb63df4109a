import { join, resolve } from "node:path";
import { type Command, parseFlags } from "./_command.ts";
import { parseNumber, parseWhen, writeJsonAtomic } from "./_io.ts";
import { loadCsv } from "../series/load_csv.ts";
import type { Series } from "../series/types.ts";
import { train } from "../model/train.ts";
import { loadModel } from "../model/load_model.ts";
import { saveModel } from "../model/save_model.ts";
import { detect } from "../detect/detect.ts";
import { hydrate } from "../hydrate/hydrate.ts";
import { buildReport } from "../report/build_report.ts";
import { renderPage } from "../report/render_page.ts";
import { parseLagMinutes } from "../detectors/parse_lag.ts";
import { writeTextAtomic } from "../_write_atomic.ts";

const DATA = new URL("../../data", import.meta.url).pathname;

const help =
  `Usage: deno task report [--data DIR...] [--model FILE] [--out DIR] [--window 24h] [--until T] [--top N]
                        [--profile strict|permissive] [--fail-on high|medium|low]

Runs the whole pipeline — source → train (or --model) → detect → hydrate → fleet summary → render — and writes
<out>/index.html (one self-contained page: inline SVG charts, no external request of any kind), <out>/anomalies.json
and <out>/hydrated.json. With no flags it replays the sample corpus in data/ as if live, "now" being the end of the
data: the model is trained on the history before the report window and never sees the window itself.

Options:
  --data PATH      Grafana CSV exports to replay (repeatable; default: the sample in data/)
  --model FILE     use this model instead of training one (it is also written to <out>/model.json)
  --out DIR        output directory (default reports/)
  --window D       report window before "now" (default 24h)
  --until T        "now": ISO 8601 / epoch (default: the end of the data)
  --top N          context charts for the N top anomalies (default 12)
  --profile P      strict | permissive (default: the model's, strict)
  --fail-on S      exit 3 when an anomaly of severity S or higher is found (default: never; a broken pipeline
                   is exit 1 either way)`;

const log = (message: string) => console.error(`report: ${message}`);

/** `report`: the whole pipeline into one HTML page. */
export const command: Command = {
  help,
  async run(args) {
    const { values } = parseFlags(args, {
      data: { type: "string", multiple: true },
      model: { type: "string" },
      out: { type: "string", default: "reports" },
      window: { type: "string", default: "24h" },
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
    const windowMs = parseLagMinutes(values.window!) * 60_000;
    const paths = values.data?.length ? values.data : [DATA];
    const { series, reports } = await loadCsv(paths, { extraLabels: { family: "presence" } });
    log(`loaded ${series.length} series from ${reports.length} files (${elapsed()})`);
    const end = Math.max(...series.map((s) => s.start + (s.values.length - 1) * s.step));
    const until = values.until ? parseWhen("--until", values.until, end) : end;
    const from = until - windowMs;
    let model;
    if (values.model) {
      model = await loadModel(values.model);
      log(`model ${values.model} (${model.family})`);
    } else {
      // As if live: learn only from the history before the report window.
      const history: Series[] = series.map((s) => {
        const n = Math.max(0, Math.floor((from - s.start) / s.step));
        return { ...s, values: s.values.slice(0, n) };
      }).filter((s) => s.values.length > 0);
      model = train(history, { family: "presence", now: from });
      log(
        `trained on ${model.trainedOn.series} series, ${model.trainedOn.points} points before the window (${elapsed()})`,
      );
    }
    const trendFrom = from - 13 * 86_400_000; // two weeks of per-shard trend, the report window included
    const detected = detect(model, series, {
      from: trendFrom,
      until,
      profile: values.profile as "strict" | "permissive" | undefined,
      keepScores: true,
    });
    const inWindow = detected.anomalies.filter((a) => a.end >= from && a.start <= until);
    log(
      `${inWindow.length} anomalies in the window, ${detected.anomalies.length} over the 14-day trend (${elapsed()})`,
    );
    const hydrated = hydrate(inWindow, series);
    const source = values.data?.length
      ? `replay of ${paths.join(", ")} (${reports.length} CSV files)`
      : `replay of the sample corpus data/ (${reports.length} CSV files)`;
    const data = buildReport(model, detected, hydrated, { from, until, now: until, source, top, trendFrom });
    const html = renderPage(data);
    const out = values.out!;
    await Deno.mkdir(out, { recursive: true });
    const run = {
      source,
      window: { from: new Date(from).toISOString(), until: new Date(until).toISOString() },
      profile: detected.profile,
      threshold: detected.threshold,
      series: { asked: series.length, scored: detected.scored, notes: detected.notes },
    };
    await writeJsonAtomic(join(out, "anomalies.json"), { run, anomalies: inWindow });
    await writeJsonAtomic(join(out, "hydrated.json"), { run, anomalies: hydrated });
    if (!values.model) await saveModel(model, join(out, "model.json"));
    await writeTextAtomic(join(out, "index.html"), html);
    const sev = { high: 0, medium: 0, low: 0 };
    for (const a of inWindow) sev[a.severity]++;
    console.log(
      `${inWindow.length} anomalies (${sev.high} high, ${sev.medium} medium, ${sev.low} low) in ` +
        `${new Date(from).toISOString().slice(0, 16)} – ${new Date(until).toISOString().slice(0, 16)} UTC; ` +
        `wrote ${resolve(out, "index.html")} (${(html.length / 1024).toFixed(0)} KiB) in ${elapsed()}`,
    );
    if (failOn) {
      const rank = { low: 1, medium: 2, high: 3 } as const;
      const worst = inWindow.some((a) => rank[a.severity] >= rank[failOn as keyof typeof rank]);
      if (worst) {
        console.error(`report: anomalies of severity ${failOn} or higher were found (--fail-on ${failOn})`);
        return 3;
      }
    }
    return 0;
  },
};
