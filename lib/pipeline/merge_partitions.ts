import type { Config } from "../sources/config.ts";
import type { Series } from "../series/types.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import type { Model, Profile } from "../model/schema.ts";
import { modelFingerprint } from "../model/model_fingerprint.ts";
import type { DetectResult } from "../detect/detect.ts";
import type { Anomaly } from "../detect/types.ts";
import { hydrate, type HydratedAnomaly } from "../hydrate/hydrate.ts";
import type { FleetIncident, PeerOutlier } from "../fleet/types.ts";
import type { DeliveryResult, Sink } from "../alerts/types.ts";
import { buildReport } from "../report/build_report.ts";
import { renderPage } from "../report/render_page.ts";
import type { ReportData } from "../report/types.ts";
import type { SourceRun } from "../sources/fetch_source.ts";
import { fleetView } from "./_fleet_view.ts";
import { alertOnce } from "./_alert_once.ts";
import type { LoadedPartition } from "./load_partitions.ts";

/** Options for {@link mergePartitions}. */
export interface MergePartitionsOptions {
  /** The model the partitions scored with (checked against their fingerprint; the report shows it). */
  model: Model;
  /** The merge's alert settings (the config's `alerts`). */
  alerts: Config["alerts"];
  /** Where alerts go. */
  sinks: readonly Sink[];
  /** The alert state file: alert-once lives with the merge, never with a partition. */
  statePath: string;
  /** When alerts are planned and sent, epoch ms. @default a live source's: the latest partition's clock; files: the window's end */
  now?: number;
  /** A line about a failed delivery. @default none */
  print?: (line: string) => void;
  /** Context charts in the report. @default 12 */
  top?: number;
}

/** What {@link mergePartitions} found and decided. */
export interface MergedPartitions {
  /** The partitions' runs added up (asked, answered, failed, failures, requests). */
  run: SourceRun & { partitions: number; window: { from: number; until: number } };
  /** Every anomaly of the fleet, peer outliers folded in, hydrated; by start, then series. */
  anomalies: HydratedAnomaly[];
  /** Fleet incidents over all partitions. */
  incidents: FleetIncident[];
  /** Peer outliers over all partitions. */
  peers: PeerOutlier[];
  /** The one alert decision. */
  alerts: { sent: string[]; held: string[]; suppressed: number; results: DeliveryResult[] };
  /** The report's data and page. */
  report: { data: ReportData; html: string };
}

const decode = (base64: string) => new Float64Array(Uint8Array.fromBase64(base64).buffer);

