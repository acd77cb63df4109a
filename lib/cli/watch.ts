import { type Command, parseFlags } from "./_command.ts";
import { writeJsonAtomic } from "./_io.ts";
import { configRecord, isLive, resolveConfig, SOURCE_FLAGS, SOURCE_HELP } from "./_source.ts";
import { runDetection } from "./_pipeline.ts";
import { type Sink, sinksFromEnv } from "./_sinks.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import { loadModel } from "../model/load_model.ts";
import type { Model } from "../model/schema.ts";
import { hydrate } from "../hydrate/hydrate.ts";
import { fleetIncidents } from "../fleet/fleet_incidents.ts";
import { peerOutliers } from "../fleet/peer_outliers.ts";
import { mergePeerOutliers } from "../fleet/merge_peer_outliers.ts";
import { toAlerts } from "../alerts/to_alerts.ts";
import { planAlerts } from "../alerts/plan_alerts.ts";
import { recordDeliveries } from "../alerts/record_deliveries.ts";
import { withAlertState } from "../alerts/with_alert_state.ts";
import type { DeliveryResult } from "../alerts/types.ts";
import type { Config } from "../sources/config.ts";

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
  --log-json     one JSON line per cycle on stdout (time, counts, peak memory) instead of the console sink

${SOURCE_HELP}`;

const sleepUnless = (ms: number, signal: { wake?: () => void }) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.wake = undefined;
      resolve();
    }
    signal.wake = done;
  });

/** One cycle's outcome, logged and written to `--out`. */
export interface CycleLog {
  cycle: number;
  now: string;
  ms: number;
  asked: number;
  answered: number;
  failed: number;
  /** Series detect scored, and notes by reason (e.g. `wrong_step`: the model's step is not the data's). */
  scored: number;
  skipped: Record<string, number>;
  anomalies: number;
  incidents: number;
  peers: number;
  sent: number;
  held: number;
  suppressed: number;
  deliveryErrors: number;
  rssMb: number;
  heapMb: number;
  /** V8's committed heap and memory held outside it for JavaScript objects (typed arrays), MB. */
  heapTotalMb: number;
  externalMb: number;
  error?: string;
}

/** `watch`: the loop. */
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
    });
    const config = await resolveConfig(values);
    const live = isLive(config);
    const intervalText = values.interval ?? config.interval;
    const interval = parseDurationMs(intervalText);
    const maxCycles = values.once ? 1 : values.cycles ? Number(values.cycles) : Infinity;
    if (!(maxCycles >= 1) || (Number.isFinite(maxCycles) && !Number.isInteger(maxCycles))) {
      throw new RangeError(
        `Cannot watch: --cycles must be a whole number ≥ 1, current value is ${values.cycles}`,
      );
    }
    if (values.start && live) {
      throw new TypeError(`Cannot watch: --start replays files; a live source's clock is the real one`);
    }
    if (values.start && !(interval > 0)) {
      throw new RangeError(
        `Cannot watch: --start moves the replay clock by the interval each cycle, so it must be > 0, current value is ${intervalText}`,
      );
    }
    const statePath = values.state ?? config.alerts.state ??
      (live ? "reports/alert-state.json" : "reports/alert-state-replay.json");
    const logJson = values["log-json"] ?? false;
    const print = (line: string) => logJson ? console.error(line) : console.log(line);
    const sinks = sinksFromEnv(config, print);
    // A bad model is fatal before anything is fetched; a live source needs one.
    let model: Model | undefined = values.model || config.model
      ? await loadModel((values.model ?? config.model)!, { family: config.family })
      : undefined;
    if (live && !model) {
      throw new TypeError(
        `Cannot watch ${config.source}: a live source needs a model (--model FILE or "model" in the config)`,
      );
    }

    const signal: { stopping: boolean; inCycle: boolean; wake?: () => void } = {
      stopping: false,
      inCycle: false,
    };
    const onSignal = () => {
      if (signal.stopping && signal.inCycle) {
        console.error("second signal: abandoning the cycle (the state file is never half-written)");
        releaseOwnLock(`${statePath}.lock`);
        Deno.exit(130);
      }
      signal.stopping = true;
      console.error(signal.inCycle ? "stopping after this cycle (signal again to abandon it)" : "stopping");
      signal.wake?.();
    };
    const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
    for (const s of signals) Deno.addSignalListener(s, onSignal);

    let clock: number | undefined; // replay --start: the virtual "now"
    let lastCode = 0, failures = 0;
    console.error(
      `watching ${config.source} every ${intervalText}; alerts to ${sinks.map((s) => s.name).join(", ")}; ` +
        `state ${statePath}`,
    );
    try {
      for (let cycle = 1; cycle <= maxCycles && !signal.stopping; cycle++) {
        signal.inCycle = true;
        const t0 = performance.now();
        let log: CycleLog;
        try {
          const until = clock !== undefined ? new Date(clock).toISOString() : (values.start ?? undefined);
          const out = await runCycle({ config, model, until, sinks, statePath, live, cycle, print });
          model ??= out.model;
          if (values.start) {
            clock = out.until + interval;
            if (out.until >= out.end) signal.stopping = true; // the replay reached the end of the data
          }
          log = { ...out.log, ms: Math.round(performance.now() - t0) };
          await writeJsonAtomic(values.out!, { ...out.findings, cycle: log });
          // Nothing scored although series answered (e.g. a model for another step) is a failure too.
          const none = (log.asked > 0 && log.answered === 0) || (log.answered > 0 && log.scored === 0);
          lastCode = none ? 1 : log.failed > 0 ? 2 : 0;
          failures = lastCode === 1 ? failures + 1 : 0;
        } catch (err) {
          // Files that cannot be read on the first cycle are a mistake, not an outage.
          if (!live && cycle === 1) throw err;
          failures++;
          lastCode = 1;
          log = {
            cycle,
            now: new Date().toISOString(),
            ms: Math.round(performance.now() - t0),
            asked: 0,
            answered: 0,
            failed: 0,
            scored: 0,
            skipped: {},
            anomalies: 0,
            incidents: 0,
            peers: 0,
            sent: 0,
            held: 0,
            suppressed: 0,
            deliveryErrors: 0,
            ...memory(),
            error: (err as Error).message,
          };
        }
        signal.inCycle = false;
        if (logJson) console.log(JSON.stringify(log));
        console.error(describe(log));
        if (cycle >= maxCycles || signal.stopping) break;
        // After failures, back off (doubling from the interval, at least 1 s, at most 4× the interval or 30 s).
        // A replay from --start runs its clock as fast as it can.
        const wait = failures > 0
          ? Math.min(Math.max(4 * interval, 30_000), Math.max(interval, 1000) * 2 ** (failures - 1))
          : values.start
          ? 0
          : interval;
        if (failures > 0) {
          console.error(`source failing (${failures}×): next try in ${Math.round(wait / 1000)} s`);
        }
        await sleepUnless(wait, signal);
      }
    } finally {
      for (const s of signals) Deno.removeSignalListener(s, onSignal);
    }
    return values.once ? lastCode : 0;
  },
};

