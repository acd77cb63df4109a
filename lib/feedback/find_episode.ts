import type { Anomaly } from "../detect/types.ts";
import type { FleetIncident } from "../fleet/types.ts";

/** An anomaly or a fleet incident found by its id, with the anomalies of its members. */
export type FoundEpisode =
  | { kind: "anomaly"; anomaly: Anomaly; file: string }
  | { kind: "fleet"; incident: FleetIncident; members: Anomaly[]; file: string };

/**
 * Finds an anomaly (`a-…`) or a fleet incident (`f-…`) by id in result files: the `anomalies` (and
 * `incidents`) of `anomalies.json` (detect, report), `hydrated.json` or `watch.json` (the last watch cycle).
 * The first file that holds it wins; a fleet incident comes with its members' anomalies from the same file.
 *
 * @param id The id.
 * @param files Result files to look in; missing ones are skipped.
 * @returns What was found, or `undefined`.
 * @throws {SyntaxError} When a file is not JSON (named).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findEpisode } from "./find_episode.ts";
 * const file = `${await Deno.makeTempDir()}/anomalies.json`;
 * await Deno.writeTextFile(file, JSON.stringify({ anomalies: [{ id: "a-000000000ab", series: "s" }] }));
 * assert.equal((await findEpisode("a-000000000ab", [file, "/nonexistent.json"]))?.kind, "anomaly");
 * assert.equal(await findEpisode("a-000000000cd", [file]), undefined);
 * ```
 */
export async function findEpisode(id: string, files: readonly string[]): Promise<FoundEpisode | undefined> {
  for (const file of files) {
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue;
      throw err;
    }
    let json: { anomalies?: Anomaly[]; incidents?: FleetIncident[] };
    try {
      json = JSON.parse(text);
    } catch {
      throw new SyntaxError(
        `Cannot look for ${id}: ${file} is not JSON, current value is ${JSON.stringify(text.slice(0, 40))}`,
      );
    }
    const anomalies = Array.isArray(json.anomalies) ? json.anomalies : [];
    const anomaly = anomalies.find((a) => a && a.id === id);
    if (anomaly) return { kind: "anomaly", anomaly, file };
    const incident = (Array.isArray(json.incidents) ? json.incidents : []).find((i) => i && i.id === id);
    if (incident) {
      const members = anomalies.filter((a) =>
        incident.series.includes(a.series) && a.start <= incident.end && a.end >= incident.start
      );
      return { kind: "fleet", incident, members, file };
    }
  }
  return undefined;
}
