import type { Model } from "../model/schema.ts";
import type { Series } from "../series/types.ts";
import type { SeriesScores } from "../model/score_series.ts";
import { detect, type DetectOptions, type DetectResult, type ScoredSeries } from "./detect.ts";
import { mergeDetections } from "./merge_detections.ts";

/** Options of {@link DetectPool.detect}: `detect`'s, less `keepScores` (every point's scores stay in the workers). */
export interface PoolDetectOptions extends Omit<DetectOptions, "keepScores" | "onScored"> {
  /**
   * Called once per scored series with its scores, as `detect`'s `onScored` (in series order within a batch, the
   * batches in the order they finish), but with the series and its combined
   * scores and band from `tailFrom` on (and from its anomalies' onsets, if earlier): what a write-back needs, not
   * the whole range. The per-detector scores (`logP`, `raw`, `driver`) are not carried back: empty.
   * @default undefined
   */
  onScored?: (scored: ScoredSeries) => void;
  /** Where each series' part seen by `onScored` begins, epoch ms. @default `from` */
  tailFrom?: (series: Series) => number;
  /** Gives up: batches not yet sent are dropped, and none is delivered to `onScored` any more. @default none */
  signal?: AbortSignal;
}

/** Scores series on worker threads, one per core. */
export interface DetectPool {
  /** Workers. */
  readonly size: number;
  /** Batches scored so far. */
  readonly batches: number;
  /**
   * `detect` on the pool: the series are split into batches of at most {@link BATCH} and each idle worker takes
   * the next. The same anomalies, notes and counts as `detect` in this thread, in the same order.
   */
  detect(model: Model, series: readonly Series[], options?: PoolDetectOptions): Promise<DetectResult>;
  /** Stops the workers; detections still running reject. */
  close(): void;
}

/** A scored series' part that comes back from a worker (see {@link PoolDetectOptions.onScored}). */
export interface PoolTail {
  key: string;
  start: number;
  threshold: number;
  values: Float64Array;
  combined: Float64Array;
  band?: { expected: Float64Array; lower: Float64Array; upper: Float64Array; first: number };
}

/** What a worker is sent. */
export type PoolRequest =
  | { type: "model"; id: number; model: Model }
  | {
    type: "detect";
    job: number;
    model: number;
    series: Series[];
    options: Omit<DetectOptions, "band" | "onScored" | "keepScores"> & { band?: boolean };
    bandFrom?: Record<string, number>;
    tailFrom?: Record<string, number>;
  };

/** What a worker answers. */
type PoolReply =
  | { type: "done"; job: number; result: DetectResult; tails: PoolTail[] }
  | { type: "failed"; job: number; message: string };

/** Series per message: a bounded copy in flight (100 series of 16 days at 1 minute: 18 MB). */
const BATCH = 100;

interface Job {
  id: number;
  request: Extract<PoolRequest, { type: "detect" }>;
  modelRef: Model;
  done: (reply: PoolReply) => void;
}

/**
 * Opens a pool of `size` workers that run `detect`: a watch of thousands of series scores them on every core (each
 * series is independent of the others, and `detect` is most of a cycle). The series are copied to the workers in
 * batches; the model once per worker. Close it when done, or the process stays alive.
 *
 * @param size Workers (at least 1).
 * @returns The pool.
 * @throws {RangeError} When `size` is not a whole number ≥ 1.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openDetectPool } from "./detect_pool.ts";
 * import { detect } from "./detect.ts";
 * import { train } from "../model/train.ts";
 * import { generateCorpus } from "../synth/generate.ts";
 * const { series } = generateCorpus({ shards: 2, days: 6, seed: 3 });
 * const model = train(series);
 * const pool = openDetectPool(2);
 * try {
 *   const got = await pool.detect(model, series);
 *   assert.deepEqual(got.anomalies, detect(model, series).anomalies);
 * } finally {
 *   pool.close();
 * }
 * ```
 */
