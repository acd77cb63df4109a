import { type Displayable, displayable } from "./displayable.ts";
import { withXmlns } from "../_svg.ts";

/**
 * Shows HTML in a notebook: an element (a chart figure from `lib/report/charts`, an Observable Plot `<svg>` or
 * `<figure>`) or a string of markup. Every `<svg>` inside an element gets its `xmlns`, so the markup also stands
 * alone when saved.
 *
 * @param content An element (anything with `outerHTML`) or HTML text.
 * @returns `{ html }`, displayable as `text/html`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { showHtml } from "./show_html.ts";
 * import { createDocument } from "../report/create_document.ts";
 * const document = createDocument();
 * const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
 * assert.ok(showHtml(svg).html.includes('xmlns="http://www.w3.org/2000/svg"'));
 * assert.equal(showHtml("<b>x</b>").html, "<b>x</b>");
 * ```
 */
export function showHtml(content: Element | string): { html: string } & Displayable {
  const html = typeof content === "string" ? content : withXmlns(content).outerHTML;
  return displayable({ html }, (t) => ({ "text/html": t.html }));
}
