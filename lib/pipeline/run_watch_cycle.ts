import { type Config, isLive } from "../sources/config.ts";
import type { SourceRun } from "../sources/fetch_source.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import type { Model } from "../model/schema.ts";
import { hydrate, type HydratedAnomaly } from "../hydrate/hydrate.ts";
import type { FleetIncident, PeerOutlier } from "../fleet/types.ts";
import type { DeliveryResult, Sink } from "../alerts/types.ts";
import { fleetView } from "./_fleet_view.ts";
import { scoredFleet } from "./_scored_fleet.ts";
import { alertOnce } from "./_alert_once.ts";
import { noPartition } from "./_no_partition.ts";
import { runDetection } from "./run_detection.ts";
import type { WriteBack, WriteBackRecord } from "./write_back.ts";
import type { HistoryCache, HistoryCacheStats } from "./history_cache.ts";
import type { DetectPool } from "../detect/detect_pool.ts";

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
  /** The write-back so far (cumulative over the run; `pending` and `dropped` are never silent). */
  writeBack?: WriteBackRecord;
  /** A live watch's kept series: what this cycle fetched (only the new points after the first) and kept. */
  history?: HistoryCacheStats;
  /** Where the cycle's time went, ms, by stage (see {@link CycleStages}). */
  stages?: CycleStages;
  error?: string;
}

/**
 * A cycle's time by stage, ms: `fetch`, `train`, `detect` and `writeBack` as {@link runDetection} counts them
 * (a first live fetch scores answers as they arrive: that is `detect`), then hydration, the fleet view (peer
 * outliers and fleet incidents) and alerts (planning, delivery and the state file).
 */
export interface CycleStages {
  fetch: number;
  train: number;
  detect: number;
  writeBack: number;
  hydrate: number;
  fleet: number;
  alerts: number;
}

/** A stage of a watch cycle, as {@link RunWatchCycleOptions.onStage} names it when it ends. */
export type CycleStage = "fetch" | "detect" | "hydrate" | "fleet" | "alerts";

/** What one watch cycle found and delivered (written to `--out` every cycle). */
export interface CycleFindings {
  run: SourceRun & { config: unknown; window: { from: number; until: number } };
  anomalies: HydratedAnomaly[];
  incidents: FleetIncident[];
  peers: PeerOutlier[];
  alerts: { sent: string[]; held: string[]; results: DeliveryResult[] };
}

/** Options for {@link runWatchCycle}. */
export interface RunWatchCycleOptions {
  /** The model (loaded or trained by an earlier cycle). @default none: files train on the history before the window */
  model?: Model;
  /** "Now" as a time (a replay's virtual clock). @default the end of the data (files), `now` (live) */
  until?: string;
  /** The clock, epoch ms: a live source's "now", and when alerts were planned and sent. Required for a live source. */
  now?: number;
  /** Where alerts go. */
  sinks: readonly Sink[];
  /** The alert state file (dedupe across cycles and runs). */
  statePath: string;
  /** The cycle's number, for the log. @default 1 */
  cycle?: number;
  /** Grafana's token. @default undefined */
  token?: string;
  /** The configuration as recorded in the findings (no secrets). @default the config */
  record?: unknown;
  /** A line about a failed delivery. @default none */
  print?: (line: string) => void;
  /**
   * Write back the points after `since` (the previous cycle's end: only what is new), or the whole window on a
   * first cycle. @default undefined (no write-back)
   */
  writeBack?: { to: WriteBack; since?: number };
  /** A live source's series kept across cycles: fetch only what is new. @default undefined (fetch the whole range) */
  history?: HistoryCache;
  /** Worker threads that score the series (the watch's pool). @default undefined (this thread) */
  pool?: DetectPool;
  /**
   * Called as each stage ends (the fleet view's peer outliers come before hydration, its incidents after: the
   * two are reported as one stage, ending with the incidents), e.g. to read each stage's peak memory.
   * @default none
   */
  onStage?: (stage: CycleStage) => void;
}

/** Process memory in MB, for the cycle log. */
export function memory(): { rssMb: number; heapMb: number; heapTotalMb: number; externalMb: number } {
  const { rss, heapUsed, heapTotal, external } = Deno.memoryUsage();
  const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
  return { rssMb: mb(rss), heapMb: mb(heapUsed), heapTotalMb: mb(heapTotal), externalMb: mb(external) };
}