/**
 * Joins the partitions of one fleet (`loadPartitions`) into what one run over the whole fleet finds: the
 * anomalies of every partition, peer outliers across ALL shards (each partition's shards with their baselines,
 * compared with every other's), folded in and hydrated (a new one from the context the partition kept), fleet
 * incidents against the fleet size summed over the partitions, and one alert decision against the merge's
 * state file, with the same code as a watch cycle — so a fleet split in N parts and merged alerts exactly as
 * one run would. The report shows the window (per-shard trends over the window only; the context charts' band
 * from the context the partitions kept).
 *
 * @param partitions The partitions, from `loadPartitions`.
 * @param options See {@link MergePartitionsOptions}.
 * @returns The merged findings, the alert decision and the report.
 * @throws {RangeError} When the model is not the one the partitions scored with.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergePartitions } from "./merge_partitions.ts";
 * import { runPartition } from "./run_partition.ts";
 * import { parseConfig } from "../sources/config.ts";
 * import { train } from "../model/train.ts";
 * import { fetchSource } from "../sources/fetch_source.ts";
 * const config = parseConfig({ source: "replay", data: [new URL("../../data", import.meta.url).pathname] }, "inline");
 * const model = train((await fetchSource(config)).series);
 * const partitions = await Promise.all([0, 1].map(async (index) => ({
 *   dir: `part-${index}`,
 *   output: await runPartition({ ...config, partition: { index, count: 2 } }, { loaded: model }),
 * })));
 * const dir = await Deno.makeTempDir();
 * const merged = await mergePartitions(partitions, { model, alerts: config.alerts, sinks: [], statePath: `${dir}/state.json` });
 * assert.equal(merged.run.partitions, 2);
 * assert.equal(merged.anomalies.length, partitions.reduce((n, p) => n + p.output.anomalies.length, 0) + merged.peers.length);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function mergePartitions(
  partitions: readonly LoadedPartition[],
  options: MergePartitionsOptions,
): Promise<MergedPartitions> {
  const { model, top = 12, print = () => {} } = options;
  const first = partitions[0].output;
  const print_ = await modelFingerprint(model);
  if (print_ !== first.model.fingerprint) {
    throw new RangeError(
      `Cannot merge partitions: the model given is not the one ${partitions[0].dir} scored with ` +
        `(${first.model.fingerprint}), current value is ${print_}`,
    );
  }
  const { from, until } = first.window;
  const { fleet, hydrate: around } = first.settings;
  const before = parseDurationMs(around.before), after = parseDurationMs(around.after);
  // The fleet, as the partitions kept it: each series' context, its baseline and its window's scores.
  const series: Series[] = [], scored: Series[] = [];
  const baselines = new Map<string, number>();
  const scores: DetectResult["scores"] = new Map();
  const hydratedById = new Map<string, HydratedAnomaly>();
  for (const { output } of partitions) {
    for (const p of output.series) {
      const s: Series = {
        key: p.key,
        labels: p.labels,
        start: p.start,
        step: p.step,
        values: decode(p.values),
      };
      series.push(s);
      if (!p.scored) continue;
      scored.push(s);
      baselines.set(p.key, p.baseline ?? NaN);
      if (p.scores && p.scores.step === p.step) {
        // The heatmap reads the scores on the series' grid.
        const combined = new Float64Array(s.values.length).fill(NaN);
        const at = Math.round((p.scores.start - p.start) / p.step);
        decode(p.scores.combined).forEach((v, i) => {
          if (at + i >= 0 && at + i < combined.length) combined[at + i] = v;
        });
        scores.set(p.key, {
          series: s,
          scores: {
            combined,
            driver: new Int8Array(combined.length).fill(-1),
            names: [],
            logP: [],
            raw: [],
          },
        });
      }
    }
    for (const a of output.anomalies) hydratedById.set(a.id, a);
  }
  const detected = partitions.flatMap((p) => p.output.anomalies as Anomaly[])
    .sort((a, b) => a.start - b.start || a.series.localeCompare(b.series));
  const view = fleetView(scored, detected, {
    from,
    until,
    fleet,
    baselines,
    // A partition hydrated its own anomalies from its whole series; a peer outlier found here is hydrated
    // from the context it kept (enough for the window around its peak and the value 72 h before).
    hydrate: (anomalies) =>
      anomalies.map((a) => {
        const known = hydratedById.get(a.id);
        return known ? { ...known, ...a } : hydrate([a], series, { before, after })[0];
      }),
  });
  const live = first.live;
  const now = options.now ?? (live ? Math.max(...partitions.map((p) => p.output.now)) : until);
  const { plan, results } = await alertOnce(view.hydrated, view.incidents, {
    alerts: options.alerts,
    until,
    step: first.model.step,
    now,
    sinks: options.sinks,
    statePath: options.statePath,
    print,
  });
  const runs = partitions.map((p) => p.output.run);
  const run = {
    ...runs[0],
    asked: sum(runs.map((r) => r.asked)),
    answered: sum(runs.map((r) => r.answered)),
    failed: sum(runs.map((r) => r.failed)),
    failures: runs.flatMap((r) => r.failures),
    requests: sum(runs.map((r) => r.requests)),
    partitions: partitions.length,
    window: { from, until },
  };
  const detection: DetectResult = {
    anomalies: view.anomalies,
    notes: partitions.flatMap((p) => p.output.detection.notes),
    profile: first.detection.profile as Profile,
    threshold: first.detection.threshold,
    scored: sum(partitions.map((p) => p.output.detection.scored)),
    scores,
  };
  const data = buildReport(model, detection, view.hydrated, {
    from,
    until,
    now: until,
    source: `${run.source} (${run.answered}/${run.asked} series, ${partitions.length} partitions)`,
    top,
    trendFrom: from,
    failures: run.failures.map((f) => ({ series: f.series, reason: `${f.kind}: ${f.reason}` })),
    allSeries: series,
    fleet: {
      minShards: fleet.minShards,
      minFraction: fleet.minFraction,
      window: parseDurationMs(fleet.window),
    },
  });
  return {
    run,
    anomalies: view.hydrated,
    incidents: view.incidents,
    peers: view.peers,
    alerts: {
      sent: plan.send.map((a) => a.id),
      held: plan.held.map((a) => a.id),
      suppressed: plan.suppressed.length,
      results,
    },
    report: { data, html: renderPage(data) },
  };
}

const sum = (xs: number[]) => xs.reduce((n, x) => n + x, 0);
