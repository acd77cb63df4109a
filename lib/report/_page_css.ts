/**
 * The report's styles, shared by the report page and the backtest page (private to `lib/report/`).
 *
 * @module
 */
import { SEVERITY_COLOR } from "../detect/types.ts";

/** The stylesheet, inlined in each page. */
export const CSS = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #fff; --soft: #f6f8fa;
  --low: ${SEVERITY_COLOR.low}; --medium: ${SEVERITY_COLOR.medium}; --high: ${SEVERITY_COLOR.high}; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1000px; padding: 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI",
  Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid var(--line);
  padding-bottom: 4px; } h3 { font-size: 14px; margin: 16px 0 4px; }
.meta, .note { color: var(--muted); } .note { font-size: 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 8px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; background: var(--soft); }
.card b { display: block; font-size: 20px; } .card span { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-size: 12px; margin: 8px 0; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); position: sticky; top: 0; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.sev { display: inline-block; padding: 0 6px; border-radius: 10px; color: #fff; font-size: 11px; }
.sev-low { background: var(--low); color: #1f2328; } .sev-medium { background: var(--medium); } .sev-high { background: var(--high); }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 16px; }
figure { margin: 8px 0; break-inside: avoid; } svg { max-width: 100%; height: auto; }
.reasons { margin: 0; padding-left: 16px; } .nowrap, td.num { white-space: nowrap; }
td.series { overflow-wrap: anywhere; min-width: 180px; } td.series span { color: var(--muted); } td.series code.id { font-size: 11px; color: var(--muted); user-select: all; } td.why { min-width: 260px; } .empty { color: var(--muted); font-style: italic; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print { body { max-width: none; padding: 0; } h2 { break-after: avoid; } th { position: static; }
  .charts { grid-template-columns: 1fr 1fr; } section { break-inside: auto; } }
`;
