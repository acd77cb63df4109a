/**
 * A 53-bit string hash (two multiplicative 32-bit lanes, as cyrb53): stable across runs, platforms and versions.
 */
function hash53(text: string): number {
  let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * The stable id of an episode: the same series and the same onset give the same id in every run and every
 * window (detect builds episodes over the whole history it scored, so an episode that began before the window
 * keeps its onset). `a-` for a series' anomaly, `f-` for a fleet incident, then 11 base-36 characters of a
 * 53-bit hash of the subject and the onset (minute precision), short enough to type after `feedback`.
 *
 * @param kind `anomaly` or `fleet`.
 * @param subject The series key (an anomaly) or the aggregator (a fleet incident).
 * @param start The episode's onset, epoch ms.
 * @returns The id.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { episodeId } from "./anomaly_id.ts";
 * const id = episodeId("anomaly", "statsd.n200.gauges.x.A", Date.UTC(2026, 10, 23, 15));
 * assert.match(id, /^a-[0-9a-z]{11}$/);
 * assert.equal(id, episodeId("anomaly", "statsd.n200.gauges.x.A", Date.UTC(2026, 10, 23, 15, 0, 30)));
 * assert.notEqual(id, episodeId("anomaly", "statsd.n201.gauges.x.A", Date.UTC(2026, 10, 23, 15)));
 * assert.match(episodeId("fleet", "A", 0), /^f-/);
 * ```
 */
export function episodeId(kind: "anomaly" | "fleet", subject: string, start: number): string {
  const minute = Math.floor(start / 60_000);
  return `${kind === "fleet" ? "f" : "a"}-${hash53(`${subject}@${minute}`).toString(36).padStart(11, "0")}`;
}
