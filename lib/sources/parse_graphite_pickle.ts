import type { Series } from "../series/types.ts";
import { compileTemplate, DEFAULT_TEMPLATE } from "../series/template.ts";
import type { ParsedGraphiteJson, ParseGraphiteJsonOptions } from "./parse_graphite_json.ts";
import { parseGraphiteRaw } from "./parse_graphite_raw.ts";
import { unpickle } from "./_unpickle.ts";
import type { SourceFailure } from "./types.ts";
import { malformedAnswer, noDataAnswer } from "./_answer.ts";

/**
 * Parses a Graphite render answer in `format=pickle` — a list of `{name, start, end, step, values, …}` with epoch
 * seconds and `None` for a missing point — into {@link Series}. Graphite-web writes pickle a third faster than
 * raw text and half as many bytes (no number formatting). The pickle is read by a safe decoder that only builds
 * plain data and refuses anything that would import or call, so a hostile server cannot run code. A body that is
 * not a pickle (a server that ignores `format=pickle`) is parsed as raw text or JSON.
 *
 * @param body The response body.
 * @param options Target (for failures) and the label template, as for `parseGraphiteJson`.
 * @returns The series and per-series failures (no data, all null, malformed).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseGraphitePickle } from "./parse_graphite_pickle.ts";
 * // pickle.dumps([{"name": "a", "start": 60, "end": 180, "step": 60, "values": [1.5, None]}], protocol=2)
 * const enc = (s: string) => [0x58, s.length, 0, 0, 0, ...new TextEncoder().encode(s)];
 * const body = Uint8Array.from([0x80, 2, 0x5d, 0x7d, 0x28, ...enc("name"), ...enc("a"), ...enc("start"), 0x4b, 60,
 *   ...enc("end"), 0x4b, 180, ...enc("step"), 0x4b, 60, ...enc("values"), 0x5d, 0x28, 0x47, 0x3f, 0xf8, 0, 0, 0, 0,
 *   0, 0, 0x4e, 0x65, 0x75, 0x61, 0x2e]);
 * const { series } = parseGraphitePickle(body);
 * assert.equal(series[0].start, 60_000);
 * assert.deepEqual([...series[0].values], [1.5, NaN]);
 * ```
 */
export function parseGraphitePickle(
  body: Uint8Array,
  options: ParseGraphiteJsonOptions = {},
): ParsedGraphiteJson {
  if (body.length === 0 || body[0] !== 0x80) return parseGraphiteRaw(new TextDecoder().decode(body), options);
  const { target = "<input>", template = DEFAULT_TEMPLATE } = options;
  const tpl = typeof template === "string" ? compileTemplate(template) : template;
  const malformed = (detail: string) => malformedAnswer(target, detail);
  let data: unknown;
  try {
    data = unpickle(body, { floatLists: true });
  } catch (error) {
    return malformed((error as Error).message);
  }
  if (!Array.isArray(data)) return malformed("the pickle is not a list of series");
  if (data.length === 0) return noDataAnswer(target);
  const series: Series[] = [];
  const failures: SourceFailure[] = [];
  // A pickle can refer to one object many times for a few bytes each; graphite-web never does, and each copy
  // would cost a typed array here: refuse a series or a values list seen before.
  const seen = new Set<unknown>();
  for (const item of data) {
    const info = item as Record<string, unknown> | null;
    if (
      typeof info !== "object" || info === null || typeof info.name !== "string" ||
      typeof info.start !== "number" || !Number.isFinite(info.start) || typeof info.step !== "number" ||
      !Number.isFinite(info.step) || !(info.step > 0) ||
      !(Array.isArray(info.values) || info.values instanceof Float64Array)
    ) {
      return malformed(
        "expected series with a string `name`, finite numbers `start` and `step` > 0 and a `values` list",
      );
    }
    if (seen.has(info) || seen.has(info.values)) return malformed(`series ${info.name} appears twice`);
    seen.add(info);
    seen.add(info.values);
    const key = info.name;
    // Values of floats and Nones only come typed (None as NaN); others (ints among them) as a list to convert.
    const typed = info.values instanceof Float64Array;
    const cells = typed ? [] : info.values as unknown[];
    const values = typed ? info.values as Float64Array : new Float64Array(cells.length);
    let present = 0;
    if (typed) { for (let i = 0; i < values.length; i++) if (values[i] === values[i]) present++; }
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i];
      if (c === null) {
        values[i] = NaN;
      } else if (typeof c === "number") {
        values[i] = c;
        if (c === c) present++;
      } else if (typeof c === "bigint") {
        values[i] = Number(c);
        present++;
      } else {
        return malformed(`value ${i} of ${key} is not a number, current value is ${String(c).slice(0, 40)}`);
      }
    }
    if (present === 0) {
      failures.push({
        target,
        series: key,
        kind: "all-null",
        reason: values.length === 0 ? "no points in the window" : `all ${values.length} values are null`,
      });
      continue;
    }
    series.push({
      key,
      labels: tpl.parse(key) ?? {},
      start: info.start * 1000,
      step: info.step * 1000,
      values,
    });
  }
  return { series, failures };
}
