/** Shared fixture of the detector tests (never exported by mod.ts). */
import type { Series } from "../../lib/series/types.ts";
import { createRng } from "../../lib/prng.ts";

export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** Missing points of {@link daily}: no two are 1, 2, 3, 7 or 14 days apart. */
export const MISSING = [30, 205, 290, 411];

/** 20 days hourly: 10 · (1 + 0.4 sin(2πh/24)) with 10 % log-normal noise and four missing points. */
export function daily(seed = 7, days = 20): Series {
  const rng = createRng(seed);
  const values = Float64Array.from(
    { length: days * 24 },
    (_, i) => 10 * (1 + 0.4 * Math.sin((2 * Math.PI * i) / 24)) * Math.exp(0.1 * rng.normal()),
  );
  for (const i of MISSING) values[i] = NaN;
  return { key: "shard.agg", labels: {}, start: Date.UTC(2026, 0, 5), step: HOUR, values };
}

/** The finite entries of an array. */
export const finite = (a: Float64Array): Float64Array => a.filter((x) => x === x);

/** An hourly series of the given values, key "k", from the epoch. */
export const hourly = (values: number[]): Series => ({
  key: "k",
  labels: {},
  start: 0,
  step: HOUR,
  values: Float64Array.from(values),
});
