/**
 * A small, fast, seeded pseudo-random number generator (sfc32, seeded through splitmix32), so that synthetic
 * data, tests and randomised models give the same numbers on every run and every machine.
 *
 * @module
 */

/** A seeded random source; every method advances the same deterministic stream. */
export interface Rng {
  /** A uniform float in `[0, 1)` with 32 bits of randomness. */
  next(): number;
  /** A standard normal deviate (mean 0, standard deviation 1), by the Box–Muller transform. */
  normal(): number;
  /** A uniform integer in `[lo, hi]`, both ends inclusive. */
  int(lo: number, hi: number): number;
  /** A uniform float in `[lo, hi)`. */
  uniform(lo: number, hi: number): number;
}

const TWO_32 = 4294967296;

function splitmix32(state: number): () => number {
  let s = state | 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Creates a deterministic random source from an integer seed: the same seed gives the same stream, different
 * seeds give unrelated streams (seeds `0`, `1`, `2` are as different as any others).
 *
 * @param seed Any safe integer (negative is fine); both halves of 53 bits are mixed in.
 * @returns A {@link Rng} with `next()`, `normal()`, `int(lo, hi)` and `uniform(lo, hi)`.
 * @throws {RangeError} When the seed is not a safe integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRng } from "./prng.ts";
 * const a = createRng(42);
 * const b = createRng(42);
 * const x = a.next();
 * assert.ok(x === b.next() && x >= 0 && x < 1);
 * const die = a.int(1, 6);
 * assert.ok(Number.isInteger(die) && die >= 1 && die <= 6);
 * ```
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(
      `Cannot create random generator: seed must be a safe integer, current value is ${seed}`,
    );
  }
  const low = seed % TWO_32;
  const high = Math.floor(seed / TWO_32);
  const mix = splitmix32((low ^ Math.imul(high | 0, 0x27d4eb2d)) | 0);
  let a = mix() | 0;
  let b = mix() | 0;
  let c = mix() | 0;
  let d = 1;
  const raw = (): number => {
    // sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG), 32-bit state words.
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 15; i++) raw();
  let spare = NaN;

  const next = (): number => raw() / TWO_32;
  return {
    next,
    normal(): number {
      if (!Number.isNaN(spare)) {
        const z = spare;
        spare = NaN;
        return z;
      }
      let u = next();
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    int(lo: number, hi: number): number {
      if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) {
        throw new RangeError(
          `Cannot draw random integer: bounds must be integers with lo <= hi, current value is [${lo}, ${hi}]`,
        );
      }
      return lo + Math.floor(next() * (hi - lo + 1));
    },
    uniform(lo: number, hi: number): number {
      return lo + next() * (hi - lo);
    },
  };
}