function memory(): { rssMb: number; heapMb: number; heapTotalMb: number; externalMb: number } {
  const { rss, heapUsed, heapTotal, external } = Deno.memoryUsage();
  const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
  return { rssMb: mb(rss), heapMb: mb(heapUsed), heapTotalMb: mb(heapTotal), externalMb: mb(external) };
}

function describe(log: CycleLog): string {
  if (log.error) return `cycle ${log.cycle}: failed after ${log.ms} ms: ${log.error}`;
  const failed = log.failed ? ` (${log.failed} failed)` : "";
  const skipped = Object.entries(log.skipped).map(([reason, n]) => `${n} ${reason}`).join(", ");
  const scored = log.scored < log.answered ? `, ${log.scored} scored (not: ${skipped})` : "";
  const errors = log.deliveryErrors ? `, ${log.deliveryErrors} delivery errors` : "";
  return `cycle ${log.cycle} at ${log.now}: ${log.answered}/${log.asked} series${failed}${scored}, ` +
    `${log.anomalies} anomalies, ${log.incidents} fleet incidents, ${log.peers} peer outliers; ` +
    `sent ${log.sent}, held ${log.held}, suppressed ${log.suppressed}${errors}; ${log.ms} ms, RSS ${log.rssMb} MB`;
}

/** Removes the alert state lock if this process holds it (on an abandoned cycle). */
function releaseOwnLock(path: string): void {
  try {
    if (JSON.parse(Deno.readTextFileSync(path)).pid === Deno.pid) Deno.removeSync(path);
  } catch {
    // no lock, or not ours
  }
}

