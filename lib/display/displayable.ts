/**
 * Jupyter's display protocol, without Jupyter: a value carrying a non-enumerable
 * `[Symbol.for("Jupyter.display")]()` method renders as rich output (e.g. an HTML table) when a notebook cell ends
 * with it or passes it to `Deno.jupyter.display`. Nothing here reads `Deno.jupyter`; outside a notebook the method is
 * inert, and JSON output is unchanged (`JSON.stringify` and `Object.keys` skip symbols; the property is not even
 * enumerable, so `assert.deepStrictEqual` and spreads ignore it too).
 *
 * @module
 */

/** The symbol Deno's Jupyter kernel looks for: `Symbol.for("Jupyter.display")`. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** A MIME bundle: MIME type → data, e.g. `{ "text/html": "<table>…</table>" }`. */
export type MimeBundle = Record<string, unknown>;

/** Something with a Jupyter display method. */
export interface Displayable {
  /** Returns the MIME bundle to show. */
  [JUPYTER_DISPLAY](): MimeBundle;
}

/**
 * Attaches a Jupyter display method to `value` (in place, non-enumerable) and returns `value`. Frozen values are
 * returned unchanged.
 *
 * @param value An object or array (e.g. a result of `detect`).
 * @param render Builds the MIME bundle from the value, called only when a notebook shows it.
 * @returns The same value, now displayable.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { displayable, JUPYTER_DISPLAY } from "./displayable.ts";
 * const rows = displayable([{ a: 1 }], (r) => ({ "text/html": `<p>${r.length} row</p>` }));
 * assert.deepEqual(rows[JUPYTER_DISPLAY](), { "text/html": "<p>1 row</p>" });
 * assert.equal(JSON.stringify(rows), '[{"a":1}]');
 * assert.deepEqual(Object.keys(rows), ["0"]);
 * ```
 */
export function displayable<T extends object>(value: T, render: (value: T) => MimeBundle): T & Displayable {
  if (Object.isExtensible(value)) {
    Object.defineProperty(value, JUPYTER_DISPLAY, {
      value: () => render(value),
      enumerable: false,
      configurable: true,
      writable: true,
    });
  }
  return value as T & Displayable;
}
