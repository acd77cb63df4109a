import type { Command } from "./_command.ts";
import { parseFlags } from "./_command.ts";
import { formatStep, formatTable, formatTime } from "./_format.ts";
import { DEFAULT_TEMPLATE } from "../series/template.ts";
import { loadCsv } from "../series/load_csv.ts";
import { summarize } from "../series/summarize.ts";

const help = `Usage: deno task inspect [--json] [--template T] [--skip-bad-rows] FILE|DIR...

One row per series in Grafana CSV exports: key, machine, aggregator, points, step, from, to, valid fraction,
min, p50, p95, max. Directories are expanded to their *.csv files.

Options:
  --json            print a JSON array of {key, labels, start, end, step, points, valid_pct, min, p50, p95,
                    max, mean} (times in epoch ms, valid_pct 0..1); per-file notes still go to stderr
  --template T      Graphite path template for labels (default ${DEFAULT_TEMPLATE})
  --skip-bad-rows   skip and count malformed rows instead of failing on the first one
  -h, --help        this help`;

/** `inspect`: describe the series in CSV exports. */
export const command: Command = {
  help,
  async run(args) {
    const { values, positionals } = parseFlags(args, {
      json: { type: "boolean", default: false },
      template: { type: "string", default: DEFAULT_TEMPLATE },
      "skip-bad-rows": { type: "boolean", default: false },
    });
    if (positionals.length === 0) throw new TypeError("Cannot inspect: no FILE or DIR given (see --help)");
    const { series, reports } = await loadCsv(positionals, {
      template: values.template,
      onError: values["skip-bad-rows"] ? "skip" : "throw",
    });
    const summaries = series.map(summarize);
    if (values.json) {
      const clean = (v: number) => Number.isNaN(v) ? null : v;
      console.log(JSON.stringify(
        summaries.map((s) => ({
          ...s,
          min: clean(s.min),
          p50: clean(s.p50),
          p95: clean(s.p95),
          max: clean(s.max),
          mean: clean(s.mean),
        })),
        null,
        1,
      ));
    } else {
      console.log(formatTable(
        ["key", "machine", "aggregator", "points", "step", "from", "to", "valid", "min", "p50", "p95", "max"],
        summaries.map((s) => [
          s.labels.machine ? "" : s.key,
          s.labels.machine ?? "",
          s.labels.aggregator ?? "",
          s.points,
          formatStep(s.step),
          formatTime(s.start),
          formatTime(s.end),
          `${(s.valid_pct * 100).toFixed(1)}%`,
          s.min,
          s.p50,
          s.p95,
          s.max,
        ]),
      ));
    }
    for (const r of reports) {
      const notes = [
        r.percentValues && `${r.percentValues} percentages`,
        r.missingValues && `${r.missingValues} missing`,
        r.gaps && `${r.gaps} gaps`,
        r.duplicates && `${r.duplicates} duplicates`,
        r.jitter && `${r.jitter} off-grid`,
        r.skipped && `${r.skipped} bad rows skipped (first at line ${r.skippedRows[0]?.line})`,
      ].filter(Boolean);
      console.error(`${r.file}: ${r.rows} rows${notes.length ? ", " + notes.join(", ") : ""}`);
    }
    return 0;
  },
};
