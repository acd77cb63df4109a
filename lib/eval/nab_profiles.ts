/**
 * The NAB application profiles and their costs.
 *
 * @module
 */

/** The three NAB application profiles. */
export type NabProfileName = "standard" | "reward_low_FP_rate" | "reward_low_FN_rate";

/** Costs of a NAB profile: reward of a true positive, cost of a false positive and of a missed window. */
export interface NabCosts {
  /** `A_TP`, the reward of a window's earliest (on-time) detection. */
  tp: number;
  /** `A_FP`, the cost of a detection far from any window. */
  fp: number;
  /** `A_FN`, the cost of a window with no detection. */
  fn: number;
}

/** NAB v1.1 profiles (A_TP, A_FP, A_FN): standard (1, 0.11, 1), low FP (1, 0.22, 1), low FN (1, 0.11, 2). */
export const NAB_PROFILES: Readonly<Record<NabProfileName, Readonly<NabCosts>>> = Object.freeze({
  standard: Object.freeze({ tp: 1, fp: 0.11, fn: 1 }),
  reward_low_FP_rate: Object.freeze({ tp: 1, fp: 0.22, fn: 1 }),
  reward_low_FN_rate: Object.freeze({ tp: 1, fp: 0.11, fn: 2 }),
});

/**
 * Resolves a profile option (a NAB profile name or custom costs) to its name and costs.
 *
 * @param profile A name from {@linkcode NAB_PROFILES} or custom costs.
 * @returns The name (`"custom"` for costs) and a copy of the costs.
 * @throws {RangeError} An unknown name, or costs that are negative, not finite, or all-zero rewards.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveNabProfile } from "./nab_profiles.ts";
 *
 * assert.deepEqual(resolveNabProfile("reward_low_FN_rate"), { name: "reward_low_FN_rate", costs: { tp: 1, fp: 0.11, fn: 2 } });
 * assert.equal(resolveNabProfile({ tp: 1, fp: 0.5, fn: 1 }).name, "custom");
 * ```
 */
export function resolveNabProfile(
  profile: NabProfileName | NabCosts,
): { name: NabProfileName | "custom"; costs: NabCosts } {
  if (typeof profile === "string") {
    const costs = Object.hasOwn(NAB_PROFILES, profile) ? NAB_PROFILES[profile] : undefined;
    if (costs === undefined) {
      throw new RangeError(
        `Cannot score NAB: unknown profile (want ${
          Object.keys(NAB_PROFILES).join(", ")
        }), current value is "${profile}"`,
      );
    }
    return { name: profile, costs: { ...costs } };
  }
  const { tp, fp, fn } = profile;
  if (![tp, fp, fn].every((c) => Number.isFinite(c) && c >= 0) || tp === 0 && fn === 0) {
    throw new RangeError(
      `Cannot score NAB: costs must be finite, >= 0, with tp + fn > 0, current value is ${
        JSON.stringify(profile)
      }`,
    );
  }
  return { name: "custom", costs: { tp, fp, fn } };
}
