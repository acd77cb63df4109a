import { join, resolve } from "node:path";
import { type Command, parseFlags } from "./_command.ts";
import { parseNumber, writeJsonAtomic } from "./_io.ts";
import { configRecord, grafanaToken, resolveConfig, SOURCE_FLAGS, SOURCE_HELP } from "./_source.ts";
import { writeTextAtomic } from "../_write_atomic.ts";
import { isLive } from "../sources/config.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import { loadLabels } from "../eval/labels.ts";
import { runBacktest } from "../pipeline/run_backtest.ts";
import { renderBacktestPage } from "../report/render_backtest_page.ts";

const help =
  `Usage: deno task backtest [--model FILE] [source flags] [--from -30d] [--until T] [--interval 5m] [--labels FILE] [--out DIR]

Replays history as the watch loop would have run it — every interval: the anomalies detect reports with the data
cut at that time, fleet incidents, alerts once per episode (escalations again, quiet hours) — for both profiles
(strict, permissive) and every minimum severity (low, medium, high), and says how many alerts each would have
sent: alerts per day (min, median, max), by severity, shard and aggregator, the noisiest series, the share of
fleet incidents, alerts per day against the threshold, and with --labels time to detect and recall per kind.
The series are fetched and scored once (the detectors are causal), then the alert planning is replayed.
Writes DIR/backtest.json and DIR/backtest.html (self-contained), atomically.

Options:
  --model FILE     model from \`deno task train\` (required for live sources; files without one: trained on the
                   history before --from)
  --from T         the first cycle: ISO 8601, epoch seconds, or relative to "now" (default -30d); "now" is the
                   end of the data for files, the clock for live sources
  --until T        the last cycle, as --from (default "now")
  --interval D     time between cycles (default: the config's interval, 5m)
  --labels FILE    labelled anomalies, the format \`deno task eval\` reads (e.g. data/labels.json)
  --sweep N        thresholds on the alerts-per-day curve (default 9)
  --out DIR        where to write (default reports/backtest)

${SOURCE_HELP}`;

const perDay = (s: { min: number; median: number; max: number; mean: number }) =>
  `${s.mean.toFixed(1)}/day (min ${s.min}, median ${s.median}, max ${s.max})`;

/** `backtest`: history → how many alerts each profile and minimum severity would have sent ({@link runBacktest}). */
export const command: Command = {
  help,
  async run(args) {
    const { values } = parseFlags(args, {
      ...SOURCE_FLAGS,
      model: { type: "string" },
      from: { type: "string", default: "-30d" },
      until: { type: "string" },
      interval: { type: "string" },
      labels: { type: "string" },
      sweep: { type: "string", default: "9" },
      out: { type: "string", default: "reports/backtest" },
    });
    const config = await resolveConfig(values);
    const interval = parseDurationMs(values.interval ?? config.interval);
    const sweep = parseNumber("--sweep", values.sweep!, { min: 2, max: 40 });
    const labels = values.labels ? await loadLabels(values.labels) : undefined;
    const t0 = performance.now();
    const result = await runBacktest(config, {
      model: values.model,
      from: values.from,
      until: values.until,
      interval,
      labels,
      sweep: Math.round(sweep),
      now: Date.now(),
      token: isLive(config) ? grafanaToken() : undefined,
      log: (m) => console.error(`backtest: ${m}`),
    });
    const ms = Math.round(performance.now() - t0);
    const out = values.out!;
    const record = { ...result, run: { ...result.run, config: configRecord(config), ms } };
    await writeJsonAtomic(join(out, "backtest.json"), record);
    const html = renderBacktestPage(record);
    await writeTextAtomic(join(out, "backtest.html"), html);
    const { span } = result.run;
    console.log(
      `backtest of ${result.run.scored}/${result.run.series} series, ${span.cycles} cycles every ` +
        `${interval / 60_000} min from ${new Date(span.from).toISOString().slice(0, 16)} to ` +
        `${new Date(span.until).toISOString().slice(0, 16)} UTC in ${(ms / 1000).toFixed(1)} s:`,
    );
    for (const p of result.profiles) {
      for (const [min, s] of Object.entries(p.minSeverity)) {
        console.log(
          `  ${p.profile.padEnd(10)} min ${min.padEnd(6)} ${String(s.alerts).padStart(5)} alerts, ` +
            `${perDay(s.alertsPerDay)}, ${Math.round(s.fleetShare * 100)}% fleet incidents`,
        );
      }
    }
    for (const n of result.notes) console.error(`backtest: note: ${n}`);
    console.log(`wrote ${resolve(out, "backtest.json")} and backtest.html`);
    return result.run.answered === 0 ? 1 : 0;
  },
};