export function openDetectPool(size: number): DetectPool {
  if (!(Number.isInteger(size) && size >= 1)) {
    throw new RangeError(
      `Cannot open a detect pool: size must be a whole number ≥ 1, current value is ${size}`,
    );
  }
  const url = new URL("./_detect_worker.ts", import.meta.url);
  const queue: Job[] = [];
  let nextJob = 0, nextModel = 0, batches = 0;
  // Why the pool stopped taking work (closed, or its workers cannot start); undefined while it works.
  let broken: string | undefined;
  // Workers that died in a row without finishing a batch: a worker that cannot start is not started forever.
  let deaths = 0;
  const modelIds = new WeakMap<Model, number>();
  interface Slot {
    worker: Worker;
    busy: Job | undefined;
    models: Set<number>;
  }
  const slots: Slot[] = [];
  const fail = (job: Job, message: string) => job.done({ type: "failed", job: job.id, message });
  const stop = (reason: string) => {
    broken ??= reason;
    for (const slot of slots) {
      slot.worker.terminate();
      if (slot.busy) fail(slot.busy, reason);
      slot.busy = undefined;
    }
    for (const job of queue.splice(0)) fail(job, reason);
  };
  const spawn = (): Slot => {
    const slot: Slot = { worker: new Worker(url, { type: "module" }), busy: undefined, models: new Set() };
    const settle = (reply: PoolReply) => {
      const job = slot.busy;
      slot.busy = undefined;
      if (job && reply.job === job.id) job.done(reply);
      pump();
    };
    slot.worker.onmessage = (e: MessageEvent<PoolReply>) => {
      if (e.data.type === "done") {
        batches++;
        deaths = 0;
      }
      settle(e.data);
    };
    slot.worker.onmessageerror = () => {
      settle({ type: "failed", job: slot.busy?.id ?? -1, message: "a worker's answer could not be read" });
    };
    slot.worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      slot.worker.terminate();
      const job = slot.busy;
      slot.busy = undefined;
      const at = slots.indexOf(slot);
      if (job) fail(job, e.message);
      if (broken !== undefined || at < 0) return;
      // A worker that died is replaced, unless they die as they start (a module that cannot load).
      if (++deaths >= 3 * size) {
        stop(`the detect pool's workers keep failing (${e.message})`);
        return;
      }
      slots[at] = spawn();
      pump();
    };
    return slot;
  };
  for (let k = 0; k < size; k++) slots.push(spawn());
  const pump = () => {
    for (const slot of slots) {
      if (slot.busy || queue.length === 0 || broken !== undefined) continue;
      const job = queue.shift()!;
      slot.busy = job;
      try {
        if (!slot.models.has(job.request.model)) {
          slot.worker.postMessage(
            { type: "model", id: job.request.model, model: job.modelRef } satisfies PoolRequest,
          );
          slot.models.add(job.request.model);
        }
        slot.worker.postMessage(job.request);
      } catch (err) {
        slot.busy = undefined;
        fail(job, (err as Error).message);
        continue;
      }
      // Copied to the worker: the series are not held here any longer.
      job.request.series = [];
    }
  };
  return {
    size,
    get batches() {
      return batches;
    },
    async detect(model, series, options = {}) {
      if (broken !== undefined) throw new Error(`Cannot detect: ${broken}`);
      // Nothing to send: detect here says what it says of an empty fleet (its threshold, a missing family).
      if (series.length === 0) return detect(model, [], { ...options, onScored: undefined, band: undefined });
      let id = modelIds.get(model);
      if (id === undefined) modelIds.set(model, id = nextModel++);
      const { onScored, tailFrom, band, signal, ...rest } = options;
      const bandAt = typeof band === "object" ? band.from : undefined;
      // One call's batches: once one fails (or the caller gives up), those still queued are dropped and those
      // running deliver nothing, so no batch of a failed call reaches onScored after it has thrown.
      const call = { over: false };
      const mine: Job[] = [];
      const giveUp = () => {
        if (call.over) return;
        call.over = true;
        for (const job of mine) {
          const at = queue.indexOf(job);
          if (at >= 0) {
            queue.splice(at, 1);
            fail(job, "the detection was abandoned");
          }
        }
      };
      signal?.addEventListener("abort", giveUp, { once: true });
      try {
        const pending = Array.from({ length: Math.ceil(series.length / BATCH) }, (_, k) => {
          const batch = series.slice(k * BATCH, (k + 1) * BATCH);
          const byKey = (f: (s: Series) => number) => Object.fromEntries(batch.map((s) => [s.key, f(s)]));
          // What deliver needs of each series, not its values (they were copied to the worker).
          const meta = batch.map(({ key, labels, step }) => ({ key, labels, step }));
          const request: Extract<PoolRequest, { type: "detect" }> = {
            type: "detect",
            job: nextJob++,
            model: id!,
            series: batch,
            options: { ...rest, ...(band === undefined ? {} : { band: band !== false }) },
            ...(bandAt !== undefined
              ? { bandFrom: byKey(typeof bandAt === "function" ? bandAt : () => bandAt) }
              : {}),
            ...(onScored ? { tailFrom: byKey(tailFrom ?? (() => options.from ?? -Infinity)) } : {}),
          };
          return new Promise<PoolReply>((resolve) => {
            const job: Job = { id: request.job, request, modelRef: model, done: resolve };
            mine.push(job);
            if (call.over) fail(job, "the detection was abandoned");
            else queue.push(job);
          }).then((reply) => {
            if (reply.type === "failed") {
              giveUp();
              throw new Error(`Cannot detect on a worker: ${reply.message}`);
            }
            if (call.over) throw new Error("Cannot detect: the detection was abandoned");
            if (onScored) deliver(meta, reply, onScored);
            return reply.result;
          });
        });
        pump();
        return mergeDetections(await Promise.all(pending), series.map((s) => s.key));
      } catch (err) {
        giveUp();
        throw err;
      } finally {
        signal?.removeEventListener("abort", giveUp);
      }
    },
    close() {
      stop("the detect pool was closed");
    },
  };
}

/** Calls `onScored` for each scored series of a batch, in the batch's order (batches in the order they finish). */
function deliver(
  batch: Pick<Series, "key" | "labels" | "step">[],
  reply: Extract<PoolReply, { type: "done" }>,
  onScored: (s: ScoredSeries) => void,
) {
  const tails = new Map(reply.tails.map((t) => [t.key, t]));
  const anomaliesOf = new Map<string, ScoredSeries["anomalies"]>();
  for (const a of reply.result.anomalies) {
    const list = anomaliesOf.get(a.series);
    if (list) list.push(a);
    else anomaliesOf.set(a.series, [a]);
  }
  for (const s of batch) {
    const t = tails.get(s.key);
    if (!t) continue;
    const scores: SeriesScores = {
      combined: t.combined,
      driver: new Int8Array(0),
      names: [],
      logP: [],
      raw: [],
      ...(t.band ? { band: t.band } : {}),
    };
    onScored({
      series: { key: s.key, labels: s.labels, start: t.start, step: s.step, values: t.values },
      scores,
      threshold: t.threshold,
      anomalies: anomaliesOf.get(s.key) ?? [],
    });
  }
}
