import type { Config } from "../sources/config.ts";
import type { ScoredSeries } from "../detect/detect.ts";
import {
  type CarbonWriter,
  type CarbonWriterOptions,
  openCarbonWriter,
  type WriteBackStats,
} from "../writeback/carbon_writer.ts";
import type { WriteBackField } from "../writeback/metric_path.ts";
import { writeBackLines } from "../writeback/write_back_lines.ts";

/** Empty points at a series' end written again on the next cycle (Graphite may fill them late). */
const EDGE_STEPS = 3;
/** How long after its end an anomaly's id is remembered as written back (its onset is never dated later). */
const FILLED_KEPT = 2 * 86_400_000;

/** An open write-back: the writer and what it writes. */
export interface WriteBack {
  /** The carbon writer (shared across watch cycles). */
  writer: CarbonWriter;
  /** The written tree's prefix. */
  prefix: string;
  /** The fields written. */
  fields: readonly WriteBackField[];
  /** Whether the fields need the band (expected, lower or upper): detect then computes it. */
  band: boolean;
  /** Lines queued so far by {@link WriteBack.hook}s. */
  lines: number;
  /**
   * Where a series' write up to `until` begins: after the last point with a value written for it, else `from`;
   * but never so early that a write of `fleet` series would queue more than the writer's buffer holds (each
   * series then gets its most recent `buffer / (fleet × fields)` points: a first cycle of a large fleet makes
   * no lines the buffer would only drop).
   */
  startFor(series: { key: string; step: number }, from: number, until: number, fleet?: number): number;
  /**
   * The `onScored` hook of detect that queues each scored series' lines up to `until`, from
   * {@link WriteBack.startFor} (the next watch cycle writes only what is new), for a write of `fleet` series.
   */
  hook(family: string, from: number, until: number, fleet?: number): (scored: ScoredSeries) => void;
  /** What was written so far, for a cycle log or a run section. */
  record(): WriteBackRecord;
  /** Flushes for at most `timeoutMs` (never blocking longer), closes, and says what was written. */
  close(timeoutMs: number): Promise<WriteBackRecord>;
}

/** What a write-back did, as the cycle log and the run section report it. */
export interface WriteBackRecord extends WriteBackStats {
  /** carbon's `HOST:PORT`. */
  carbon: string;
  /** The written tree's prefix. */
  prefix: string;
  /** One sentence: how much reached carbon, and what did not. */
  summary: string;
}

/** Options of {@link openWriteBack}. */
export interface OpenWriteBackOptions extends Pick<CarbonWriterOptions, "connect"> {
  /** `HOST:PORT` from `--write-back`, over the config's `writeBack.carbon`. @default the config's */
  carbon?: string;
}

/**
 * Opens the write-back the flag or the config asks for, or none.
 *
 * @param config The config (its `writeBack` section).
 * @param options The flag's target.
 * @returns The write-back, or `undefined` when neither names a carbon.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openWriteBack } from "./write_back.ts";
 * import { parseConfig } from "../sources/config.ts";
 * assert.equal(openWriteBack(parseConfig({}, "config.json")), undefined);
 * const wb = openWriteBack(parseConfig({ writeBack: { carbon: "127.0.0.1:2003", series: ["score"] } }, "c.json"))!;
 * assert.deepEqual([wb.writer.target, wb.prefix, wb.fields], ["127.0.0.1:2003", "anomaly", ["score"]]);
 * assert.equal((await wb.close(0)).sent, 0);
 * ```
 */
export function openWriteBack(
  config: Pick<Config, "writeBack">,
  options: OpenWriteBackOptions = {},
): WriteBack | undefined {
  const target = options.carbon ?? config.writeBack.carbon;
  if (!target) return undefined;
  const { prefix, series: fields, buffer } = config.writeBack;
  const writer = openCarbonWriter(target, { buffer, connect: options.connect });
  // The last time with a value written, per series; the anomalies already written (back to their onset).
  const written = new Map<string, { any: number; value: number; step: number }>();
  // (by id, with its end: ids of anomalies long over are dropped each cycle, so a long watch stays small)
  const filled = new Map<string, number>();
  const wb: WriteBack = {
    writer,
    prefix,
    fields,
    band: fields.some((f) => f === "expected" || f === "lower" || f === "upper"),
    lines: 0,
    startFor: ({ key, step }, from, until, fleet = 1) => {
      const w = written.get(key);
      // After the last point written, but the last few empty ones again: Graphite fills its live edge late.
      const next = w === undefined ? from : Math.max(w.value, w.any - EDGE_STEPS * w.step) + 1;
      const share = Math.max(1, Math.floor(buffer / (Math.max(1, fleet) * fields.length)));
      return Math.max(next, until - (share - 1) * step);
    },
    hook: (family, from, until, fleet = 1) => {
      for (const [id, end] of filled) if (end < from - FILLED_KEPT) filled.delete(id);
      return (scored) => {
        // Per series, from the point after the last one written: a point still empty at the live edge last time
        // is written once it has a value, and a series that missed cycles (a failed fetch) catches up.
        const { series, anomalies } = scored;
        const start = wb.startFor(series, from, until, fleet);
        // An anomaly's points before this write went out as 0 only if it is new to this write-back.
        const lines = writeBackLines(scored, {
          family,
          prefix,
          fields,
          from: start,
          until,
          backfill: (a) => !filled.has(a.id),
        });
        for (const a of anomalies) filled.set(a.id, a.end);
        wb.lines += lines.length;
        writer.write(lines);
        // The last point written, and the last one with a value: empty ones at the end (scored only by
        // missing_data, at Graphite's live edge) are written again next time, when they may have one.
        const prev = written.get(series.key);
        let any: number | undefined, value: number | undefined;
        for (let i = series.values.length - 1; i >= 0; i--) {
          const t = series.start + i * series.step;
          if (t < start) break;
          if (t > until) continue;
          if (any === undefined && scored.scores.combined[i] === scored.scores.combined[i]) any = t;
          if (Number.isFinite(series.values[i])) {
            value = t;
            break;
          }
        }
        any ??= prev?.any;
        if (any !== undefined) {
          written.set(series.key, { any, value: value ?? prev?.value ?? -Infinity, step: series.step });
        }
      };
    },
    record: () => recordOf(target, prefix, writer.stats()),
    close: async (timeoutMs) => recordOf(target, prefix, await writer.close(timeoutMs)),
  };
  return wb;
}

function recordOf(carbon: string, prefix: string, r: WriteBackStats): WriteBackRecord {
  const issues = [
    r.pending ? `${r.pending} not sent (carbon did not take them in time)` : "",
    r.dropped ? `${r.dropped} dropped (buffer full)` : "",
    r.reconnects ? `${r.reconnects} reconnects, ${r.resent} resent` : "",
    r.lastError && (r.pending || r.dropped) ? `last error: ${r.lastError}` : "",
  ].filter(Boolean);
  const summary = `wrote ${r.sent} of ${r.queued} points back to carbon ${carbon} under ${prefix}.` +
    (issues.length ? ` (${issues.join("; ")})` : "");
  return { carbon, prefix, ...r, summary };
}
