/**
 * Fleet-wide findings: what per-series models cannot see on their own.
 *
 * @module
 */
import type { Severity } from "../detect/types.ts";

/** Many shards of one aggregator anomalous in the same window: one incident instead of twenty alerts. */
export interface FleetIncident {
  /** The incident's stable id (`f-` and 11 characters, from the aggregator and the onset; see `episodeId`). */
  id: string;
  /** The aggregator. */
  aggregator: string;
  /** First anomalous point of any member, epoch ms. */
  start: number;
  /** Last anomalous point (inclusive) of any member, epoch ms. */
  end: number;
  /** `start` as ISO 8601 UTC. */
  timestamp: string;
  /** The shards involved, sorted. */
  machines: string[];
  /** Shards of this aggregator that were scored (the denominator of `fraction`). */
  fleetSize: number;
  /** `machines.length / fleetSize`. */
  fraction: number;
  /** The highest member severity (at least `medium`: a fleet-wide event is never low). */
  severity: Severity;
  /** The highest member score, 0..1. */
  score: number;
  /** The member anomalies' series keys, in the order of `machines`. */
  series: string[];
  /** A sentence for humans, e.g. `34 of 100 shards of X anomalous between 10:00 and 12:00 UTC`. */
  detail: string;
}

/** A shard behaving unlike its peers on the same aggregator (robust z across the fleet). */
export interface PeerOutlier {
  /** The shard (the series key when the series has no `machine` label). */
  machine: string;
  /** The aggregator. */
  aggregator: string;
  /** The series key. */
  series: string;
  /** First outlying point, epoch ms. */
  start: number;
  /** Last outlying point (inclusive), epoch ms. */
  end: number;
  /** `start` as ISO 8601 UTC. */
  timestamp: string;
  /** The point of the largest |z| in the episode, epoch ms. */
  peakAt: number;
  /** The robust z of largest magnitude over the episode, signed: > 0 above the peers, < 0 below. */
  z: number;
  /** The shard's median value over the episode (raw units). */
  observed: number;
  /** The value it would have had moving with its peers (its baseline × the peers' median change), median over
   * the episode (raw units). */
  expected: number;
  /** Peers compared with (other shards with data), median over the episode. */
  peers: number;
  /** A sentence for humans. */
  detail: string;
}