/**
 * One cycle of `deno task watch`: detect ({@link runDetection}), peer outliers against the fleet, hydrate from the
 * series already fetched, fleet incidents, alerts planned against the state file (once per episode, escalations
 * again, quiet hours), delivered to every sink and recorded — all under the state file's lock.
 *
 * @param config A parsed config.
 * @param options See {@link RunWatchCycleOptions}.
 * @returns The cycle's log (without its duration), its findings, the model used and the window's end.
 * @throws {TypeError} When the config names a partition: partitions do not alert (`deno task merge` does).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runWatchCycle } from "./run_watch_cycle.ts";
 * import { parseConfig } from "../sources/config.ts";
 * const config = parseConfig({ source: "replay", data: [new URL("../../data", import.meta.url).pathname] }, "inline");
 * const dir = await Deno.makeTempDir();
 * const { log } = await runWatchCycle(config, { sinks: [], statePath: `${dir}/state.json` });
 * assert.ok(log.answered > 0 && log.sent === 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function runWatchCycle(config: Config, options: RunWatchCycleOptions) {
  const { sinks, statePath, cycle = 1, print = () => {}, onStage = () => {} } = options;
  noPartition(config);
  const det = await runDetection(config, {
    onStage,
    loaded: options.model,
    until: options.until,
    now: options.now,
    token: options.token,
    writeBack: options.writeBack && { to: options.writeBack.to, since: options.writeBack.since },
    history: options.history,
    pool: options.pool,
  });
  const { series, run, until, from, end } = det;
  let t0 = performance.now(), hydrateMs = 0;
  const { peers, hydrated, incidents } = fleetView(
    scoredFleet(series, det.detected.notes),
    det.detected.anomalies,
    {
      from,
      until,
      fleet: config.fleet,
      // Hydration from the series already fetched (window + history cover ±12 h and the value 72 h earlier).
      hydrate: (anomalies) => {
        const h0 = performance.now();
        const out = hydrate(anomalies, series, {
          before: parseDurationMs(config.hydrate.before),
          after: parseDurationMs(config.hydrate.after),
        });
        hydrateMs = performance.now() - h0;
        onStage("hydrate");
        return out;
      },
    },
  );
  const fleetMs = performance.now() - t0 - hydrateMs;
  onStage("fleet");
  t0 = performance.now();
  const { plan, results, errors } = await alertOnce(hydrated, incidents, {
    alerts: config.alerts,
    until,
    step: det.model.trainedOn.step,
    now: isLive(config) ? options.now! : until,
    sinks,
    statePath,
    print,
  });
  const alertsMs = performance.now() - t0;
  onStage("alerts");
  const { fetch, train, detect, writeBack } = det.timings;
  const stages: CycleStages = {
    fetch: Math.round(fetch),
    train: Math.round(train),
    detect: Math.round(detect),
    writeBack: Math.round(writeBack),
    hydrate: Math.round(hydrateMs),
    fleet: Math.round(fleetMs),
    alerts: Math.round(alertsMs),
  };
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
    ...(options.writeBack ? { writeBack: options.writeBack.to.record() } : {}),
    ...(options.history ? { history: options.history.stats } : {}),
    stages,
  };
  const findings: CycleFindings = {
    run: { ...run, config: options.record ?? config, window: { from, until } },
    anomalies: hydrated,
    incidents,
    peers,
    alerts: { sent: plan.send.map((a) => a.id), held: plan.held.map((a) => a.id), results },
  };
  return { log, findings, model: det.model, until, end };
}

/**
 * One line for people about a cycle: what was fetched, scored, found and sent, how long it took.
 *
 * @param log The cycle's log.
 * @returns The line.
 */
export function describeCycle(log: CycleLog): string {
  if (log.error) return `cycle ${log.cycle}: failed after ${log.ms} ms: ${log.error}`;
  const failed = log.failed ? ` (${log.failed} failed)` : "";
  const skipped = Object.entries(log.skipped).map(([reason, n]) => `${n} ${reason}`).join(", ");
  const scored = log.scored < log.answered ? `, ${log.scored} scored (not: ${skipped})` : "";
  const errors = log.deliveryErrors ? `, ${log.deliveryErrors} delivery errors` : "";
  const written = log.writeBack ? `; ${log.writeBack.summary}` : "";
  const fetched = log.history && !log.history.full
    ? ` (${log.history.fetchedPoints} new points fetched)`
    : "";
  return `cycle ${log.cycle} at ${log.now}: ${log.answered}/${log.asked} series${fetched}${failed}${scored}, ` +
    `${log.anomalies} anomalies, ${log.incidents} fleet incidents, ${log.peers} peer outliers; ` +
    `sent ${log.sent}, held ${log.held}, suppressed ${log.suppressed}${errors}; ${log.ms} ms, RSS ${log.rssMb} MB` +
    written;
}
