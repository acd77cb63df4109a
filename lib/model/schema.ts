/**
 * The model file: plain JSON, versioned, validated with zod on load.
 *
 * @module
 */
import { z } from "zod";

/** The schema version this code writes and reads. */
export const SCHEMA_VERSION = 2;

const num = z.number();
const nullableNum = z.number().nullable();

/** Calibration of one detector (see lib/model/calibration.ts). */
export const CalibrationSchema = z.object({
  n: z.number().int().positive(),
  knots: z.array(num).min(1),
  probs: z.array(z.number().min(0).max(1)).min(1),
  u: num,
  pu: z.number().min(0).max(1),
  m: num,
  pm: z.number().min(0).max(1),
  tail: z.enum(["pareto", "exponential"]),
  shape: z.number().positive(),
}).refine((c) => c.knots.length === c.probs.length, { message: "knots and probs differ in length" });

/** Normal range of values. */
export const RangeSchema = z.object({
  p05: nullableNum,
  p50: nullableNum,
  p95: nullableNum,
  p99: nullableNum,
});

/** What was learned about one family of series. */
export const FamilySchema = z.object({
  /** Unit of the metric: `ratio` (agg_length_behind_ratio) or `minutes` (a lag). */
  unit: z.enum(["ratio", "minutes", "other"]),
  template: z.string(),
  aggregators: z.array(z.string()),
  machines: z.array(z.string()),
  /** Pooled normal range of the values, and per series. */
  range: RangeSchema,
  seriesRanges: z.record(z.string(), RangeSchema),
  /** Seasonality: median ratio to the daily median per hour (24) and per weekday (7, Sunday first), on UTC's
   * clock or the model's `timeZone`. */
  seasonality: z.object({
    hourOfDay: z.array(nullableNum).length(24),
    dayOfWeek: z.array(nullableNum).length(7),
    /** Median autocorrelation of log values at 24 h, 72 h and 7 d. */
    autocorrelation: z.object({ "24h": nullableNum, "72h": nullableNum, "7d": nullableNum }),
  }),
  /** Calibration per detector name. */
  calibration: z.record(z.string(), CalibrationSchema),
  /**
   * Calibration per detector name of its scores in a series' first part (`earlyUntil`): for the sums with
   * memory its first two weeks (`CARRIED_DAYS`), where the seasonal expectation is the days just before carried
   * forward, not the weekly lags; for a detector with a warm-up (see `Detector.warmUp`) that warm-up;
   * `calibration` then holds the scores after. Absent: one calibration throughout (see `train`).
   */
  earlyCalibration: z.record(z.string(), CalibrationSchema).optional(),
  /**
   * Where each early calibration ends, ms of a series' history: a detector's own warm-up (robust_z: its window),
   * or `CARRIED_DAYS` for a sum with memory. A detector absent here: `CARRIED_DAYS` (models from before it).
   */
  earlyUntil: z.record(z.string(), z.number().positive()).optional(),
  /** Ensemble score thresholds per profile, learned on the training data. */
  thresholds: z.object({ permissive: z.number().min(0).max(1), strict: z.number().min(0).max(1) }),
  /**
   * Per series key, by how many decades of L its own strict threshold lies above the family's, where it does
   * (see `train`); detection lowers that series' L by it.
   */
  seriesShift: z.record(z.string(), z.number().nonnegative()).optional(),
  /**
   * Per series key, its own gains on the two parts of the family's weekly day-over-day profile (`weeklyGains`):
   * `[level, swing]`, where they are not both 1. The detectors that carry earlier days over the profile carry
   * them over the series' own (`withWeeklyGain`).
   */
  weeklyGain: z.record(z.string(), z.tuple([z.number().min(0).max(4), z.number().min(0).max(4)])).optional(),
});

/** The whole model file. */
export const ModelSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  createdAt: z.string(),
  generator: z.string(),
  trainedOn: z.object({
    series: z.number().int().nonnegative(),
    points: z.number().int().nonnegative(),
    from: z.string(),
    to: z.string(),
    step: z.number().positive(),
  }),
  /** Default profile used by detect. */
  profile: z.enum(["strict", "permissive"]),
  family: z.string(),
  families: z.record(z.string(), FamilySchema),
  detectors: z.record(z.string(), z.record(z.string(), z.unknown())),
  /**
   * The IANA time zone whose wall clock the metric's days follow (`--timezone`): the detectors read the series
   * on that clock, so "the same time yesterday" stays the same local time when the clocks change. Absent: UTC.
   */
  timeZone: z.string().optional(),
  /** Trained without a time zone, on a history whose daily rhythm moved with a zone's clock change
   * (`clockHint`): the zone that would follow it, and the evidence. */
  clockHint: z.object({
    zone: z.string(),
    who: z.string(),
    change: z.number(),
    ratio: z.number(),
    better: z.number().int(),
    read: z.number().int(),
  }).optional(),
  /** Detectors asked for but left out, and why (e.g. too little history to calibrate them). */
  skippedDetectors: z.array(z.object({ detector: z.string(), reason: z.string() })).optional(),
  ensemble: z.object({
    /** Calibrated score = L / (L + digits) with L = −log10 p (schema 1: L / digits, capped at 1). */
    digits: z.number().positive(),
  }),
  events: z.object({
    /** Flagged points this close belong to one episode, ms. */
    episodeGap: z.number().nonnegative(),
    /** Episodes shorter than this need a higher score (`singlePointMargin` over the threshold), ms. */
    minDuration: z.number().nonnegative(),
    singlePointMargin: z.number().nonnegative(),
  }),
});

/** A model, as validated. */
export type Model = z.infer<typeof ModelSchema>;
/** What was learned about one family. */
export type FamilyModel = z.infer<typeof FamilySchema>;
/** A detection profile. */
export type Profile = Model["profile"];
