/**
 * A picture of the generated dashboard's layout for the README, since no Grafana runs here: an SVG drawn from the
 * dashboard JSON's `gridPos` (Grafana's 24-column grid, repeated panels laid out as Grafana repeats them: `maxPerRow`
 * across, then down) with each panel's title (variables filled with an example shard and aggregator), its kind and
 * a sketch of what it draws, turned into a PNG by headless Chromium. It shows the panel structure, not data.
 *
 * `deno run --allow-read --allow-write --allow-run tests/support/dashboard_layout.ts [OUT.png]` writes
 * reports/dashboard.png (and the SVG beside it) from `grafanaDashboard()` on the default config.
 *
 * @module
 */
import type { DashboardPanel, GrafanaDashboard } from "../../lib/dashboard/types.ts";

const COL = 50, ROW = 30, PAD = 16, BAR = 64;
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Options for {@link dashboardLayoutSvg}. */
export interface DashboardLayoutOptions {
  /** Values of the repeat variables (the panel is drawn once per value). @default {} */
  repeat?: Record<string, string[]>;
  /** Values shown for the other variables in titles. @default {} */
  values?: Record<string, string>;
}

/** A seeded wave for the sketches: the same picture every run. */
const wave = (i: number, k: number) => Math.sin(i / 7 + k) * 0.5 + Math.sin(i / 2.3 + 2 * k) * 0.15;

function sketch(p: DashboardPanel, x: number, y: number, w: number, h: number, k: number): string {
  const out: string[] = [];
  if (p.type === "state-timeline") {
    const rows = 8, cols = 60, rh = h / rows, cw = w / cols;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = wave(c + r * 13, r) + (r === 3 && c > 38 && c < 47 ? 1 : 0) +
          (r === 6 && c > 20 && c < 23 ? 0.7 : 0);
        const color = v > 0.9 ? "#e02f44" : v > 0.62 ? "#ff9830" : "#73bf69";
        out.push(
          `<rect x="${x + c * cw}" y="${y + r * rh + 1}" width="${cw + 0.3}" height="${
            rh - 2
          }" fill="${color}"/>`,
        );
      }
      out.push(
        `<text x="${x - 4}" y="${y + r * rh + rh / 2 + 4}" text-anchor="end" class="axis">n20${r}</text>`,
      );
    }
    return out.join("");
  }
  const n = 80, dx = w / (n - 1);
  const mid = (i: number) => y + h * 0.45 - wave(i, k) * h * 0.25;
  const upper = Array.from({ length: n }, (_, i) => `${x + i * dx},${mid(i) - h * 0.12}`);
  const lower = Array.from({ length: n }, (_, i) => `${x + i * dx},${mid(i) + h * 0.12}`).reverse();
  out.push(`<polygon points="${[...upper, ...lower].join(" ")}" fill="rgba(86,166,75,0.25)"/>`);
  out.push(
    `<polyline points="${
      Array.from({ length: n }, (_, i) => `${x + i * dx},${mid(i)}`).join(" ")
    }" fill="none" ` +
      `stroke="#37872d" stroke-dasharray="6 5"/>`,
  );
  const bump = (i: number) => (k % 2 === 0 && i > 52 && i < 60 ? h * 0.3 : 0);
  out.push(
    `<polyline points="${
      Array.from({ length: n }, (_, i) => `${x + i * dx},${mid(i) + Math.sin(i * 1.7) * h * 0.04 - bump(i)}`)
        .join(" ")
    }" fill="none" stroke="#3274d9" stroke-width="2"/>`,
  );
  const sy = (v: number) => y + h - v * h;
  out.push(
    `<polyline points="${
      Array.from({ length: n }, (_, i) =>
        `${x + i * dx},${sy(0.15 + 0.1 * Math.abs(wave(i, k + 1)) + (bump(i) ? 0.6 : 0))}`)
        .join(" ")
    }" fill="none" stroke="#ff9830"/>`,
  );
  out.push(
    `<line x1="${x}" x2="${x + w}" y1="${sy(0.62)}" y2="${sy(0.62)}" stroke="#e02f44" stroke-width="1.5"/>`,
  );
  if (k % 2 === 0) {
    out.push(
      `<rect x="${x + 52 * dx}" y="${y}" width="${8 * dx}" height="${h}" fill="rgba(224,47,68,0.12)"/>`,
    );
    out.push(
      `<line x1="${x + 52 * dx}" x2="${x + 52 * dx}" y1="${y}" y2="${
        y + h
      }" stroke="#e02f44" stroke-dasharray="3 3"/>`,
    );
  }
  out.push(`<text x="${x + w + 4}" y="${sy(1) + 8}" class="axis">1</text>`);
  out.push(`<text x="${x + w + 4}" y="${sy(0.62) + 4}" class="axis" fill="#e02f44">thr</text>`);
  out.push(`<text x="${x + w + 4}" y="${sy(0)}" class="axis">0</text>`);
  const legend: [string, string][] = [["value", "#3274d9"], ["expected", "#37872d"], [
    "lower–upper band",
    "rgba(86,166,75,0.5)",
  ], [
    "score (right axis)",
    "#ff9830",
  ], ["threshold", "#e02f44"]];
  let lx = x;
  for (const [name, color] of legend) {
    out.push(`<rect x="${lx}" y="${y + h + 10}" width="12" height="4" fill="${color}"/>`);
    out.push(`<text x="${lx + 16}" y="${y + h + 15}" class="legend">${esc(name)}</text>`);
    lx += 22 + name.length * 6.2;
  }
  return out.join("");
}

