import { escapeHtml, formatNumber } from "./_format.ts";

/** One column of {@link htmlTable}. */
export interface HtmlTableColumn<T> {
  /** Header text. */
  label: string;
  /** The cell's value: a field name of the row, or a function of the row. Numbers are formatted, text escaped. */
  value: string | ((row: T) => unknown);
  /** Trusted HTML for the cell instead of `value` (e.g. a badge); the caller escapes what it puts in. */
  html?: (row: T) => string;
  /** Alignment. @default "right" for numbers, "left" otherwise */
  align?: "left" | "right";
  /** Header tooltip. @default undefined */
  title?: string;
  /** Extra inline style of the column's cells, e.g. `white-space:nowrap` or `min-width:240px`. @default "" */
  style?: string;
}

/** Options for {@link htmlTable}. */
export interface HtmlTableOptions<T> {
  /** Columns. @default one per key of the first row */
  columns?: HtmlTableColumn<T>[];
  /** A caption above the table (text). @default undefined */
  caption?: string;
  /** Rows shown at most; a last line says how many were left out. @default 50 */
  maxRows?: number;
}

const TABLE =
  "border-collapse:collapse;font:12px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;" +
  "color:#1f2328;margin:4px 0";
const TH =
  "text-align:left;padding:3px 8px;border-bottom:2px solid #d1d9e0;background:#f6f8fa;white-space:nowrap";
const TD = "padding:3px 8px;border-bottom:1px solid #e6e9ed;vertical-align:top";
const CAPTION = "caption-side:top;text-align:left;font-weight:600;padding:0 0 4px";

function cell(v: unknown): { text: string; numeric: boolean } {
  if (typeof v === "number") return { text: formatNumber(v), numeric: true };
  if (v === null || v === undefined) return { text: "–", numeric: false };
  if (Array.isArray(v)) return { text: v.join(", "), numeric: false };
  if (typeof v === "object") return { text: JSON.stringify(v), numeric: false };
  return { text: String(v), numeric: false };
}

/**
 * An HTML table of rows, self-styled (inline styles only, so it looks the same wherever it is inserted and
 * never restyles the page around it). Text is escaped; numbers get 4 significant digits and align right;
 * `null` / `NaN` show as `–`.
 *
 * @param rows The rows.
 * @param options See {@link HtmlTableOptions}.
 * @returns The `<table>` as a string.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { htmlTable } from "./html_table.ts";
 * const html = htmlTable([{ name: "<b>", value: 0.123456 }, { name: "x", value: NaN }]);
 * assert.ok(html.includes("&lt;b&gt;"));
 * assert.ok(html.includes(">0.1235<"));
 * assert.ok(html.includes(">–<"));
 * ```
 */
export function htmlTable<T extends object>(rows: readonly T[], options: HtmlTableOptions<T> = {}): string {
  const { caption, maxRows = 50 } = options;
  const columns: HtmlTableColumn<T>[] = options.columns ??
    Object.keys(rows[0] ?? {}).map((k) => ({ label: k, value: k }));
  const get = (row: T, c: HtmlTableColumn<T>) =>
    typeof c.value === "function" ? c.value(row) : (row as Record<string, unknown>)[c.value];
  const shown = rows.slice(0, Math.max(0, maxRows));
  const head = columns.map((c) =>
    `<th style="${TH}"${c.title ? ` title="${escapeHtml(c.title)}"` : ""}>${escapeHtml(c.label)}</th>`
  ).join("");
  const body = shown.map((row) =>
    "<tr>" + columns.map((c) => {
      const own = c.style ? `;${c.style}` : "";
      if (c.html) return `<td style="${TD};text-align:${c.align ?? "left"}${own}">${c.html(row)}</td>`;
      const { text, numeric } = cell(get(row, c));
      const align = c.align ?? (numeric ? "right" : "left");
      const extra = align === "right"
        ? ";text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap"
        : ";text-align:left";
      return `<td style="${TD}${extra}${own}">${escapeHtml(text)}</td>`;
    }).join("") + "</tr>"
  ).join("\n");
  const more = rows.length > shown.length
    ? `\n<tr><td style="${TD};color:#59636e;font-style:italic" colspan="${columns.length}">… ${
      rows.length - shown.length
    } more rows</td></tr>`
    : "";
  const empty = rows.length === 0
    ? `\n<tr><td style="${TD};color:#59636e;font-style:italic" colspan="${
      Math.max(1, columns.length)
    }">none</td></tr>`
    : "";
  const cap = caption ? `<caption style="${CAPTION}">${escapeHtml(caption)}</caption>` : "";
  return `<table style="${TABLE}">${cap}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}${more}${empty}\n</tbody></table>`;
}
