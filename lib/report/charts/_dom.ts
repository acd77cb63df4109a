/**
 * DOM helpers shared by the charts: the `<figure>` around a chart, the "no data" element, and
 * hand-built SVG legends (Plot's continuous legends need a canvas, which linkedom lacks). Every piece of text
 * goes in as a text node, never as markup. Private to `lib/report/charts/`.
 *
 * @module
 */
import { FONT, FONT_SIZE, INK, MUTED, RULE } from "./_theme.ts";
import { textWidth } from "./_format.ts";
import { SEVERITIES, SEVERITY_COLOR } from "../../detect/types.ts";
import { SVG_NS, withXmlns } from "../../_svg.ts";

/** Creates an element with attributes and text / element children (text always as text nodes). */
export function h(
  document: Document,
  tag: string,
  attrs: Record<string, string | number> = {},
  ...children: (Node | string)[]
): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  return el;
}

/** Creates an SVG element with attributes and text / element children. */
export function s(
  document: Document,
  tag: string,
  attrs: Record<string, string | number> = {},
  ...children: (Node | string)[]
): SVGElement {
  const el = document.createElementNS(SVG_NS, tag) as SVGElement;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  return el;
}

/** Header of a chart figure. */
export interface FigureHead {
  /** Kind of chart, used in the class: `chart chart-<kind>`. */
  kind: string;
  /** Title (text). */
  title: string;
  /** One line under the title: text, or nodes (e.g. a coloured severity word). */
  subtitle?: (Node | string)[];
  /** Max width, px. */
  width: number;
}

/** A `<figure class="chart chart-<kind>">` with a `<figcaption>` holding the title and subtitle. */
export function figure(document: Document, head: FigureHead): HTMLElement {
  const { kind, title, subtitle = [], width } = head;
  const caption = h(
    document,
    "figcaption",
    { style: "margin:0 0 6px" },
    h(document, "div", { class: "chart-title", style: `font-weight:600;font-size:14px;color:${INK}` }, title),
  );
  if (subtitle.length) {
    caption.appendChild(
      h(document, "div", { class: "chart-subtitle", style: `font-size:12px;color:${MUTED}` }, ...subtitle),
    );
  }
  return h(document, "figure", {
    class: `chart chart-${kind}`,
    style: `margin:0 0 28px;max-width:${width}px;font-family:${FONT};color:${INK};` +
      "break-inside:avoid;page-break-inside:avoid",
  }, caption);
}

/** A chart figure holding `svg` under a legend of the severities' lines ("from low up" …). */
export function severityFigure(document: Document, head: FigureHead, svg: Element): HTMLElement {
  const fig = figure(document, head);
  fig.appendChild(
    legend(
      document,
      SEVERITIES.map((s) => ({ label: `from ${s} up`, color: SEVERITY_COLOR[s], kind: "line" as const })),
      head.width,
    ),
  );
  fig.appendChild(withXmlns(svg));
  return fig;
}

/** A chart figure that says there is nothing to draw (instead of throwing). */
export function noData(document: Document, head: FigureHead, message: string): HTMLElement {
  const fig = figure(document, head);
  fig.classList.add("chart-empty");
  fig.appendChild(
    h(document, "p", {
      class: "chart-no-data",
      role: "note",
      style:
        `margin:0;padding:24px;border:1px dashed ${RULE};color:${MUTED};font-size:13px;text-align:center`,
    }, `No data: ${message}`),
  );
  return fig;
}

/** One entry of a legend. */
export interface LegendItem {
  /** Text. */
  label: string;
  /** Colour of the swatch. */
  color: string;
  /** Shape of the swatch. */
  kind: "rect" | "line" | "dash" | "dot" | "outline";
  /** Fill opacity of a `rect`. @default 1 */
  opacity?: number;
}

