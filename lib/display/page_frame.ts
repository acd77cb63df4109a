import { type Displayable, displayable } from "./displayable.ts";
import { escapeHtml } from "./_format.ts";

/** Options for {@link pageFrame}. */
export interface PageFrameOptions {
  /** Height of the frame, px. @default 900 */
  height?: number;
  /** Accessible title of the frame. @default "report" */
  title?: string;
}

/**
 * Shows a whole HTML page (e.g. the report from `renderPage`) inline in a notebook, inside a sandboxed
 * `<iframe srcdoc>` so the page's styles and Content-Security-Policy stay in the page and never restyle the
 * notebook around it. Scripts are not allowed to run in the frame.
 *
 * @param html The page.
 * @param options See {@link PageFrameOptions}.
 * @returns `{ html }` (the iframe), displayable as `text/html`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pageFrame } from "./page_frame.ts";
 * const f = pageFrame('<!doctype html><p class="x">"hi"</p>');
 * assert.ok(f.html.startsWith("<iframe") && f.html.includes("&quot;hi&quot;"));
 * ```
 */
export function pageFrame(html: string, options: PageFrameOptions = {}): { html: string } & Displayable {
  const { height = 900, title = "report" } = options;
  const frame = `<iframe title="${escapeHtml(title)}" sandbox="" style="width:100%;height:${height}px;` +
    `border:1px solid #d1d9e0;border-radius:6px;background:#fff" srcdoc="${escapeHtml(html)}"></iframe>`;
  return displayable({ html: frame }, (t) => ({ "text/html": t.html }));
}
