import { type Command, parseFlags } from "./_command.ts";
import { writeJsonAtomic } from "./_io.ts";
import { configRecord, grafanaToken, resolveConfig, SOURCE_FLAGS, SOURCE_HELP } from "./_source.ts";
import { fetchSource } from "../sources/fetch_source.ts";
import { hydrate } from "../hydrate/hydrate.ts";
import type { Anomaly } from "../detect/types.ts";
import { parseDurationMs } from "../series/parse_duration.ts";

const help =
  `Usage: deno task hydrate --in anomalies.json --out hydrated.json [source flags] [--before 12h] [--after 12h]

For each anomaly, fetches the 24 h around it (±12 h of the peak, plus the value 72 h earlier) from the same source
— one request per series, covering all of its anomalies — and adds max_value, avg_value and valid_pct (as the
original scripts had them), min, p50, p95, the values 24 h and 72 h earlier and the flat fraction. An anomaly
whose window cannot be fetched keeps its record with the failure in "error". The source defaults to the one
recorded in the anomalies file. Exit 0 when every series answered, 2 when some failed, 1 when none did.

Options:
  --in FILE          anomalies from \`deno task detect\`
  --out FILE         where to write (default hydrated.json)
  --before D, --after D  context around the peak (default 12h each)

${SOURCE_HELP}`;

/** `hydrate`: anomalies.json → hydrated.json. */
export const command: Command = {
  help,
  async run(args) {
    const { values } = parseFlags(args, {
      ...SOURCE_FLAGS,
      in: { type: "string" },
      out: { type: "string", default: "hydrated.json" },
      before: { type: "string" },
      after: { type: "string" },
    });
    if (!values.in) throw new TypeError("Cannot hydrate: --in anomalies.json is required (see --help)");
    let input: { run?: { config?: Record<string, unknown> }; anomalies?: Anomaly[] };
    try {
      input = JSON.parse(await Deno.readTextFile(values.in));
    } catch (err) {
      throw new SyntaxError(`Cannot hydrate: cannot read ${values.in} (${(err as Error).message})`);
    }
    if (!Array.isArray(input.anomalies)) {
      throw new TypeError(
        `Cannot hydrate: ${values.in} has no "anomalies" array, current value is ${typeof input.anomalies}`,
      );
    }
    const anomalies = input.anomalies;
    const config = await resolveConfig(values, input.run?.config ?? {});
    const before = parseDurationMs(values.before ?? config.hydrate.before);
    const after = parseDurationMs(values.after ?? config.hydrate.after);
    const keys = [...new Set(anomalies.map((a) => a.series))];
    const from = Math.min(...anomalies.map((a) => a.peakAt - Math.max(before, 72 * 3_600_000)));
    const until = Math.max(...anomalies.map((a) => a.peakAt + after));
    const { series, run } = anomalies.length
      ? await fetchSource(config, { from, until, only: keys, token: grafanaToken() })
      : {
        series: [],
        run: { asked: 0, answered: 0, failed: 0, failures: [], requests: 0, source: config.source },
      };
    const reasons = new Map(run.failures.map((f) => [f.series, `${f.kind}: ${f.reason}`]));
    const hydrated = hydrate(anomalies, series, { before, after }).map((h) =>
      h.error && reasons.has(h.series) ? { ...h, error: `${h.error} (${reasons.get(h.series)})` } : h
    );
    await writeJsonAtomic(values.out!, {
      run: { ...run, config: configRecord(config) },
      anomalies: hydrated,
    });
    const failed = hydrated.filter((h) => h.error).length;
    console.log(
      `hydrated ${
        hydrated.length - failed
      }/${hydrated.length} anomalies from ${run.answered}/${run.asked} series ` +
        `(${run.requests} requests); wrote ${values.out}`,
    );
    return run.asked > 0 && run.answered === 0 ? 1 : run.failed > 0 ? 2 : 0;
  },
};
