/**
 * What one partition of the fleet writes (`deno task detect --partition i/N --out DIR` → `DIR/partition.json`)
 * and `deno task merge` reads: plain, versioned JSON, validated on load.
 *
 * @module
 */
import { z } from "zod";
import type { Config } from "../sources/config.ts";
import type { SourceRun } from "../sources/fetch_source.ts";
import type { SeriesNote } from "../detect/detect.ts";
import type { Anomaly } from "../detect/types.ts";
import type { HydratedAnomaly } from "../hydrate/hydrate.ts";
import type { Partition } from "../sources/in_partition.ts";

/** The `format` field of a partition file. */
export const PARTITION_FORMAT = "graphite-anomaly/partition";
/** The version this build writes and reads. */
export const PARTITION_VERSION = 1;
/** The file a partition writes in its directory. */
export const PARTITION_FILE = "partition.json";

/**
 * One series of a partition, as the merge needs it: its values from far enough before the window to hydrate a
 * peer outlier found at the merge (the context before the peak and the value 72 h earlier), its peer baseline,
 * and its combined score over the window (the report's heatmap). Float arrays are the little-endian bytes of a
 * `Float64Array` in base64, so every value (NaN included) comes back exactly.
 */
export interface PartitionSeries {
  key: string;
  labels: Record<string, string>;
  /** The first value's time, epoch ms, and the step, ms. */
  start: number;
  step: number;
  /** Values, base64 of a Float64Array. */
  values: string;
  /** Whether detect scored it (it then counts in the fleet size and among the peers). */
  scored: boolean;
  /** Its peer baseline (`peerBaseline`), `null` when not scored or without data. */
  baseline: number | null;
  /** Its combined score over the window, on the grid it was scored on. */
  scores?: { start: number; step: number; combined: string };
}

/** A partition's output. */
export interface PartitionOutput {
  format: typeof PARTITION_FORMAT;
  version: typeof PARTITION_VERSION;
  partition: Partition;
  /** The model scored with: its fingerprint (`modelFingerprint`), family and step. */
  model: { fingerprint: string; family: string; step: number };
  /** A live source (alerts are planned at the clock) or files (at the end of the window). */
  live: boolean;
  /** The clock when it ran, epoch ms (a live source's "now"). */
  now: number;
  /** The configuration as recorded (no secrets). */
  config: unknown;
  /** The settings the merge's fleet view uses; every partition must have the same. */
  settings: { fleet: Config["fleet"]; hydrate: Config["hydrate"] };
  /** The window, epoch ms. */
  window: { from: number; until: number };
  /** What the source answered. */
  run: SourceRun;
  /** What detect did. */
  detection: { profile: string; threshold: number; scored: number; notes: SeriesNote[] };
  /** Its anomalies (after feedback), hydrated from its own series. */
  anomalies: HydratedAnomaly[];
  /** Anomalies dismissed by feedback. */
  dismissed?: Anomaly[];
  /** Every series it fetched. */
  series: PartitionSeries[];
}

const duration = z.string();

/** The schema a partition file is checked against on load (records are checked for their envelope). */
export const PartitionOutputSchema = z.object({
  format: z.literal(PARTITION_FORMAT),
  version: z.literal(PARTITION_VERSION),
  partition: z.object({ index: z.number().int().nonnegative(), count: z.number().int().min(1) }),
  model: z.object({ fingerprint: z.string(), family: z.string(), step: z.number().positive() }),
  live: z.boolean(),
  now: z.number(),
  config: z.unknown(),
  settings: z.object({
    fleet: z.object({
      minShards: z.number(),
      minFraction: z.number().optional(),
      window: duration,
      peers: z.boolean(),
    }),
    hydrate: z.object({ before: duration, after: duration }),
  }),
  window: z.object({ from: z.number(), until: z.number() }),
  run: z.object({ asked: z.number(), answered: z.number(), failed: z.number() }).passthrough(),
  detection: z.object({
    profile: z.string(),
    threshold: z.number(),
    scored: z.number(),
    notes: z.array(z.object({ series: z.string(), reason: z.string() }).passthrough()),
  }),
  anomalies: z.array(z.object({ id: z.string(), series: z.string(), start: z.number() }).passthrough()),
  dismissed: z.array(z.object({ id: z.string() }).passthrough()).optional(),
  series: z.array(z.object({
    key: z.string(),
    labels: z.record(z.string(), z.string()),
    start: z.number(),
    step: z.number().positive(),
    values: z.string(),
    scored: z.boolean(),
    baseline: z.number().nullable(),
    scores: z.object({ start: z.number(), step: z.number().positive(), combined: z.string() }).optional(),
  })),
});
