/**
 * SVG markup that stands alone: shared by the report's charts and the notebook display (a file at the root of
 * `lib/`, private to the library, never exported by `mod.ts`).
 *
 * @module
 */

/** The SVG namespace URI. */
export const SVG_NS = "http://www.w3.org/2000/svg";

/** Sets `xmlns` on an `<svg>` (and on every `<svg>` inside it) so it also stands alone as a file. */
export function withXmlns<T extends Element>(el: T): T {
  if (el.tagName.toLowerCase() === "svg") el.setAttribute("xmlns", SVG_NS);
  for (const svg of el.querySelectorAll("svg")) svg.setAttribute("xmlns", SVG_NS);
  return el;
}
