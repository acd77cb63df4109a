/** Options for {@link toGrid}. */
export interface ToGridOptions {
  /** The grid step in ms; inferred from the median gap when omitted. @default undefined */
  step?: number;
  /** Refuse grids with more than `maxExpansion` × rows + 1000 slots (a stray far-off time). @default 50 */
  maxExpansion?: number;
  /** Name used in error messages. @default "<input>" */
  source?: string;
}

/** A set of columns placed on one regular grid, with what it took to get there. */
export interface Grid {
  /** Time of slot 0, epoch ms. */
  start: number;
  /** Step in ms. */
  step: number;
  /** One array per input column, `NaN` where no row landed. */
  columns: Float64Array[];
  /** Rows that landed on a slot another row already took (the later non-missing value wins). */
  duplicates: number;
  /** Rows whose time was off the grid and was snapped to the nearest slot. */
  jitter: number;
  /** Slots no row landed on. */
  gaps: number;
}

/**
 * Infers a step as the median positive gap between consecutive sorted times, rounded to whole seconds
 * when it is at least 10 s (Graphite resolutions are whole seconds).
 *
 * @param sorted Times in ascending order, epoch ms.
 * @returns The step in ms, or `NaN` when fewer than two distinct times exist.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inferStep } from "./to_grid.ts";
 * assert.ok(inferStep(new Float64Array([0, 60_000, 120_500, 180_000])) === 60_000);
 * ```
 */
export function inferStep(sorted: Float64Array): number {
  const gaps: number[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const g = sorted[i] - sorted[i - 1];
    if (g > 0) gaps.push(g);
  }
  if (gaps.length === 0) return NaN;
  const sortedGaps = Float64Array.from(gaps).sort();
  const mid = sortedGaps.length >> 1;
  const median = sortedGaps.length % 2 ? sortedGaps[mid] : (sortedGaps[mid - 1] + sortedGaps[mid]) / 2;
  return median >= 10_000 ? Math.round(median / 1000) * 1000 : median;
}

/**
 * Places rows `(times[r], columns[c][r])` on a regular grid: infers the step (median gap), anchors the grid on
 * the most common phase of the first times, snaps each row to its nearest slot, fills holes with `NaN` and counts
 * jitter, duplicates and gaps. Rows need not be sorted.
 *
 * @param times Row times, epoch ms.
 * @param columns One value array per column, each as long as `times`.
 * @param options See {@link ToGridOptions}.
 * @returns The regular grid.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toGrid } from "./to_grid.ts";
 * const g = toGrid(new Float64Array([0, 1000, 3000]), [new Float64Array([1, 2, 4])], { step: 1000 });
 * assert.ok(g.columns[0].length === 4 && Number.isNaN(g.columns[0][2]) && g.gaps === 1);
 * ```
 */
export function toGrid(times: Float64Array, columns: Float64Array[], options: ToGridOptions = {}): Grid {
  const { step: givenStep, maxExpansion = 50, source = "<input>" } = options;
  const rows = times.length;
  if (rows === 0) {
    throw new RangeError(`Cannot build a grid for ${source}: no data rows, current value is 0 rows`);
  }
  let sortedTimes = times;
  let order: Uint32Array | undefined;
  for (let i = 1; i < rows; i++) {
    if (times[i] < times[i - 1]) {
      order = new Uint32Array(rows);
      for (let r = 0; r < rows; r++) order[r] = r;
      order.sort((a, b) => times[a] - times[b]);
      sortedTimes = new Float64Array(rows);
      for (let r = 0; r < rows; r++) sortedTimes[r] = times[order[r]];
      break;
    }
  }
  let step = givenStep ?? inferStep(sortedTimes);
  if (Number.isNaN(step)) step = 60_000; // a single distinct time: any step will do
  if (!(step > 0) || !Number.isFinite(step)) {
    throw new RangeError(
      `Cannot build a grid for ${source}: the step must be positive, current value is ${step}`,
    );
  }
  // Phase: the most common time mod step among the first rows, so one jittered first point does not skew it.
  const phaseCounts = new Map<number, number>();
  const probe = Math.min(rows, 1000);
  for (let r = 0; r < probe; r++) {
    const ph = ((sortedTimes[r] % step) + step) % step;
    phaseCounts.set(ph, (phaseCounts.get(ph) ?? 0) + 1);
  }
  let phase = 0, best = -1;
  for (const [ph, count] of phaseCounts) if (count > best) [phase, best] = [ph, count];
  const first = sortedTimes[0];
  const offset = (((first - phase) % step) + step) % step;
  const start = offset > step / 2 ? first - offset + step : first - offset;
  const last = sortedTimes[rows - 1];
  const slots = Math.round((last - start) / step) + 1;
  if (slots > maxExpansion * rows + 1000) {
    throw new RangeError(
      `Cannot build a grid for ${source}: ${rows} rows at step ${step} ms would span ${slots} slots ` +
        `(${new Date(first).toISOString()} .. ${new Date(last).toISOString()}); is one time far off?, ` +
        `current value is ${slots}`,
    );
  }
  const filled = new Uint8Array(slots);
  const out = columns.map(() => new Float64Array(slots).fill(NaN));
  let duplicates = 0, jitter = 0;
  for (let k = 0; k < rows; k++) {
    const r = order ? order[k] : k;
    const t = times[r];
    const idx = Math.round((t - start) / step);
    if (start + idx * step !== t) jitter++;
    if (filled[idx]) {
      duplicates++;
      for (let c = 0; c < columns.length; c++) {
        const v = columns[c][r];
        if (!Number.isNaN(v)) out[c][idx] = v;
      }
    } else {
      filled[idx] = 1;
      for (let c = 0; c < columns.length; c++) out[c][idx] = columns[c][r];
    }
  }
  let gaps = 0;
  for (let i = 0; i < slots; i++) if (!filled[i]) gaps++;
  return { start, step, columns: out, duplicates, jitter, gaps };
}
