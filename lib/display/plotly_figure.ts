import { type Displayable, displayable } from "./displayable.ts";
import { escapeHtml } from "./_format.ts";

/** A Plotly figure: traces and a layout (plain JSON). */
export interface PlotlyFigure {
  /** Traces, e.g. `[{ type: "scatter", x: [...], y: [...] }]`. */
  data: Record<string, unknown>[];
  /** Layout. @default {} */
  layout?: Record<string, unknown>;
  /** Config. @default { responsive: true, displaylogo: false } */
  config?: Record<string, unknown>;
}

/** Options for {@link plotlyFigure}. */
export interface PlotlyFigureOptions {
  /** The element id in the HTML (stable, so re-running a notebook changes nothing). */
  id: string;
  /** The plotly.js version the HTML loads when the page has no Plotly yet (the one pinned in deno.json). */
  version: string;
  /** Static HTML (e.g. an SVG chart of the same data) shown until, or instead of, the interactive chart. */
  fallback?: string;
}

/**
 * An interactive Plotly chart for a notebook, as a MIME bundle with two views: the Plotly MIME type
 * (`application/vnd.plotly.v1+json`, rendered natively by JupyterLab with the Plotly extension, VS Code, …) and
 * `text/html` holding the static `fallback` plus a script that loads plotly.js (the pinned version) and replaces
 * the fallback with the interactive chart where scripts may run. Where they may not (a code host, an untrusted
 * notebook) the fallback is what readers see. No random ids: the same figure gives the same bytes.
 *
 * @param figure The figure.
 * @param options See {@link PlotlyFigureOptions}.
 * @returns The figure, displayable.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plotlyFigure } from "./plotly_figure.ts";
 * import { JUPYTER_DISPLAY } from "./displayable.ts";
 * const fig = plotlyFigure({ data: [{ type: "scatter", x: [1, 2], y: [3, 4] }] }, { id: "demo", version: "1.0.0" });
 * const bundle = fig[JUPYTER_DISPLAY]();
 * assert.deepEqual(Object.keys(bundle).sort(), ["application/vnd.plotly.v1+json", "text/html"]);
 * ```
 */
export function plotlyFigure(figure: PlotlyFigure, options: PlotlyFigureOptions): PlotlyFigure & Displayable {
  const { id, version, fallback = "" } = options;
  if (!/^[A-Za-z][\w-]*$/.test(id)) {
    throw new TypeError(
      `Cannot draw the Plotly figure: id must be a plain identifier, current value is "${id}"`,
    );
  }
  const fig = {
    data: figure.data,
    layout: figure.layout ?? {},
    config: figure.config ?? { responsive: true, displaylogo: false },
  };
  return displayable(fig, (f) => {
    // JSON inside a script: keep "</script>" and friends from closing it.
    const json = JSON.stringify(f).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
    const src = `https://cdn.jsdelivr.net/npm/plotly.js-dist-min@${escapeHtml(version)}/plotly.min.js`;
    const html = `<div id="${id}">${fallback}</div>
<script type="module">
const el = document.getElementById(${JSON.stringify(id)}), fig = ${json};
const load = () => window.Plotly ? Promise.resolve(window.Plotly) : new Promise((ok, no) => {
  const s = document.createElement("script"); s.src = ${JSON.stringify(src)};
  s.onload = () => ok(window.Plotly); s.onerror = no; document.head.appendChild(s);
});
load().then((Plotly) => { el.replaceChildren(); return Plotly.newPlot(el, fig.data, fig.layout, fig.config); })
  .catch(() => {});
</script>`;
    return { "application/vnd.plotly.v1+json": f, "text/html": html };
  });
}
