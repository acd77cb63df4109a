import { type Anomaly, type Severity, SEVERITY_RANK } from "../detect/types.ts";
import type { FleetIncident } from "./types.ts";
import { episodeId } from "../detect/anomaly_id.ts";

/** Options for {@link fleetIncidents}. */
export interface FleetIncidentsOptions {
  /**
   * Shards scored per aggregator (the denominator of `fraction` and of `minFraction`): one number for every
   * aggregator, or one per aggregator name. Every aggregator with anomalies must be in the record, except `""`
   * (series that did not match the template): without an entry, those anomalies belong to no fleet.
   */
  fleetSize: number | Record<string, number>;
  /**
   * Fewest distinct shards of one aggregator anomalous within one window (the original scripts' threshold), an
   * integer ≥ 2.
   * @default 20
   */
  minShards?: number;
  /**
   * Fewest shards as a fraction of the aggregator's fleet, 0..1. The floor is the larger of the two rules:
   * `max(minShards, ceil(minFraction × fleetSize))`, so with 100 shards, `minShards: 20` and `minFraction: 0.3`
   * it is 30, and with 50 shards 20. A fleet smaller than the floor never has an incident.
   * @default 0
   */
  minFraction?: number;
  /** Length of the sliding window, ms: shards count together when their anomalies overlap one such window. @default 1 h */
  window?: number;
}

const HOUR = 3_600_000;
const SEVERITIES: Severity[] = ["low", "medium", "high"];

/**
 * Fleet-wide incidents: many shards of one aggregator anomalous at the same time, reported once instead of as
 * twenty separate alerts.
 *
 * For every aggregator, a window `[t, t + window)` slides over time; a shard counts in it when any of its
 * anomalies is active in it (its `[start, end]` overlaps the window, so a long stall counts in every window it
 * spans, not just where it began). Where at least the floor of distinct shards count (see
 * {@link FleetIncidentsOptions.minFraction}), the window qualifies; qualifying windows that follow each other
 * (with breaks shorter than one window) form one incident. Its members are the anomalies active in its
 * qualifying windows; `start` / `end` span the members, `machines` and `series` list them. The same number of
 * anomalies scattered over the day, or over different aggregators, never adds up to an incident. An anomaly is
 * folded into one incident at most: a later incident needs the floor of shards of its own, so the long tail of
 * one incident plus a few new anomalies is not a second one. To fold the members into one alert, take
 * the anomalies whose `series` is listed and that overlap `[start, end]`. Severity is the highest member
 * severity but at least `medium`; `score` the highest member score.
 *
 * @param anomalies Anomalies from `detect` (any order); the shard is `machine`, or the series key when
 * `machine` is empty.
 * @param options See {@link FleetIncidentsOptions}.
 * @returns Incidents by start time, then aggregator.
 * @throws {TypeError} When `anomalies` is not an array or `fleetSize` is neither a number nor a record.
 * @throws {RangeError} When an option is out of range, an aggregator has no fleet size, or more shards of an
 * aggregator have anomalies than its fleet size.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fleetIncidents } from "./fleet_incidents.ts";
 * const H = 3_600_000;
 * const a = (machine: string, start: number) => ({ machine, aggregator: "A", timestamp: "", severity: "low" as const,
 *   id: `a-${machine}`, series: `s.${machine}.A`, start, end: start + 2 * H, detectedAt: start, peakAt: start, score: 0.8,
 *   observed: 1, expected: 0.1, reasons: [] });
 * // 25 shards stall within half an hour of each other; 25 others at scattered hours of the next three days.
 * const together = Array.from({ length: 25 }, (_, i) => a(`t${i}`, 10 * H + i * 60_000));
 * const scattered = Array.from({ length: 25 }, (_, i) => a(`s${i}`, (24 + 3 * i) * H));
 * const [incident, ...more] = fleetIncidents([...together, ...scattered], { fleetSize: 100 });
 * assert.equal(more.length, 0);
 * assert.equal(incident.machines.length, 25);
 * assert.equal(incident.severity, "medium");
 * ```
 */
