import type { Series } from "../series/types.ts";
import { compileTemplate, DEFAULT_TEMPLATE, type Template } from "../series/template.ts";
import { toGrid } from "../series/to_grid.ts";
import type { ParsedGraphiteJson, SourceFailure } from "./types.ts";

export type { ParsedGraphiteJson } from "./types.ts";
import { malformedAnswer, noDataAnswer } from "./_answer.ts";

/** Options for {@link parseGraphiteJson}. */
export interface ParseGraphiteJsonOptions {
  /** The target that was asked, named in failures. @default "<input>" */
  target?: string;
  /** Template that parses each series' `target` into labels (no match: empty labels). @default DEFAULT_TEMPLATE */
  template?: string | Template;
  /** Grid step in ms for a series with a single point (Graphite's JSON has no step field). @default 60_000 */
  step?: number;
}

function toNumber(v: unknown): number {
  // Graphite 1.1 writes infinities as 1e9999, which JSON.parse reads as Infinity; null is a missing point.
  return typeof v === "number" ? v : NaN;
}

/**
 * Parses the body of Graphite's `render?format=json` (`[{target, datapoints: [[value|null, epoch_s], …]}, …]`)
 * into {@link Series}: `start` is the first timestamp, `step` the gap between timestamps (Graphite answers on a
 * regular grid; an irregular answer is placed on a grid of its smallest gap with `toGrid`), `null` becomes `NaN`, and `labels` come from
 * parsing each `target` with the template. Never throws on bad input: an empty list is a `no-data` failure, a
 * series with only nulls an `all-null` failure, anything that is not the expected JSON a `malformed` one.
 *
 * @param body The response body.
 * @param options See {@link ParseGraphiteJsonOptions}.
 * @returns The usable series and the failures.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseGraphiteJson } from "./parse_graphite_json.ts";
 * const body = '[{"target": "statsd.n1.gauges.aggregator.agg_length_behind_ratio.A",' +
 *   ' "datapoints": [[0.5, 60], [null, 120], [2, 180]]}]';
 * const { series, failures } = parseGraphiteJson(body);
 * assert.equal(failures.length, 0);
 * assert.equal(series[0].start, 60_000);
 * assert.equal(series[0].step, 60_000);
 * assert.ok(Number.isNaN(series[0].values[1]));
 * assert.deepEqual(series[0].labels, { machine: "n1", aggregator: "A" });
 * ```
 */
export function parseGraphiteJson(body: string, options: ParseGraphiteJsonOptions = {}): ParsedGraphiteJson {
  const { target = "<input>", template = DEFAULT_TEMPLATE, step: singleStep = 60_000 } = options;
  const tpl = typeof template === "string" ? compileTemplate(template) : template;
  const malformed = (detail: string) => malformedAnswer(target, detail);
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (error) {
    const text = body.length > 60 ? body.slice(0, 59) + "…" : body;
    return malformed(`not JSON (${(error as Error).message}), starting ${JSON.stringify(text)}`);
  }
  if (!Array.isArray(data)) return malformed(`expected a JSON array, got ${typeof data}`);
  if (data.length === 0) return noDataAnswer(target);
  const series: Series[] = [];
  const failures: SourceFailure[] = [];
  for (const item of data) {
    if (
      typeof item !== "object" || item === null || typeof item.target !== "string" ||
      !Array.isArray(item.datapoints)
    ) {
      return malformed("expected objects with a string `target` and a `datapoints` array");
    }
    const key: string = item.target;
    const points: unknown[] = item.datapoints;
    const n = points.length;
    const times = new Float64Array(n);
    const values = new Float64Array(n);
    let present = 0;
    for (let i = 0; i < n; i++) {
      const p = points[i];
      if (!Array.isArray(p) || p.length < 2 || typeof p[1] !== "number") {
        return malformed(
          `datapoint ${i} of ${key} is not [value, epoch_s], current value is ${JSON.stringify(p)}`,
        );
      }
      times[i] = p[1] * 1000;
      values[i] = toNumber(p[0]);
      if (!Number.isNaN(values[i])) present++;
    }
    if (present === 0) {
      failures.push({
        target,
        series: key,
        kind: "all-null",
        reason: n === 0 ? "no points in the window" : `all ${n} values are null`,
      });
      continue;
    }
    const step = n > 1 ? times[1] - times[0] : singleStep;
    let regular = step > 0;
    for (let i = 1; regular && i < n; i++) if (times[i] !== times[0] + i * step) regular = false;
    const labels = tpl.parse(key) ?? {};
    if (regular) {
      series.push({ key, labels, start: times[0], step, values });
    } else {
      try {
        let minGap = Infinity;
        for (let i = 1; i < n; i++) {
          if (times[i] > times[i - 1]) minGap = Math.min(minGap, times[i] - times[i - 1]);
        }
        const grid = toGrid(times, [values], {
          source: key,
          step: Number.isFinite(minGap) ? minGap : singleStep,
        });
        series.push({ key, labels, start: grid.start, step: grid.step, values: grid.columns[0] });
      } catch (error) {
        failures.push({
          target,
          series: key,
          kind: "malformed",
          reason: `malformed answer: ${(error as Error).message}`,
        });
      }
    }
  }
  return { series, failures };
}
