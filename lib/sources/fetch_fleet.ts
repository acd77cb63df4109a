import type { Series } from "../series/types.ts";
import { compileTemplate, DEFAULT_TEMPLATE } from "../series/template.ts";
import { mapPool } from "./_pool.ts";
import { checkWindow, type RenderContext, type RenderOutcome, renderTarget } from "./_render.ts";
import type { FetchGraphiteOptions } from "./graphite.ts";
import type { FailureKind, SourceFailure } from "./types.ts";

/** The fleet to fetch: every machine × aggregator. */
export interface FleetSpec {
  /** Machine (shard) names, e.g. `n200-primary-meraki-com`. */
  machines: string[];
  /** Aggregator names (the last path part, may contain dots). */
  aggregators: string[];
  /** Target template with `{machine}` and `{aggregator}`. @default DEFAULT_TEMPLATE */
  template?: string;
}

/** Options for {@link fetchFleet}: those of `fetchGraphite` (its `template` comes from the spec) plus the wildcard
 * mode. */
export interface FetchFleetOptions extends Omit<FetchGraphiteOptions, "template"> {
  /**
   * How to ask for one aggregator across machines: `"braces"` (`statsd.{n200-…,n201-…}.gauges…`, one request per
   * aggregator), `"star"` (`statsd.*.gauges…`, one request per aggregator, answers for machines not asked are
   * ignored), or `"none"` (one request per series). A wildcard request that fails (5xx after retries, timeout,
   * connection error, malformed body, a 4xx other than 401/403) falls back to one request per series.
   * @default "braces"
   */
  wildcard?: "braces" | "star" | "none";
  /** Called with the usable series of each answer as it arrives (a wildcard answer, or one series), so a caller
   * can start on them while other requests are still in flight; every series in the result passes through it
   * once. @default undefined */
  onAnswer?: (series: Series[]) => void;
}

/** The outcome for one asked series. */
export interface FleetEntry {
  /** The series key (rendered template). */
  key: string;
  /** Its machine. */
  machine: string;
  /** Its aggregator. */
  aggregator: string;
  /** `answered` when a usable series came back. */
  status: "answered" | "failed";
  /** How it was fetched: in a wildcard answer, or by its own request. */
  via: "wildcard" | "single";
  /** Why it failed. */
  kind?: FailureKind;
  /** Why it failed, in words (never containing the token). */
  reason?: string;
}

/** What a fleet fetch returned. */
export interface FleetResult {
  /** Usable series, in spec order (machine-major, aggregator fastest) when answered. */
  series: Series[];
  /** One entry per asked series, in spec order. */
  entries: FleetEntry[];
  /** Series asked (machines × aggregators). */
  asked: number;
  /** Series answered with data. */
  answered: number;
  /** Series failed (`asked - answered`). */
  failed: number;
  /** The failures, one per failed series (request failures of wildcard requests are not repeated here). */
  failures: SourceFailure[];
  /** HTTP requests made, retries included. */
  requests: number;
  /** Wildcard requests sent (first attempts). */
  wildcardRequests: number;
  /** Aggregators whose wildcard request failed and were fetched per series, with the reason. */
  fallbacks: { aggregator: string; reason: string }[];
}

/**
 * Fetches every machine × aggregator of a fleet from Graphite's render API (direct or through Grafana's
 * datasource proxy): one wildcard request per aggregator (a brace list of the machines, or `*`), falling back to
 * per-series requests (at most `concurrency` in flight) for an aggregator whose wildcard request fails. Every
 * asked series is accounted for: answered, or failed with a reason (a machine absent from a wildcard answer is
 * `no-data`, one with only nulls `all-null`).
 *
 * @param spec Machines, aggregators and the target template.
 * @param options See {@link FetchFleetOptions}.
 * @returns The series, one entry per asked series, counts and the number of requests.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fetchFleet } from "./fetch_fleet.ts";
 * const fetch = (input: string | URL | Request) => {
 *   assert.equal(new URL(String(input)).searchParams.get("target"), "s.{m1,m2}.A");
 *   return Promise.resolve(Response.json([{ target: "s.m1.A", datapoints: [[1, 60], [2, 120]] }]));
 * };
 * const out = await fetchFleet(
 *   { machines: ["m1", "m2"], aggregators: ["A"], template: "s.{machine}.{aggregator}" },
 *   { baseUrl: "http://g", from: 0, until: 180_000, fetch },
 * );
 * assert.deepEqual([out.asked, out.answered, out.failed, out.requests], [2, 1, 1, 1]);
 * assert.equal(out.entries[1].kind, "no-data");
 * ```
 */
