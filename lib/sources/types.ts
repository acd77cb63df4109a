/**
 * Types shared by the live sources (Graphite's render API, Grafana's datasource proxy and `/api/ds/query`).
 *
 * @module
 */
import type { Series } from "../series/types.ts";
import type { RequestOptions } from "../http/request.ts";

/**
 * Why a target or series gave no usable data:
 * - `no-data`: the server answered, but without this series (Graphite's `200 []` for an unknown target, a machine
 *   absent from a wildcard answer, an empty Grafana frame list);
 * - `all-null`: the series exists but every point in the window is null;
 * - `http`: an HTTP error status (after retries for 5xx; never retried for 4xx);
 * - `timeout`: no complete answer within the timeout, after retries;
 * - `network`: the connection failed (refused, reset, DNS), after retries;
 * - `malformed`: the body was not the JSON shape expected;
 * - `query`: the server reported an error for this query alone (Grafana's `results[refId].error`).
 */
export type FailureKind =
  | "no-data"
  | "all-null"
  | "http"
  | "timeout"
  | "network"
  | "too_large"
  | "malformed"
  | "query";

/**
 * One target (or one series of a target) that gave no usable data. Never contains a credential.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { SourceFailure } from "./types.ts";
 * const f: SourceFailure = { target: "a.b", kind: "no-data", reason: "no data: Graphite returned no series" };
 * assert.equal(f.kind, "no-data");
 * ```
 */
export interface SourceFailure {
  /** The target as asked (a path, a wildcard or a function call). */
  target: string;
  /** The series key, when the failure concerns one series of the answer (e.g. `all-null`). */
  series?: string;
  /** The class of failure. */
  kind: FailureKind;
  /** A human-readable reason (status, snippet of the body, attempts). */
  reason: string;
  /** The HTTP status, when there was one. */
  status?: number;
}

/** What a live fetch returned: the usable series, every failure, and how many HTTP requests it took. */
export interface SourceResult {
  /** Series on the regular grid of `lib/series`, in answer order. */
  series: Series[];
  /** One entry per failed target or unusable series. */
  failures: SourceFailure[];
  /** HTTP requests made, retries included. */
  requests: number;
}

/** Series and per-series failures from one render answer. */
export interface ParsedGraphiteJson {
  /** Usable series (at least one non-null point). */
  series: Series[];
  /** `no-data` for an empty answer, `all-null` per series without a value, `malformed` for a bad body. */
  failures: SourceFailure[];
}

/**
 * How a live source's HTTP requests are made (lib/http/request.ts): timeout, retries, backoff, the largest
 * answer (a larger one fails its target, `too_large`), and what tests inject. Every fetch function of the
 * sources takes these.
 */
export type SourceHttpOptions = Pick<
  RequestOptions,
  "timeoutMs" | "retries" | "maxBytes" | "backoffMs" | "fetch" | "sleep" | "random"
>;
