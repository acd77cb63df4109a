/**
 * Graphite path templates such as `statsd.{machine}.gauges.aggregator.agg_length_behind_ratio.{aggregator}`.
 *
 * @module
 */

/** The template the original scripts' metrics follow. */
export const DEFAULT_TEMPLATE = "statsd.{machine}.gauges.aggregator.agg_length_behind_ratio.{aggregator}";

/** A compiled template: parse a key into labels, or render labels into a key. */
export interface Template {
  /** The template text. */
  source: string;
  /** Placeholder names in order. */
  names: string[];
  /** Labels of `key`, or `undefined` when the key does not match the template. */
  parse(key: string): Record<string, string> | undefined;
  /** The key for `labels`; throws a `RangeError` naming a missing label. */
  render(labels: Record<string, string>): string;
}

/**
 * Compiles a template whose `{name}` placeholders each match one or more characters (the last one may
 * contain dots, as aggregator names like `ProbeTablesAggregator.node_tag_cmx_probe_hll_hour` do).
 *
 * @param source The template text.
 * @returns The compiled template.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileTemplate } from "./template.ts";
 * const t = compileTemplate("statsd.{machine}.gauges.{aggregator}");
 * assert.ok(t.parse("statsd.n200.gauges.A.b")?.aggregator === "A.b");
 * ```
 */
export function compileTemplate(source: string): Template {
  const names: string[] = [];
  const parts = source.split(/(\{[A-Za-z_][A-Za-z0-9_]*\})/);
  let pattern = "^";
  for (const part of parts) {
    if (part.startsWith("{") && part.endsWith("}")) {
      const name = part.slice(1, -1);
      if (names.includes(name)) {
        throw new SyntaxError(
          `Cannot compile template: placeholder {${name}} appears twice, current value is "${source}"`,
        );
      }
      names.push(name);
      pattern += "(.+?)";
    } else {
      if (/[{}]/.test(part)) {
        throw new SyntaxError(`Cannot compile template: unbalanced brace, current value is "${source}"`);
      }
      pattern += part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
  }
  const re = new RegExp(pattern + "$");
  return {
    source,
    names,
    parse(key: string) {
      const m = re.exec(key);
      if (!m) return undefined;
      const labels: Record<string, string> = {};
      names.forEach((name, i) => labels[name] = m[i + 1]);
      return labels;
    },
    render(labels: Record<string, string>) {
      return parts.map((part) => {
        if (!(part.startsWith("{") && part.endsWith("}"))) return part;
        const name = part.slice(1, -1);
        const v = labels[name];
        if (v === undefined) {
          throw new RangeError(
            `Cannot render template: label "${name}" is missing, current value is ${JSON.stringify(labels)}`,
          );
        }
        return v;
      }).join("");
    },
  };
}