/** A one-line (wrapping) SVG legend: swatch, label, swatch, label … */
export function legend(document: Document, items: readonly LegendItem[], width: number): SVGElement {
  const rowH = 18, gap = 16, sw = 14;
  const svg = s(document, "svg", { class: "chart-legend", "font-family": FONT, "font-size": FONT_SIZE });
  let x = 0, y = 0, maxX = 0;
  for (const it of items) {
    const w = sw + 5 + textWidth(it.label);
    if (x > 0 && x + w > width) x = 0, y += rowH;
    const cy = y + rowH / 2;
    const g = s(document, "g", { transform: `translate(${x},0)` });
    if (it.kind === "rect" || it.kind === "outline") {
      g.appendChild(s(document, "rect", {
        x: 0.5,
        y: cy - 5.5,
        width: sw - 1,
        height: 11,
        fill: it.kind === "rect" ? it.color : "white",
        "fill-opacity": it.opacity ?? 1,
        stroke: it.kind === "outline" ? it.color : "none",
        "stroke-width": 1.5,
      }));
    } else if (it.kind === "dot") {
      g.appendChild(s(document, "circle", { cx: sw / 2, cy, r: 4, fill: it.color, stroke: "white" }));
    } else {
      const dash: Record<string, string> = it.kind === "dash" ? { "stroke-dasharray": "4,3" } : {};
      g.appendChild(
        s(document, "line", { x1: 0, x2: sw, y1: cy, y2: cy, stroke: it.color, "stroke-width": 2, ...dash }),
      );
    }
    g.appendChild(s(document, "text", { x: sw + 5, y: cy, dy: "0.35em", fill: INK }, it.label));
    svg.appendChild(g);
    x += w + gap;
    maxX = Math.max(maxX, x - gap);
  }
  const height = y + rowH;
  svg.setAttribute("width", String(Math.ceil(maxX)));
  svg.setAttribute("height", String(height));
  svg.setAttribute("viewBox", `0 0 ${Math.ceil(maxX)} ${height}`);
  svg.setAttribute("style", "display:block;margin:2px 0 6px;overflow:visible");
  return withXmlns(svg);
}

/** A horizontal colour ramp for a 0..1 score with ticks at 0, the threshold (if any) and 1, then `items`. */
export function scoreRamp(
  document: Document,
  color: (v: number) => string,
  options: { label: string; threshold?: number; items?: readonly LegendItem[]; width: number },
): SVGElement {
  const { label, threshold, items = [], width } = options;
  const lw = textWidth(label) + 8, rampW = 180, steps = 60, height = 40, top = 14, rampH = 10;
  const svg = s(document, "svg", { class: "chart-legend", "font-family": FONT, "font-size": FONT_SIZE });
  svg.appendChild(s(document, "text", { x: 0, y: top + rampH / 2, dy: "0.35em", fill: INK }, label));
  const ramp = s(document, "g", { transform: `translate(${lw},${top})` });
  for (let i = 0; i < steps; i++) {
    ramp.appendChild(s(document, "rect", {
      x: +(i * rampW / steps).toFixed(2),
      y: 0,
      width: +(rampW / steps + 0.5).toFixed(2),
      height: rampH,
      fill: color((i + 0.5) / steps),
    }));
  }
  ramp.appendChild(
    s(document, "rect", { x: 0, y: 0, width: rampW, height: rampH, fill: "none", stroke: RULE }),
  );
  const ticks: [number, string][] = [[0, "0"], [1, "1"]];
  if (threshold !== undefined && Number.isFinite(threshold) && threshold > 0 && threshold < 1) {
    ticks.splice(1, 0, [threshold, `threshold ${+threshold.toFixed(3)}`]);
  }
  for (const [v, t] of ticks) {
    const x = +(v * rampW).toFixed(2);
    const isThr = t.startsWith("threshold");
    ramp.appendChild(
      s(document, "line", {
        x1: x,
        x2: x,
        y1: isThr ? -2 : rampH,
        y2: rampH + 4,
        stroke: INK,
        "stroke-width": isThr ? 1.5 : 1,
      }),
    );
    const anchor = v === 0 || (isThr && v < 0.2) ? "start" : v === 1 || (isThr && v > 0.8) ? "end" : "middle";
    ramp.appendChild(
      s(
        document,
        "text",
        { x, y: isThr ? -5 : rampH + 13, "text-anchor": anchor, fill: isThr ? INK : MUTED },
        t,
      ),
    );
  }
  svg.appendChild(ramp);
  let total = lw + rampW;
  if (items.length) {
    const rest = legend(document, items, Math.max(100, width - total - 24));
    const g = s(document, "g", { transform: `translate(${total + 24},${top + rampH / 2 - 9})` });
    for (const c of [...rest.childNodes]) g.appendChild(c);
    svg.appendChild(g);
    total += 24 + Number(rest.getAttribute("width"));
  }
  svg.setAttribute("width", String(Math.ceil(total)));
  svg.setAttribute("height", String(height));
  svg.setAttribute("viewBox", `0 0 ${Math.ceil(total)} ${height}`);
  svg.setAttribute("style", "display:block;margin:2px 0 6px;overflow:visible");
  return withXmlns(svg);
}