export function fleetIncidents(
  anomalies: readonly Anomaly[],
  options: FleetIncidentsOptions,
): FleetIncident[] {
  const { fleetSize, minShards = 20, minFraction = 0, window = HOUR } = options ?? {};
  if (!Array.isArray(anomalies)) {
    throw new TypeError(
      `Cannot find fleet incidents: anomalies must be an array, current value is ${typeof anomalies}`,
    );
  }
  if (typeof fleetSize !== "number" && (typeof fleetSize !== "object" || fleetSize === null)) {
    throw new TypeError(
      `Cannot find fleet incidents: fleetSize must be a number or a record by aggregator, current value is ${fleetSize}`,
    );
  }
  if (!Number.isInteger(minShards) || minShards < 2) {
    throw new RangeError(
      `Cannot find fleet incidents: minShards must be an integer ≥ 2, current value is ${minShards}`,
    );
  }
  if (!(minFraction >= 0 && minFraction <= 1)) {
    throw new RangeError(
      `Cannot find fleet incidents: minFraction must be within 0..1, current value is ${minFraction}`,
    );
  }
  if (!(window > 0 && Number.isFinite(window))) {
    throw new RangeError(`Cannot find fleet incidents: window must be > 0 ms, current value is ${window}`);
  }

  const byAggregator = new Map<string, Anomaly[]>();
  for (const a of anomalies) {
    let list = byAggregator.get(a.aggregator);
    if (!list) byAggregator.set(a.aggregator, list = []);
    list.push(a);
  }
  const out: FleetIncident[] = [];
  for (const [aggregator, list] of byAggregator) {
    if (aggregator === "" && typeof fleetSize === "object" && !Object.hasOwn(fleetSize, "")) continue;
    const size = typeof fleetSize === "number" ? fleetSize : fleetSize[aggregator];
    if (!(Number.isInteger(size) && size! > 0)) {
      throw new RangeError(
        `Cannot find fleet incidents: the fleet size of aggregator "${aggregator}" must be an integer > 0, current value is ${size}`,
      );
    }
    const shards = new Set(list.map(_shard));
    if (shards.size > size!) {
      throw new RangeError(
        `Cannot find fleet incidents: ${shards.size} shards of aggregator "${aggregator}" have anomalies but its fleet size is smaller, current value is ${size}`,
      );
    }
    const floor = Math.max(minShards, Math.ceil(minFraction * size! - 1e-9));
    if (shards.size < floor) continue;
    for (const { members, peak } of _incidentMembers(list, floor, window)) {
      out.push(_incident(aggregator, members, peak, size!, window));
    }
  }
  return out.sort((a, b) => a.start - b.start || a.aggregator.localeCompare(b.aggregator));
}

function _shard(a: Anomaly): string {
  return a.machine || a.series;
}

/** A run of qualifying window starts `(lo, hi]`, with the most shards counted in one of its windows. */
interface _Run {
  lo: number;
  hi: number;
  peak: number;
}

/** The member anomalies of one incident and the most shards counted in one of its windows. */
interface _Members {
  members: Anomaly[];
  peak: number;
}

/** The window starts `t` where an anomaly `[s, e]` is active in `[t, t + window)`: `(s − window, e]`. */
function _active(a: Anomaly, window: number): [number, number] {
  return [a.start - window, Math.max(a.start, a.end)];
}

/**
 * The incidents of one aggregator, earliest first. The first run of qualifying windows (runs less than one
 * window apart count as one, so a brief dip under the floor does not split an incident) takes every anomaly
 * active in it; the search then starts again over the anomalies left, so an anomaly is folded into at most one
 * incident and a later run must reach the floor with shards of its own, not the tails of an earlier incident.
 */