async function runCycle(options: {
  config: Config;
  model?: Model;
  until?: string;
  sinks: Sink[];
  statePath: string;
  live: boolean;
  cycle: number;
  print: (line: string) => void;
}) {
  const { config, sinks, statePath, live, cycle } = options;
  const det = await runDetection({ config, loaded: options.model, until: options.until });
  const { series, run, until, from, end } = det;
  const step = det.model.trainedOn.step;
  // Hydration from the series already fetched (window + history cover ±12 h and the value 72 h earlier).
  const before = parseDurationMs(config.hydrate.before);
  const after = parseDurationMs(config.hydrate.after);
  // The fleet is the series detect scored (a skipped one — wrong step, too short, constant — is no peer).
  const skipped = new Set(
    det.detected.notes.filter((n) => n.reason !== "short_history").map((n) => n.series),
  );
  const scored = series.filter((s) => s.labels.aggregator && !skipped.has(s.key));
  const fleetSize: Record<string, number> = Object.create(null);
  for (const s of scored) fleetSize[s.labels.aggregator] = (fleetSize[s.labels.aggregator] ?? 0) + 1;
  const peers = config.fleet.peers ? peerOutliers(scored, { from, until }) : [];
  const anomalies = mergePeerOutliers(det.detected.anomalies, peers);
  const hydrated = hydrate(anomalies, series, { before, after });
  const incidents = fleetIncidents(anomalies, {
    fleetSize,
    minShards: config.fleet.minShards,
    minFraction: config.fleet.minFraction,
    window: parseDurationMs(config.fleet.window),
  });
  const alerts = toAlerts(hydrated, { until, incidents, step });
  const now = live ? Date.now() : until;
  const { plan, results } = await withAlertState(statePath, async (state) => {
    const plan = planAlerts(state, alerts, {
      now,
      minSeverity: config.alerts.minSeverity,
      quietHours: config.alerts.quietHours,
      quietAllow: config.alerts.quietAllow,
      sinks: sinks.map((s) => s.name),
    });
    const results: DeliveryResult[] = [];
    for (const sink of sinks) {
      const owed = plan.bySink[sink.name] ?? [];
      if (!owed.length) continue;
      try {
        results.push(...await sink.send(owed));
      } catch (err) {
        // A sink that throws must not cost the others their record (they would be sent again every cycle).
        const error = (err as Error).message;
        results.push(
          ...owed.map((a) => ({
            sink: sink.name,
            alertId: a.id,
            subject: a.subject,
            ok: false,
            attempts: 0,
            error,
          })),
        );
      }
    }
    return { state: recordDeliveries(plan.state, plan.send, { results, now }), result: { plan, results } };
  }, { now: Date.now() }); // the lock ages by the wall clock, also when a replay's "now" is the data's
  const errors = results.filter((r) => !r.ok);
  for (const e of errors) options.print(`delivery to ${e.sink} failed for ${e.subject}: ${e.error}`);
  const log: CycleLog = {
    cycle,
    now: new Date(until).toISOString(),
    ms: 0,
    asked: run.asked,
    answered: run.answered,
    failed: run.failed,
    scored: det.detected.scored,
    skipped: Object.fromEntries(
      Object.entries(Object.groupBy(det.detected.notes, (n) => n.reason)).map(([k, v]) => [k, v!.length]),
    ),
    anomalies: det.detected.anomalies.length,
    incidents: incidents.length,
    peers: peers.length,
    sent: plan.send.length,
    held: plan.held.length,
    suppressed: plan.suppressed.length,
    deliveryErrors: errors.length,
    ...memory(),
  };
  const findings = {
    run: { ...run, config: configRecord(config), window: { from, until } },
    anomalies: hydrated,
    incidents,
    peers,
    alerts: { sent: plan.send.map((a) => a.id), held: plan.held.map((a) => a.id), results },
  };
  return { log, findings, model: det.model, until, end };
}
