/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * One worker of a detect pool (`openDetectPool`): holds the models it was sent, runs `detect` on each batch of
 * series and answers with the anomalies, the notes and, when asked, each scored series' tail (its values,
 * combined scores and band from a given time, and back to its anomalies' onsets), the arrays transferred. Private
 * to `lib/detect/`.
 *
 * @module
 */
import { detect } from "./detect.ts";
import type { Model } from "../model/schema.ts";
import type { Series } from "../series/types.ts";
import type { PoolRequest, PoolTail } from "./detect_pool.ts";
import type { SeriesScores } from "../model/score_series.ts";

const models = new Map<number, Model>();

self.onmessage = (event: MessageEvent<PoolRequest>) => {
  const msg = event.data;
  if (msg.type === "model") {
    // Kept for the worker's life, as the pool remembers what it sent (a watch sends one).
    models.set(msg.id, msg.model);
    return;
  }
  try {
    const model = models.get(msg.model);
    if (!model) throw new Error(`detect pool: model ${msg.model} was never sent to this worker`);
    const tails: PoolTail[] = [];
    const transfer: ArrayBuffer[] = [];
    const { tailFrom, bandFrom } = msg;
    const result = detect(model, msg.series, {
      ...msg.options,
      ...(bandFrom ? { band: { from: (s: Series) => bandFrom[s.key] ?? -Infinity } } : {}),
      ...(tailFrom
        ? {
          onScored: ({ series, scores, anomalies, threshold }) => {
            const from = Math.min(tailFrom[series.key] ?? Infinity, ...anomalies.map((a) => a.start));
            const tail = tailOf(series, scores, from, threshold);
            tails.push(tail);
            transfer.push(tail.values.buffer as ArrayBuffer, tail.combined.buffer as ArrayBuffer);
            if (tail.band) {
              for (const k of ["expected", "lower", "upper"] as const) {
                transfer.push(tail.band[k].buffer as ArrayBuffer);
              }
            }
          },
        }
        : {}),
    });
    self.postMessage({ type: "done", job: msg.job, result, tails }, { transfer });
  } catch (err) {
    self.postMessage({ type: "failed", job: msg.job, message: (err as Error).message });
  }
};

/** The series' points from time `from` on: values, combined scores and band, copied into arrays of their own. */
function tailOf(series: Series, scores: SeriesScores, from: number, threshold: number): PoolTail {
  const k = Math.max(0, Math.min(series.values.length, Math.ceil((from - series.start) / series.step)));
  const band = scores.band;
  return {
    key: series.key,
    start: series.start + k * series.step,
    threshold,
    values: series.values.slice(k),
    combined: scores.combined.slice(k),
    ...(band
      ? {
        band: {
          expected: band.expected.slice(k),
          lower: band.lower.slice(k),
          upper: band.upper.slice(k),
          first: Math.max(0, band.first - k),
        },
      }
      : {}),
  };
}
