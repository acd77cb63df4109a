import { detectWorkers } from "../pipeline/detect_workers.ts";
import { type Command, parseFlags } from "./_command.ts";
import { writeJsonAtomic } from "./_io.ts";
import { configRecord, grafanaToken, resolveConfig, SOURCE_FLAGS, SOURCE_HELP } from "./_source.ts";
import { sinksFromEnv } from "./_sinks.ts";
import { withStopSignals } from "./_signals.ts";
import { isLive } from "../sources/config.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import { loadModel } from "../model/load_model.ts";
import { runWatch, type WatchControl } from "../pipeline/run_watch.ts";
import { openWriteBack } from "../pipeline/write_back.ts";
import { WRITE_BACK_FLAG } from "./_write_back.ts";
import { describeCycle } from "../pipeline/run_watch_cycle.ts";

const help =
  `Usage: deno task watch [--interval 5m] [--once] [--state FILE] [--model FILE] [--out FILE] [source flags]

Watches the fleet: every interval, fetch → detect → hydrate → fleet view (meta-anomalies, peer outliers) →
alert, once per episode (a state file remembers what was sent; a continuing anomaly is not re-sent, an
escalation is, a recovered one re-arms). With nothing configured it watches the replay of the sample in data/.
Alerts go to the console, and to Slack (SLACK_WEBHOOK_URL), Grafana annotations (GRAFANA_URL + GRAFANA_TOKEN)
and a JSON webhook (ALERT_WEBHOOK_URL) when those are set in the environment. SIGINT/SIGTERM: finish the cycle
and stop (a second signal abandons it; the state file is only ever replaced whole). When the source goes away,
the cycle is retried with backoff until it answers again.

Options:
  --interval D   time between cycles (default: the config's interval, 5m); 0 runs cycles back to back
  --once         one cycle, then exit (exit code as \`deno task detect\`: 0 / 2 some series failed / 1)
  --cycles N     stop after N cycles
  --state FILE   alert state file (default: the config's alerts.state, reports/alert-state.json; a replay's
                 default is reports/alert-state-replay.json)
  --model FILE   model from \`deno task train\` (required for live sources; replay trains on the history
                 before the window, once)
  --out FILE     the last cycle's findings, rewritten atomically every cycle (default reports/watch.json)
  --start T      replay only: run the clock from T (e.g. now-3d, relative to the end of the data), one interval
                 per cycle, up to the end of the data — a few days of operation in seconds
  --log-json     one JSON line per cycle on stdout (time, stages, counts, memory) instead of the console sink
  --cache DIR    live sources: keep the fetched history in DIR across restarts (or the config's cache), so a
                 restarted watch fetches only what is new
  --write-back H:P  each cycle's new points (score, expected, lower, upper, anomalous) to carbon's plaintext
                 receiver (or the config's writeBack.carbon), buffered across a carbon restart; README "Grafana"

${SOURCE_HELP}`;

/** `watch`: the loop ({@link runWatch}), with signals, the console and `--out`. */
export const command: Command = {
  help,
  async run(args) {
    const { values } = parseFlags(args, {
      ...SOURCE_FLAGS,
      interval: { type: "string" },
      once: { type: "boolean" },
      cycles: { type: "string" },
      state: { type: "string" },
      model: { type: "string" },
      out: { type: "string", default: "reports/watch.json" },
      start: { type: "string" },
      "log-json": { type: "boolean" },
      cache: { type: "string" },
      ...WRITE_BACK_FLAG,
    });
    const config = await resolveConfig(values);
    const live = isLive(config);
    const intervalText = values.interval ?? config.interval;
    const interval = parseDurationMs(intervalText);
    const maxCycles = values.once ? 1 : values.cycles ? Number(values.cycles) : Infinity;
    if (!(maxCycles >= 1 && (maxCycles === Infinity || Number.isInteger(maxCycles)))) {
      throw new RangeError(
        `Cannot watch: --cycles must be a whole number ≥ 1, current value is "${values.cycles}"`,
      );
    }
    const statePath = values.state ?? config.alerts.state ??
      (live ? "reports/alert-state.json" : "reports/alert-state-replay.json");
    const logJson = values["log-json"] ?? false;
    const print = (line: string) => logJson ? console.error(line) : console.log(line);
    const sinks = sinksFromEnv(config, print);
    // A bad model is fatal before anything is fetched; a live source needs one.
    const modelPath = values.model ?? config.model;
    const model = modelPath ? await loadModel(modelPath, { family: config.family }) : undefined;
    if (live && !model) {
      throw new TypeError(
        `Cannot watch ${config.source}: a live source needs a model (--model FILE or "model" in the config)`,
      );
    }
    const control: WatchControl = { stopping: false, inCycle: false };
    const writeBack = openWriteBack(config, { carbon: values["write-back"] });
    const workers = detectWorkers(config);
    console.error(
      `watching ${config.source} every ${intervalText}; alerts to ${sinks.map((s) => s.name).join(", ")}; ` +
        `state ${statePath}${workers > 1 ? `; scoring on ${workers} worker threads` : ""}`,
    );
    const code = await withStopSignals(control, () =>
      runWatch(config, {
        model,
        sinks,
        statePath,
        interval,
        maxCycles,
        start: values.start,
        clock: Date.now,
        token: live ? grafanaToken() : undefined,
        record: configRecord(config),
        control,
        print,
        warn: console.error,
        writeBack,
        cache: values.cache,
        onCycle: async (log, findings) => {
          if (findings) await writeJsonAtomic(values.out!, { ...findings, cycle: log });
          if (logJson) console.log(JSON.stringify(log));
          console.error(describeCycle(log));
        },
      }));
    const written = await writeBack?.close(parseDurationMs(config.writeBack.wait));
    if (written) console.error(`watch: ${written.summary}`);
    return values.once ? code : 0;
  },
};
