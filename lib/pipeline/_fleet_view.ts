import type { Config } from "../sources/config.ts";
import type { Series } from "../series/types.ts";
import type { Anomaly } from "../detect/types.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import type { HydratedAnomaly } from "../hydrate/hydrate.ts";
import { fleetIncidents } from "../fleet/fleet_incidents.ts";
import { peerOutliers } from "../fleet/peer_outliers.ts";
import { mergePeerOutliers } from "../fleet/merge_peer_outliers.ts";
import type { FleetIncident, PeerOutlier } from "../fleet/types.ts";

/** What {@link fleetView} takes besides the fleet and its anomalies. */
export interface FleetViewOptions {
  /** The window examined, epoch ms. */
  from: number;
  until: number;
  /** The config's fleet settings. */
  fleet: Config["fleet"];
  /** Each shard's peer baseline by key (a merge's, from the partitions). @default computed from the series */
  baselines?: ReadonlyMap<string, number>;
  /** Hydrates the anomalies (peer outliers folded in) from what the caller holds. */
  hydrate: (anomalies: Anomaly[]) => HydratedAnomaly[];
}

/**
 * The fleet view of one watch cycle or of a merge of partitions: peer outliers across the scored fleet, folded
 * into the anomalies, hydrated, and the fleet incidents against the shards scored per aggregator. Private to
 * `lib/pipeline/`: the cycle and the merge run this one code, so a merge finds what one run finds.
 *
 * @param scored The scored fleet (`scoredFleet`).
 * @param detected The anomalies detect found (after feedback).
 * @param options See {@link FleetViewOptions}.
 * @returns The fleet sizes, peers, anomalies with the peers, hydrated, and the incidents.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fleetView } from "./_fleet_view.ts";
 * import { parseConfig } from "../sources/config.ts";
 * const { fleet } = parseConfig({}, "inline");
 * const view = fleetView([], [], { from: 0, until: 3_600_000, fleet, hydrate: () => [] });
 * assert.deepEqual([view.peers, view.incidents], [[], []]);
 * ```
 */
export function fleetView(
  scored: readonly Series[],
  detected: readonly Anomaly[],
  options: FleetViewOptions,
): {
  fleetSize: Record<string, number>;
  peers: PeerOutlier[];
  anomalies: Anomaly[];
  hydrated: HydratedAnomaly[];
  incidents: FleetIncident[];
} {
  const { from, until, fleet, baselines } = options;
  const fleetSize: Record<string, number> = Object.create(null);
  for (const s of scored) fleetSize[s.labels.aggregator] = (fleetSize[s.labels.aggregator] ?? 0) + 1;
  const peers = fleet.peers ? peerOutliers(scored, { from, until, baselines }) : [];
  const anomalies = mergePeerOutliers(detected, peers);
  const hydrated = options.hydrate(anomalies);
  const incidents = fleetIncidents(anomalies, {
    fleetSize,
    minShards: fleet.minShards,
    minFraction: fleet.minFraction,
    window: parseDurationMs(fleet.window),
  });
  return { fleetSize, peers, anomalies, hydrated, incidents };
}
