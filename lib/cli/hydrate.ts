import { type Command, parseFlags } from "./_command.ts";
import { writeJsonAtomic } from "./_io.ts";
import { configRecord, grafanaToken, resolveConfig, SOURCE_FLAGS, SOURCE_HELP } from "./_source.ts";
import type { Anomaly } from "../detect/types.ts";
import { hydrateFromSource } from "../pipeline/hydrate_from_source.ts";

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

/** `hydrate`: anomalies.json → hydrated.json ({@link hydrateFromSource}). */
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
    const config = await resolveConfig(values, input.run?.config ?? {});
    const { hydrated, run } = await hydrateFromSource(config, input.anomalies, {
      before: values.before,
      after: values.after,
      token: grafanaToken(),
    });
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