/**
 * The layout of a dashboard as an SVG: its variables bar, then each panel at its grid position.
 *
 * @param dashboard The dashboard JSON.
 * @param options See {@link DashboardLayoutOptions}.
 * @returns The SVG document.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dashboardLayoutSvg } from "./dashboard_layout.ts";
 * import { grafanaDashboard } from "../../lib/dashboard/grafana_dashboard.ts";
 * import { parseConfig } from "../../lib/sources/config.ts";
 * const svg = dashboardLayoutSvg(grafanaDashboard(parseConfig({}, "inline")), { repeat: { aggregator: ["a", "b", "c"] } });
 * assert.equal(svg.match(/class="panel"/g)?.length, 4);
 * ```
 */
export function dashboardLayoutSvg(
  dashboard: GrafanaDashboard,
  options: DashboardLayoutOptions = {},
): string {
  const { repeat = {}, values = {} } = options;
  const placed: {
    p: DashboardPanel;
    x: number;
    y: number;
    w: number;
    h: number;
    vars: Record<string, string>;
  }[] = [];
  let shift = 0;
  for (
    const p of [...dashboard.panels].sort((a, b) => a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x)
  ) {
    const { x, y, w, h } = p.gridPos;
    const list = p.repeat ? repeat[p.repeat] ?? [] : [];
    if (!p.repeat || !list.length) {
      placed.push({ p, x, y: y + shift, w, h, vars: {} });
      continue;
    }
    const perRow = Math.min(list.length, p.maxPerRow ?? 4), cw = Math.floor(24 / perRow);
    list.forEach((v, i) =>
      placed.push({
        p,
        x: p.repeatDirection === "v" ? x : (i % perRow) * cw,
        y: y + shift + (p.repeatDirection === "v" ? i * h : Math.floor(i / perRow) * h),
        w: p.repeatDirection === "v" ? w : cw,
        h,
        vars: { [p.repeat!]: v },
      })
    );
    shift += (p.repeatDirection === "v" ? list.length - 1 : Math.ceil(list.length / perRow) - 1) * h;
  }
  const rows = Math.max(...placed.map((q) => q.y + q.h));
  const width = 24 * COL + 2 * PAD, height = BAR + rows * ROW + 2 * PAD;
  const body: string[] = [];
  // The variables bar and the annotation toggles.
  let bx = PAD;
  for (const v of dashboard.templating.list) {
    const shown = values[v.name] ?? (v.includeAll ? "All" : v.name === "datasource" ? "Graphite" : "…");
    const text = `${v.label}: ${shown} ▾`;
    body.push(`<rect x="${bx}" y="${PAD}" width="${text.length * 7 + 16}" height="26" rx="3" class="var"/>`);
    body.push(`<text x="${bx + 8}" y="${PAD + 17}" class="vartext">${esc(text)}</text>`);
    bx += text.length * 7 + 26;
  }
  for (const a of dashboard.annotations.list.filter((a) => !a.hide)) {
    body.push(`<circle cx="${bx + 6}" cy="${PAD + 13}" r="5" fill="${a.iconColor}"/>`);
    body.push(`<text x="${bx + 16}" y="${PAD + 17}" class="vartext">${esc(a.name)}</text>`);
    bx += a.name.length * 7 + 34;
  }
  for (const q of placed) {
    const px = PAD + q.x * COL + 4, py = PAD + BAR + q.y * ROW + 4, pw = q.w * COL - 8, ph = q.h * ROW - 8;
    const title = q.p.title.replace(/\$\{?(\w+)\}?/g, (_, n: string) => q.vars[n] ?? values[n] ?? n);
    body.push(`<rect x="${px}" y="${py}" width="${pw}" height="${ph}" rx="4" class="panel"/>`);
    const room = Math.floor((pw - 150) / 8);
    const shown = title.length > room ? title.slice(0, room - 1) + "…" : title;
    body.push(`<text x="${px + 10}" y="${py + 20}" class="title">${esc(shown)}</text>`);
    body.push(`<text x="${px + pw - 10}" y="${py + 20}" text-anchor="end" class="kind">${q.p.type}</text>`);
    const left = q.p.type === "state-timeline" ? 60 : 14;
    const inner = ph - (q.p.type === "state-timeline" ? 44 : 66);
    body.push(sketch(q.p, px + left, py + 34, pw - left - 34, inner, placed.indexOf(q)));
  }
  const note =
    "A rendering of the panel structure of the generated dashboard (grid positions from its JSON; " +
    "sketched lines, not data). Grafana draws the real panels.";
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${
    height + 20
  }" viewBox="0 0 ${width} ${height + 20}">
<style>
text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: #ccccdc; }
.title { font-size: 14px; font-weight: 600; fill: #ccccdc; } .kind { fill: #8e8e9e; font-size: 11px; }
.axis { fill: #8e8e9e; font-size: 10px; } .legend { fill: #ccccdc; font-size: 11px; } .note { fill: #8e8e9e; font-size: 11px; }
.panel { fill: #181b1f; stroke: #2c3235; } .var { fill: #111217; stroke: #2c3235; } .vartext { fill: #ccccdc; }
</style>
<rect width="100%" height="100%" fill="#111217"/>
${body.join("\n")}
<text x="${PAD}" y="${height + 8}" class="note">${esc(note)}</text>
</svg>
`;
}

if (import.meta.main) {
  const { grafanaDashboard } = await import("../../lib/dashboard/grafana_dashboard.ts");
  const { parseConfig } = await import("../../lib/sources/config.ts");
  const { aggregatorVariable } = await import("../../lib/dashboard/aggregator_variable.ts");
  const config = parseConfig({}, "defaults");
  const dashboard = grafanaDashboard(config, {
    threshold: { profile: "strict", value: 0.62, permissive: 0.55, step: 3_600_000 },
  });
  const out = Deno.args[0] ?? new URL("../../reports/dashboard.png", import.meta.url).pathname;
  const svgPath = out.replace(/\.png$/, ".svg");
  const svg = dashboardLayoutSvg(dashboard, {
    repeat: { aggregator: aggregatorVariable(config.aggregators).values },
    values: { machine: "n200-primary-meraki-com", aggregator: "All" },
  });
  await Deno.writeTextFile(svgPath, svg);
  const [, w, h] = svg.match(/width="(\d+)" height="(\d+)"/)!;
  const profile = await Deno.makeTempDir({ prefix: "layout-chromium-" });
  try {
    const { code, stderr } = await new Deno.Command("chromium", {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        `--user-data-dir=${profile}`,
        "--hide-scrollbars",
        `--window-size=${w},${h}`,
        `--screenshot=${out}`,
        `file://${svgPath}`,
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      throw new Error(`Cannot render ${out}: chromium failed, ${new TextDecoder().decode(stderr)}`);
    }
  } finally {
    await Deno.remove(profile, { recursive: true });
  }
  console.log(`wrote ${out} (${w}×${h}) and ${svgPath}`);
}
