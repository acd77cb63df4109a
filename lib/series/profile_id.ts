const ids = new WeakMap<readonly number[], number>();
let next = 0;

/**
 * A small number naming one weekly profile array (by identity), for the keys of derived series: 0 for none.
 * Shared by the seasonal expectation and the detectors that derive from it.
 *
 * @param profile A `weeklyDayChange` profile, or `null`.
 * @returns Its id, the same for the same array.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { profileId } from "./profile_id.ts";
 * const p = new Array(168).fill(0);
 * assert.equal(profileId(p), profileId(p));
 * assert.notEqual(profileId(p), profileId(p.slice()));
 * assert.equal(profileId(null), 0);
 * ```
 */
export function profileId(profile: readonly number[] | null): number {
  if (!profile) return 0;
  let id = ids.get(profile);
  if (!id) ids.set(profile, id = ++next);
  return id;
}