function _incidentMembers(list: readonly Anomaly[], floor: number, window: number): _Members[] {
  const out: _Members[] = [];
  let rest = [...list].sort((a, b) => a.start - b.start);
  for (let run = _firstRun(rest, floor, window); run; run = _firstRun(rest, floor, window)) {
    const members: Anomaly[] = [], left: Anomaly[] = [];
    for (const a of rest) {
      const [lo, hi] = _active(a, window);
      (lo < run.hi && hi > run.lo ? members : left).push(a);
    }
    out.push({ members, peak: run.peak });
    rest = left;
  }
  return out;
}

/**
 * The first run of window starts where at least `floor` distinct shards are active: each shard's active
 * intervals are merged, then a sweep counts shards over `t`.
 */
function _firstRun(list: readonly Anomaly[], floor: number, window: number): _Run | undefined {
  const byShard = new Map<string, Array<[number, number]>>();
  for (const a of list) {
    const key = _shard(a);
    let spans = byShard.get(key);
    if (!spans) byShard.set(key, spans = []);
    spans.push(_active(a, window));
  }
  if (byShard.size < floor) return undefined;
  const times: number[] = [], deltas: number[] = [];
  for (const spans of byShard.values()) {
    spans.sort((x, y) => x[0] - y[0]);
    let [lo, hi] = spans[0];
    for (let i = 1; i <= spans.length; i++) {
      if (i < spans.length && spans[i][0] <= hi) {
        hi = Math.max(hi, spans[i][1]);
        continue;
      }
      times.push(lo, hi);
      deltas.push(1, -1);
      if (i < spans.length) [lo, hi] = spans[i];
    }
  }
  const order = Array.from(times.keys()).sort((x, y) => times[x] - times[y]);
  // Sweep: after every event at time x, the count holds on (x, next event].
  let run: _Run | undefined;
  let count = 0;
  for (let k = 0; k < order.length;) {
    const x = times[order[k]];
    while (k < order.length && times[order[k]] === x) count += deltas[order[k++]];
    if (count < floor || k >= order.length) continue;
    if (run && x - run.hi >= window) break;
    const next = times[order[k]];
    if (run) [run.hi, run.peak] = [next, Math.max(run.peak, count)];
    else run = { lo: x, hi: next, peak: count };
  }
  return run;
}

function _incident(
  aggregator: string,
  members: readonly Anomaly[],
  peak: number,
  fleetSize: number,
  window: number,
): FleetIncident {
  let start = Infinity, end = -Infinity, score = 0, severity = 1;
  const seriesOf = new Map<string, Set<string>>();
  for (const a of members) {
    start = Math.min(start, a.start);
    end = Math.max(end, a.end, a.start);
    score = Math.max(score, a.score);
    severity = Math.max(severity, SEVERITY_RANK[a.severity] ?? 0);
    const key = _shard(a);
    let keys = seriesOf.get(key);
    if (!keys) seriesOf.set(key, keys = new Set());
    keys.add(a.series);
  }
  const machines = [...seriesOf.keys()].sort();
  const series = machines.flatMap((m) => [...seriesOf.get(m)!].sort());
  const fraction = Number((machines.length / fleetSize).toFixed(4));
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  const time = (t: number) => new Date(t).toISOString().slice(11, 16);
  const span = day(start) === day(end)
    ? `on ${day(start)} between ${time(start)} and ${time(end)} UTC`
    : `between ${day(start)} ${time(start)} and ${day(end)} ${time(end)} UTC`;
  const detail = `${machines.length} of ${fleetSize} shards (${Math.round(fraction * 100)} %) of ${
    aggregator || "(no aggregator)"
  } anomalous ${span}, up to ${peak} within one ${_duration(window)} window`;
  return {
    id: episodeId("fleet", aggregator, start),
    aggregator,
    start,
    end,
    timestamp: new Date(start).toISOString(),
    machines,
    fleetSize,
    fraction,
    severity: SEVERITIES[severity],
    score,
    series,
    detail,
  };
}

function _duration(ms: number): string {
  if (ms % HOUR === 0) return `${ms / HOUR} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
