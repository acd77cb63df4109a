const byArray = new WeakMap<readonly number[], number>();
const byContent = new Map<string, number>();

/**
 * A small number naming one weekly profile (by its values, so the copies a model file gives each detector share
 * one id), for the keys of derived series: 0 for none. Shared by the seasonal expectation and the detectors that
 * derive from it.
 *
 * @param profile A `weeklyDayChange` profile, or `null`.
 * @returns Its id, the same for arrays of the same values.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { profileId } from "./profile_id.ts";
 * const p = new Array(168).fill(0);
 * assert.equal(profileId(p), profileId(p.slice()));
 * assert.notEqual(profileId(p), profileId(p.map((_, i) => (i === 5 ? 0.1 : 0))));
 * assert.equal(profileId(null), 0);
 * ```
 */
export function profileId(profile: readonly number[] | null): number {
  if (!profile) return 0;
  let id = byArray.get(profile);
  if (id) return id;
  const content = profile.join(",");
  id = byContent.get(content);
  if (!id) byContent.set(content, id = byContent.size + 1);
  byArray.set(profile, id);
  return id;
}
