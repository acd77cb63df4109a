import type { Series } from "../series/types.ts";
import type { SeriesScores } from "../model/score_series.ts";
import type { Anomaly } from "../detect/types.ts";
import {
  DEFAULT_WRITE_BACK_PREFIX,
  WRITE_BACK_FIELDS,
  type WriteBackField,
  writeBackPath,
} from "./metric_path.ts";

/** Options of {@link writeBackLines}. */
export interface WriteBackLinesOptions<
  A extends Pick<Anomaly, "start" | "end"> = Pick<Anomaly, "start" | "end">,
> {
  /** The model's family (a node of the written path). */
  family: string;
  /** The written tree's prefix. @default "anomaly" */
  prefix?: string;
  /** Which fields to write. @default all five */
  fields?: readonly WriteBackField[];
  /** First time written, epoch ms (inclusive). @default -Infinity */
  from?: number;
  /** Last time written, epoch ms (inclusive). @default Infinity */
  until?: number;
  /** Whether an anomaly that began before `from` has its earlier points written as 1 again (a watch cycle
   * does it once per anomaly, when it first sees it). @default () => true */
  backfill?: (anomaly: A) => boolean;
}

/** A number as written: 8 significant digits, as short as that allows. */
const num = (v: number): string => String(Number(v.toPrecision(8)));

/**
 * The carbon plaintext lines (`path value epoch_s`) of one scored series over `[from, until]`, at the series'
 * own timestamps:
 *
 * - `score`: the ensemble score, 0..1, where the series was scored;
 * - `expected`, `lower`, `upper`: the band (see `Band` in `lib/model/score_series.ts`), where a baseline judges;
 * - `anomalous`: 1 inside a reported anomaly (from its start to its end), else 0, where the series was scored;
 *   an anomaly that began before `from` gets its earlier points written as 1 again.
 *
 * Points with no value (not yet scored, no baseline yet) are not written: Graphite shows them as gaps.
 *
 * @param scored The series, its scores (with the band for `expected`/`lower`/`upper`) and its anomalies.
 * @param options Family, prefix, fields and time range.
 * @returns One line per written point, without newlines.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeBackLines } from "./write_back_lines.ts";
 * const series = { key: "k", labels: { machine: "n1", aggregator: "A" }, start: 60_000, step: 60_000,
 *   values: new Float64Array([1, 2]) };
 * const scores = { combined: new Float64Array([NaN, 0.25]), driver: new Int8Array(2), names: [], logP: [], raw: [] };
 * const lines = writeBackLines({ series, scores, anomalies: [] }, { family: "presence", fields: ["score", "anomalous"] });
 * assert.deepEqual(lines, ["anomaly.presence.n1.A.score 0.25 120", "anomaly.presence.n1.A.anomalous 0 120"]);
 * ```
 */
export function writeBackLines<A extends Pick<Anomaly, "start" | "end">>(
  scored: { series: Series; scores: SeriesScores; anomalies: readonly A[] },
  options: WriteBackLinesOptions<A>,
): string[] {
  const {
    family,
    prefix = DEFAULT_WRITE_BACK_PREFIX,
    fields = WRITE_BACK_FIELDS,
    from = -Infinity,
    until = Infinity,
    backfill = () => true,
  } = options;
  const { series, scores, anomalies } = scored;
  const { start, step } = series;
  const n = scores.combined.length;
  const i0 = Math.max(0, Math.ceil((from - start) / step));
  const i1 = Math.min(n - 1, Math.floor((until - start) / step));
  const out: string[] = [];
  if (i1 < i0) return out;
  const inAnomaly = new Uint8Array(n);
  // An anomaly dated from before the first point written (a stuck value or a gap is dated from its onset,
  // known only once it has lasted; a blip grows into an episode) has its earlier points written as 1 again:
  // they went out as 0 while it was not known yet (whisper overwrites a point's value).
  let back = i0;
  for (const a of anomalies) {
    const a0 = Math.max(0, Math.ceil((a.start - start) / step));
    const a1 = Math.min(i1, Math.floor((a.end - start) / step));
    if (a1 < i0) continue;
    for (let i = a0; i <= a1; i++) inAnomaly[i] = 1;
    if (a0 < back && backfill(a)) back = a0;
  }
  const band = scores.band;
  for (const field of fields) {
    const path = writeBackPath({ key: series.key, labels: series.labels, family }, field, { prefix });
    const values = field === "score" || field === "anomalous"
      ? scores.combined
      : band
      ? band[field]
      : undefined;
    if (!values) {
      throw new TypeError(
        `Cannot write back ${field} of ${series.key}: it needs the band (detect with band: true), current value is undefined`,
      );
    }
    for (let i = field === "anomalous" ? back : i0; i <= i1; i++) {
      const v = values[i];
      const t = Math.floor((start + i * step) / 1000);
      if (field === "anomalous") {
        // Before the range, only the anomaly's own points (the rest is as it was written).
        if (i >= i0 ? v === v || inAnomaly[i] : inAnomaly[i]) out.push(`${path} ${inAnomaly[i]} ${t}`);
      } else if (Number.isFinite(v)) {
        out.push(`${path} ${num(v)} ${t}`);
      }
    }
  }
  return out;
}
