import type { Series } from "../series/types.ts";
import { compileTemplate, DEFAULT_TEMPLATE } from "../series/template.ts";
import {
  type ParsedGraphiteJson,
  parseGraphiteJson,
  type ParseGraphiteJsonOptions,
} from "./parse_graphite_json.ts";
import type { SourceFailure } from "./types.ts";
import { malformedAnswer, noDataAnswer } from "./_answer.ts";

/**
 * Parses a Graphite render answer in `format=raw` — one line per series, `name,start,end,step|v1,v2,…` with
 * epoch seconds and `None` for a missing point — into {@link Series}. Raw is far cheaper for graphite-web to
 * write than JSON (no timestamp per point). A JSON body (a server that ignores `format=raw`) is parsed as JSON.
 * Names may contain commas (`sumSeries(a,b)`): the header is split at its last three commas.
 *
 * @param body The response body.
 * @param options Target (for failures) and the label template, as for `parseGraphiteJson`.
 * @returns The series and per-series failures (no data, all null, malformed).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseGraphiteRaw } from "./parse_graphite_raw.ts";
 * const { series } = parseGraphiteRaw("a.b,1700000000,1700000180,60|1.5,None,2.0\n");
 * assert.equal(series[0].start, 1_700_000_000_000);
 * assert.deepEqual([...series[0].values], [1.5, NaN, 2]);
 * ```
 */
export function parseGraphiteRaw(body: string, options: ParseGraphiteJsonOptions = {}): ParsedGraphiteJson {
  const head = body.trimStart();
  if (head.startsWith("[") || head.startsWith("{")) return parseGraphiteJson(body, options);
  const { target = "<input>", template = DEFAULT_TEMPLATE } = options;
  const tpl = typeof template === "string" ? compileTemplate(template) : template;
  const malformed = (detail: string) => malformedAnswer(target, detail);
  const lines = body.split("\n").filter((l) => l.trim() !== "");
  if (lines.length === 0) return noDataAnswer(target);
  const series: Series[] = [];
  const failures: SourceFailure[] = [];
  for (const line of lines) {
    const bar = line.lastIndexOf("|");
    if (bar < 0) {
      return malformed(
        `expected "name,start,end,step|values", starting ${JSON.stringify(line.slice(0, 60))}`,
      );
    }
    const header = line.slice(0, bar);
    const c3 = header.lastIndexOf(","),
      c2 = header.lastIndexOf(",", c3 - 1),
      c1 = header.lastIndexOf(",", c2 - 1);
    if (c1 <= 0) return malformed(`bad series header ${JSON.stringify(header.slice(0, 60))}`);
    const key = header.slice(0, c1);
    const start = Number(header.slice(c1 + 1, c2)), step = Number(header.slice(c3 + 1));
    if (!Number.isFinite(start) || !(step > 0)) {
      return malformed(`bad start or step in ${JSON.stringify(header.slice(0, 80))}`);
    }
    const cells = line.slice(bar + 1).split(",");
    const values = new Float64Array(cells.length);
    let present = 0;
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i];
      if (c === "None" || c === "") {
        values[i] = NaN;
        continue;
      }
      const v = c === "inf" ? Infinity : c === "-inf" ? -Infinity : Number(c);
      if (v !== v) return malformed(`value ${JSON.stringify(c)} of ${key} is not a number`);
      values[i] = v;
      present++;
    }
    if (present === 0) {
      failures.push({ target, series: key, kind: "all-null", reason: `all ${cells.length} values are null` });
      continue;
    }
    series.push({ key, labels: tpl.parse(key) ?? {}, start: start * 1000, step: step * 1000, values });
  }
  return { series, failures };
}