export async function fetchFleet(spec: FleetSpec, options: FetchFleetOptions): Promise<FleetResult> {
  const {
    baseUrl,
    token,
    from,
    until,
    maxDataPoints,
    concurrency = 8,
    method = "auto",
    gzip = false,
    format = "pickle",
    wildcard = "braces",
    onAnswer,
    timeoutMs,
    retries,
    backoffMs,
    maxBytes,
    fetch,
    sleep,
    random,
  } = options;
  const { machines, aggregators, template: templateText = DEFAULT_TEMPLATE } = spec;
  const base = checkWindow("fetch the fleet from Graphite", baseUrl, from, until);
  const template = compileTemplate(templateText);
  for (const name of ["machine", "aggregator"]) {
    if (!template.names.includes(name)) {
      throw new TypeError(
        `Cannot fetch the fleet: the template must have a {${name}} placeholder, current value is "${templateText}"`,
      );
    }
  }
  if (machines.length === 0 || aggregators.length === 0) {
    throw new RangeError(
      `Cannot fetch the fleet: machines and aggregators must not be empty, current value is ` +
        `${machines.length} machines × ${aggregators.length} aggregators`,
    );
  }
  const ctx: RenderContext = {
    baseUrl: base,
    token,
    from,
    until,
    template,
    maxDataPoints,
    method,
    gzip,
    format,
    request: { timeoutMs, retries, backoffMs, maxBytes, fetch, sleep, random },
  };
  const keyOf = (machine: string, aggregator: string) => template.render({ machine, aggregator });
  const found = new Map<string, { series?: Series; via: "wildcard" | "single"; failure?: SourceFailure }>();
  let requests = 0;
  let wildcardRequests = 0;
  const fallbacks: { aggregator: string; reason: string }[] = [];
  const singles: { machine: string; aggregator: string }[] = [];

  const record = (
    outcome: RenderOutcome,
    via: "wildcard" | "single",
    aggregator: string,
    asked: Set<string>,
  ) => {
    for (const s of outcome.series) {
      const machine = s.labels.machine;
      if (s.labels.aggregator === aggregator && asked.has(machine)) found.set(s.key, { series: s, via });
    }
    for (const f of outcome.failures) {
      if (f.series === undefined) continue;
      const labels = template.parse(f.series);
      if (labels && labels.aggregator === aggregator && asked.has(labels.machine)) {
        found.set(f.series, { via, failure: f });
      }
    }
  };

  if (wildcard === "none") {
    for (const machine of machines) {
      for (const aggregator of aggregators) singles.push({ machine, aggregator });
    }
  } else {
    const asked = new Set(machines);
    const list = machines.length === 1 ? machines[0] : `{${machines.join(",")}}`;
    const outcomes = await mapPool(aggregators, concurrency, async (aggregator) => {
      const target = template.render({ machine: wildcard === "star" ? "*" : list, aggregator });
      const outcome = await renderTarget(target, ctx);
      // A failed wildcard request is fetched again per series below: its series reach onAnswer from there.
      if (onAnswer && !outcome.requestFailed) {
        onAnswer(
          outcome.series.filter((s) => s.labels.aggregator === aggregator && asked.has(s.labels.machine)),
        );
      }
      return outcome;
    });
    outcomes.forEach((outcome, i) => {
      const aggregator = aggregators[i];
      requests += outcome.requests;
      wildcardRequests++;
      const refused = outcome.status === 401 || outcome.status === 403;
      if (outcome.requestFailed && !refused) {
        fallbacks.push({ aggregator, reason: outcome.failures[0]?.reason ?? outcome.requestFailed });
        for (const machine of machines) singles.push({ machine, aggregator });
        return;
      }
      if (outcome.requestFailed) {
        for (const machine of machines) {
          const key = keyOf(machine, aggregator);
          found.set(key, { via: "wildcard", failure: { ...outcome.failures[0], series: key } });
        }
        return;
      }
      record(outcome, "wildcard", aggregator, asked);
    });
  }

  const singleOutcomes = await mapPool(singles, concurrency, async ({ machine, aggregator }) => {
    const key = keyOf(machine, aggregator);
    const outcome = await renderTarget(key, ctx);
    if (onAnswer) onAnswer(outcome.series.filter((s) => s.key === key));
    return outcome;
  });
  singleOutcomes.forEach((outcome, i) => {
    const { machine, aggregator } = singles[i];
    requests += outcome.requests;
    const key = keyOf(machine, aggregator);
    record(outcome, "single", aggregator, new Set([machine]));
    if (!found.has(key) && outcome.failures.length) {
      found.set(key, { via: "single", failure: { ...outcome.failures[0], series: key } });
    }
  });

  const series: Series[] = [];
  const entries: FleetEntry[] = [];
  const failures: SourceFailure[] = [];
  for (const machine of machines) {
    for (const aggregator of aggregators) {
      const key = keyOf(machine, aggregator);
      const got = found.get(key);
      if (got?.series) {
        series.push(got.series);
        entries.push({ key, machine, aggregator, status: "answered", via: got.via });
        continue;
      }
      const failure: SourceFailure = got?.failure ?? {
        target: key,
        series: key,
        kind: "no-data",
        reason: "no data: absent from the wildcard answer",
      };
      failures.push(failure);
      entries.push({
        key,
        machine,
        aggregator,
        status: "failed",
        via: got?.via ?? "wildcard",
        kind: failure.kind,
        reason: failure.reason,
      });
    }
  }
  return {
    series,
    entries,
    asked: entries.length,
    answered: series.length,
    failed: entries.length - series.length,
    failures,
    requests,
    wildcardRequests,
    fallbacks,
  };
}
