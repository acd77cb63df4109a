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
   * The `onScored` hook of detect that queues each scored series' lines over `[from, until]`, from the point
   * after the last one this write-back wrote for that series (the next watch cycle writes only what is new).
   */
  hook(family: string, from: number, until: number): (scored: ScoredSeries) => void;
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
  const writer = openCarbonWriter(target, { buffer: config.writeBack.buffer, connect: options.connect });
  const { prefix, series: fields } = config.writeBack;
  // The last scored time written, per series.
  const written = new Map<string, number>();
  const wb: WriteBack = {
    writer,
    prefix,
    fields,
    band: fields.some((f) => f === "expected" || f === "lower" || f === "upper"),
    lines: 0,
    hook: (family, from, until) => (scored) => {
      // Per series, from the point after the last one written (a point still empty at the live edge last
      // time is written once it has a value), never before `from`.
      const { series, scores } = scored;
      const last = written.get(series.key);
      const start = last === undefined ? from : Math.max(from, last + 1);
      const lines = writeBackLines(scored, { family, prefix, fields, from: start, until });
      wb.lines += lines.length;
      writer.write(lines);
      for (let i = scores.combined.length - 1; i >= 0; i--) {
        const t = series.start + i * series.step;
        if (t < start) break;
        if (t <= until && scores.combined[i] === scores.combined[i]) {
          written.set(series.key, t);
          break;
        }
      }
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
