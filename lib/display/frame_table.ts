import { type Displayable, displayable } from "./displayable.ts";
import { htmlTable } from "./html_table.ts";

/** A table-like value: danfo.js's `DataFrame` / `Series` fit, without this module depending on danfo. */
export interface FrameLike {
  /** Column names (a danfo `Series` has none: pass its `name` instead or leave empty). */
  columns?: readonly string[];
  /** Row labels. @default 0, 1, 2, … */
  index?: readonly (string | number)[];
  /** Rows of values (a 2-D array), or one value per row (1-D). */
  values: readonly unknown[];
}

/** Options for {@link frameTable}. */
export interface FrameTableOptions {
  /** A caption above the table. @default undefined */
  caption?: string;
  /** Rows shown at most. @default 50 */
  maxRows?: number;
  /** Show the index as the first column. @default true */
  index?: boolean;
}

/**
 * Makes a data frame (e.g. danfo.js's, whose notebook display is plain text) show as an HTML table: the index as
 * the first column, numbers with 4 significant digits. The result is displayable (a cell ending with it renders
 * the table) and also carries the HTML in `html`.
 *
 * @param frame A danfo `DataFrame` or `Series`, or anything shaped like one.
 * @param options See {@link FrameTableOptions}.
 * @returns `{ html }`, displayable.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { frameTable } from "./frame_table.ts";
 * import { JUPYTER_DISPLAY } from "./displayable.ts";
 * const t = frameTable({ columns: ["a"], index: ["mean"], values: [[0.5]] });
 * assert.ok(String(t[JUPYTER_DISPLAY]()["text/html"]).includes(">mean<"));
 * ```
 */
export function frameTable(
  frame: FrameLike,
  options: FrameTableOptions = {},
): { html: string } & Displayable {
  const { caption, maxRows = 50, index: showIndex = true } = options;
  const rows2d = frame.values.map((r) => (Array.isArray(r) ? r : [r]));
  const columns = frame.columns?.length ? [...frame.columns] : ["value"];
  const index = frame.index ?? rows2d.map((_, i) => i);
  const rows = rows2d.map((r, i) => ({ index: index[i], values: r }));
  const html = htmlTable(rows, {
    caption,
    maxRows,
    columns: [
      ...(showIndex
        ? [{ label: "", value: (r: typeof rows[number]) => String(r.index), align: "left" as const }]
        : []),
      ...columns.map((label, j) => ({ label, value: (r: typeof rows[number]) => r.values[j] })),
    ],
  });
  return displayable({ html }, (t) => ({ "text/html": t.html }));
}
