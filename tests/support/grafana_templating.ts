/**
 * Grafana's template variables as its Graphite datasource applies them, for tests that run a generated
 * dashboard's queries against a real graphite-web without a Grafana: a query variable's query is interpolated
 * with the variables before it and sent to graphite-web's `/metrics/find` (POST, `query=` in the form body,
 * `from`/`until` in the URL, the default `treejson` format, as Grafana sends it), its values are the matches'
 * `text`, sorted when the variable asks; a custom variable's values are its comma-separated list. A target is
 * interpolated the way Grafana's template service does for Graphite: `$name`, `${name}`, `${name:format}` and
 * `[[name]]`; a single value as it is, several as Graphite's glob `{a,b}`, `All` as the variable's `allValue`
 * (else every value as a glob); a repeated panel's clone sees its own value alone.
 *
 * @module
 */
import type { DashboardVariable } from "../../lib/dashboard/types.ts";

/** What a variable is set to. */
export interface Selection {
  /** The values chosen (for `All`, every value). */
  values: string[];
  /** `All` was chosen. */
  all: boolean;
  /** The variable's `allValue`. */
  allValue?: string;
}

/** The values of every variable and the find requests that produced them. */
export interface Resolved {
  /** The options each variable offers, in its order. */
  options: Map<string, string[]>;
  /** The find queries sent, after interpolation. */
  finds: string[];
}

const VARIABLE = /\$(\w+)|\$\{(\w+)(?::(\w+))?\}|\[\[(\w+)\]\]/g;

/**
 * A text with the variables substituted as Grafana does for a Graphite target.
 *
 * @param text A target or query.
 * @param selections Each variable's selection.
 * @returns The interpolated text.
 * @throws {RangeError} When the text names a variable that has no selection.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { interpolate } from "./grafana_templating.ts";
 * const selections = new Map([["m", { values: ["a", "b"], all: false }], ["x", { values: ["1"], all: true, allValue: "*" }]]);
 * assert.equal(interpolate("p.$m.${x}.[[m]].${m:raw}", selections), "p.{a,b}.*.{a,b}.a,b");
 * ```
 */
export function interpolate(text: string, selections: ReadonlyMap<string, Selection>): string {
  return text.replace(VARIABLE, (whole, a?: string, b?: string, format?: string, c?: string) => {
    const name = a ?? b ?? c!;
    const sel = selections.get(name);
    if (!sel) {
      throw new RangeError(`Cannot interpolate ${text}: no variable ${name}, current value is ${whole}`);
    }
    if (sel.all && sel.allValue !== undefined && format !== "raw") return sel.allValue;
    if (format === "raw" || format === "csv") return sel.values.join(",");
    if (format === "pipe") return sel.values.join("|");
    if (format === "regex") {
      const esc = sel.values.map((v) => v.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
      return esc.length === 1 ? esc[0] : `(${esc.join("|")})`;
    }
    return sel.values.length === 1 ? sel.values[0] : `{${sel.values.join(",")}}`;
  });
}

/**
 * Fills the dashboard's variables in order, the way Grafana does on load: datasource variables are skipped (the
 * test talks to graphite-web directly), query variables ask `/metrics/find`, custom ones read their list, and
 * each variable's first option is selected for the variables after it.
 *
 * @param variables The dashboard's `templating.list`.
 * @param graphiteUrl graphite-web's base URL.
 * @param range The time range, as Grafana passes it to Graphite (`from`/`until`).
 * @returns The options of each variable and the find queries sent.
 */
export async function resolveVariables(
  variables: readonly DashboardVariable[],
  graphiteUrl: string,
  range: { from: string; until: string } = { from: "-24h", until: "now" },
): Promise<Resolved> {
  const options = new Map<string, string[]>();
  const finds: string[] = [];
  const selections = new Map<string, Selection>();
  for (const v of variables) {
    let values: string[];
    if (v.type === "datasource") continue;
    if (v.type === "custom") {
      values = v.query.split(",").map((s) => s.trim()).filter(Boolean);
    } else {
      const query = interpolate(v.query, selections);
      finds.push(query);
      const res = await fetch(`${graphiteUrl}/metrics/find?${new URLSearchParams(range)}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ query }).toString(),
      });
      const text = await res.text();
      if (!res.ok) {
        throw new Error(`Cannot resolve $${v.name}: HTTP ${res.status} for ${query}: ${text.slice(0, 200)}`);
      }
      values = (JSON.parse(text) as { text: string }[]).map((m) => m.text);
      if (v.regex) {
        const re = new RegExp(v.regex.replace(/^\/|\/$/g, ""));
        values = values.map((t) => t.match(re)?.[1] ?? "").filter(Boolean);
      }
      if (v.sort === 1) values.sort();
    }
    options.set(v.name, values);
    if (values.length) selections.set(v.name, { values: [values[0]], all: false, allValue: v.allValue });
  }
  return { options, finds };
}
