// @ts-types="@types/d3-dsv"
import { dsvFormat } from "d3-dsv";
import type { Series } from "./types.ts";
import { parseTime } from "./parse_time.ts";
import { compileTemplate, DEFAULT_TEMPLATE } from "./template.ts";
import { toGrid } from "./to_grid.ts";

/** Options for {@link parseGrafanaCsv}. */
export interface ParseGrafanaCsvOptions {
  /** The file name used in messages and reports. @default "<input>" */
  file?: string;
  /** Template that parses a column header into labels. @default DEFAULT_TEMPLATE */
  template?: string;
  /** Labels added to every series (e.g. `{family: "presence"}`). @default {} */
  extraLabels?: Record<string, string>;
  /** `"throw"`: a bad row is a `SyntaxError`; `"skip"`: it is skipped and counted. @default "throw" */
  onError?: "throw" | "skip";
  /** Grid step in ms; inferred from the median gap when omitted. @default undefined */
  step?: number;
}

/** A skipped row (with `onError: "skip"`). */
export interface SkippedRow {
  /** 1-based line number in the file. */
  line: number;
  /** What was wrong with it. */
  reason: string;
}

/** What the loader saw and did, so that nothing it changed is silent. */
export interface CsvReport {
  /** The file name. */
  file: string;
  /** Layout: one column per series (`wide`) or Grafana's "series as rows" (`long`). */
  layout: "wide" | "long";
  /** The header of the time column. */
  timeColumn: string;
  /** Data rows read (excluding header, `sep=` and title lines, blank lines). */
  rows: number;
  /** Blank lines ignored. */
  blankLines: number;
  /** Values written as percentages (`3.2%`) and divided by 100. */
  percentValues: number;
  /** Missing cells (empty, `null`, `NaN`, ...). */
  missingValues: number;
  /** Rows sharing a grid slot with an earlier row. */
  duplicates: number;
  /** Rows snapped to the grid. */
  jitter: number;
  /** Grid slots no row filled (holes, now `NaN`). */
  gaps: number;
  /** Rows skipped with `onError: "skip"`. */
  skipped: number;
  /** The first few skipped rows with their reasons. */
  skippedRows: SkippedRow[];
}

/** The series in a CSV export and the report of how they were read. */
export interface ParsedCsv {
  /** One series per value column (or per series name in the long layout). */
  series: Series[];
  /** How it went. */
  report: CsvReport;
}

const MISSING = new Set([
  "",
  "null",
  "NULL",
  "Null",
  "NaN",
  "nan",
  "NAN",
  "None",
  "none",
  "undefined",
  "N/A",
  "n/a",
]);
const TIME_NAMES = ["time", "timestamp", "date", "datetime"];

/** Finds the time column: an exact common name first, then any header containing "time". */
function findTimeColumn(header: string[]): number {
  const lower = header.map((h) => h.trim().toLowerCase());
  for (const name of TIME_NAMES) {
    const i = lower.indexOf(name);
    if (i >= 0) return i;
  }
  return lower.findIndex((h) => h.includes("time"));
}

/**
 * Parses one value cell: a plain number, a percentage (`3.265%` → 0.03265) or a missing marker (→ `NaN`).
 * Returns `undefined` for anything else.
 */
function parseValue(cell: string): number | undefined {
  let s = cell;
  const n0 = s.length;
  if (n0 === 0) return NaN;
  if (s.charCodeAt(0) === 32 || s.charCodeAt(n0 - 1) === 32) s = s.trim();
  if (s.length === 0) return NaN;
  const v = +s;
  if (v !== v) return MISSING.has(s) ? NaN : undefined;
  if (Number.isFinite(v)) {
    const c = s.charCodeAt(1);
    // Reject hex/octal/binary literals that Number() accepts.
    if (c === 120 || c === 88 || c === 111 || c === 79 || c === 98 || c === 66) return undefined;
    return v;
  }
  return undefined;
}

/** Whether a cell is written as a percentage (`3.2%`). */
function isPercent(cell: string): boolean {
  return cell.length > 1 && cell.charCodeAt(cell.length - 1) === 37; /* % */
}

/** A value cell as a number: percentages divided by 100, missing markers `NaN`, `undefined` when invalid. */
function parseCell(cell: string): number | undefined {
  if (!isPercent(cell)) return parseValue(cell);
  const v = parseValue(cell.slice(0, -1));
  return v === undefined || Number.isNaN(v) ? undefined : v / 100;
}

/**
 * Parses a Grafana CSV export into {@link Series} on a regular grid.
 *
 * Handles what real exports contain: a UTF-8 BOM, a `sep=,` / `sep=;` first line (Grafana's "download for
 * Excel"), a title line before the header, quoted headers, a time column found by name, times as ISO 8601,
 * `YYYY-MM-DD HH:MM:SS` (UTC), epoch seconds or milliseconds, values as numbers or percentages, missing cells,
 * and Grafana's "series as rows" layout (`Series,Time,Value`). Bad rows are a `SyntaxError` naming the file
 * and line, or are skipped and counted with `onError: "skip"`.
 *
 * @param text The file contents.
 * @param options See {@link ParseGrafanaCsvOptions}.
 * @returns The series and a report of duplicates, jitter, gaps, missing and skipped values.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseGrafanaCsv } from "./parse_grafana_csv.ts";
 * const csv = 'sep=,\n"Time","statsd.n200.gauges.aggregator.agg_length_behind_ratio.A"\n' +
 *   "2026-01-01 00:00:00,3.2%\n2026-01-01 01:00:00,\n2026-01-01 02:00:00,1.5%\n";
 * const { series } = parseGrafanaCsv(csv);
 * assert.ok(series[0].labels.machine === "n200" && series[0].step === 3_600_000);
 * assert.ok(series[0].values[0] === 0.032 && Number.isNaN(series[0].values[1]));
 * ```
 */
export function parseGrafanaCsv(text: string, options: ParseGrafanaCsvOptions = {}): ParsedCsv {
  const { file = "<input>", template = DEFAULT_TEMPLATE, extraLabels = {}, onError = "throw", step } =
    options;
  const compiled = compileTemplate(template);
  const rows = readRows(preamble(text, file), file, onError);
  const labelsOf = (key: string) => ({ ...(compiled.parse(key) ?? {}), ...extraLabels });
  const grid = rows.layout === "wide"
    ? wideSeries(rows, file, step, labelsOf)
    : longSeries(rows, file, step, labelsOf);
  const report: CsvReport = {
    file,
    layout: rows.layout,
    timeColumn: rows.header[rows.timeIdx],
    rows: rows.count,
    blankLines: rows.blankLines,
    percentValues: rows.percentValues,
    missingValues: rows.missingValues,
    duplicates: grid.duplicates,
    jitter: grid.jitter,
    gaps: grid.gaps,
    skipped: rows.skipped,
    skippedRows: rows.skippedRows,
  };
  return { series: grid.series, report };
}

/** The text after the BOM and Excel's `sep=` line, its delimiter, and the lines consumed before it. */
interface Preamble {
  body: string;
  delimiter: string;
  lineOffset: number;
}

/** Stage 1: the BOM, Excel's `sep=,` / `sep=;` line, or a `;` delimiter sniffed from the first line. */
function preamble(text: string, file: string): Preamble {
  let body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let lineOffset = 0;
  let delimiter = ",";
  const firstEnd = body.indexOf("\n");
  const firstLine = (firstEnd < 0 ? body : body.slice(0, firstEnd)).replace(/\r$/, "").replace(
    /^"(.*)"$/,
    "$1",
  );
  const sep = /^sep=(.)$/.exec(firstLine);
  if (sep) {
    delimiter = sep[1];
    body = firstEnd < 0 ? "" : body.slice(firstEnd + 1);
    lineOffset = 1;
  } else if (!firstLine.includes(",") && firstLine.includes(";")) {
    delimiter = ";";
  }
  if (body.trim() === "") {
    throw new SyntaxError(`Cannot parse ${file}: the file is empty, current value is ${text.length} bytes`);
  }
  return { body, delimiter, lineOffset };
}

/** The header row: where time, and (long layout) series name and value are. */
interface Header {
  header: string[];
  headerLine: number;
  timeIdx: number;
  layout: "wide" | "long";
  seriesIdx: number;
  valueIdx: number;
}

/** Stage 2: a header row (`undefined` when the row has no time column: a title line, maybe). */
function readHeader(row: string[], line: number, file: string): Header | undefined {
  const timeIdx = findTimeColumn(row);
  if (timeIdx < 0) return undefined;
  const header = row.map((h) => detached(h.trim()));
  const lower = header.map((h) => h.toLowerCase());
  if (header.length === 3 && lower.includes("series") && lower.includes("value")) {
    return {
      header,
      headerLine: line,
      timeIdx,
      layout: "long",
      seriesIdx: lower.indexOf("series"),
      valueIdx: lower.indexOf("value"),
    };
  }
  if (header.length < 2) {
    throw new SyntaxError(
      `Cannot parse ${file}:${line}: no value column next to the time column, current value is ` +
        JSON.stringify(header),
    );
  }
  return { header, headerLine: line, timeIdx, layout: "wide", seriesIdx: -1, valueIdx: -1 };
}

/**
 * A copy of a string that shares no memory with the text it was cut from. V8 keeps a substring as a slice of
 * its parent, so a series key taken from the header kept the whole file's text alive as long as the series:
 * 10 000 series from 2 GB of exports held 2 GB of text.
 */
function detached(s: string): string {
  return JSON.parse(JSON.stringify(s));
}

/** What the rows held: times and one column per header field (long layout: the values in column 0). */
interface Rows extends Header {
  times: Float64Array;
  cols: Float64Array[];
  count: number;
  /** Long layout: the series name of each row. */
  names: string[];
  blankLines: number;
  percentValues: number;
  missingValues: number;
  skipped: number;
  skippedRows: SkippedRow[];
}

/** Stage 3: the header, then every data row into typed columns (grown by doubling), bad rows thrown or counted. */
function readRows({ body, delimiter, lineOffset }: Preamble, file: string, onError: "throw" | "skip"): Rows {
  let head: Header | undefined;
  let pending: string[] | undefined; // a possible title line
  let capacity = 1024, count = 0, width = 0;
  let times = new Float64Array(capacity);
  let cols: Float64Array[] = [];
  const grow = () => {
    capacity *= 2;
    const t = new Float64Array(capacity);
    t.set(times);
    times = t;
    cols = cols.map((col) => {
      const c = new Float64Array(capacity);
      c.set(col);
      return c;
    });
  };
  const names: string[] = [];
  let blankLines = 0, percentValues = 0, missingValues = 0, skipped = 0;
  const skippedRows: SkippedRow[] = [];
  const fail = (line: number, reason: string) => {
    if (onError === "throw") throw new SyntaxError(`Cannot parse ${file}:${line}: ${reason}`);
    skipped++;
    if (skippedRows.length < 20) skippedRows.push({ line, reason });
  };

  dsvFormat(delimiter).parseRows(body, (row, index) => {
    const line = index + 1 + lineOffset;
    if (row.length === 1 && row[0].trim() === "") {
      blankLines++;
      return null;
    }
    if (!head) {
      head = readHeader(row, line, file);
      if (!head) {
        if (pending || index > 1) {
          throw new SyntaxError(
            `Cannot parse ${file}:${line}: no time column (a header named Time, time, timestamp or containing ` +
              `"time"), current value is ${JSON.stringify((pending ?? row).slice(0, 5))}`,
          );
        }
        pending = row; // a title line; the header should follow
        return null;
      }
      width = head.header.length;
      cols = head.header.map(() => new Float64Array(capacity));
      return null;
    }
    const { header, headerLine, timeIdx } = head;
    if (row.length !== width) {
      fail(line, `expected ${width} fields as in the header on line ${headerLine}, found ${row.length}`);
      return null;
    }
    const t = parseTime(row[timeIdx]);
    if (Number.isNaN(t)) {
      fail(line, `cannot read the time ${JSON.stringify(row[timeIdx])} in column "${header[timeIdx]}"`);
      return null;
    }
    if (head.layout === "long") {
      const v = parseCell(row[head.valueIdx]);
      if (v === undefined) {
        fail(
          line,
          `the value ${JSON.stringify(row[head.valueIdx])} is not a number, a percentage or a missing marker`,
        );
        return null;
      }
      if (count === capacity) grow();
      times[count] = t;
      names.push(row[head.seriesIdx]);
      if (isPercent(row[head.valueIdx])) percentValues++;
      else if (Number.isNaN(v)) missingValues++;
      cols[0][count++] = v;
      return null;
    }
    // Wide layout: a row only counts (count++) once every cell in it parsed.
    if (count === capacity) grow();
    let pct = 0, miss = 0;
    for (let c = 0; c < width; c++) {
      if (c === timeIdx) continue;
      const cell = row[c];
      const v = parseCell(cell);
      if (v === undefined) {
        fail(
          line,
          `the value ${JSON.stringify(cell)} in column "${
            header[c]
          }" is not a number, a percentage or a missing marker`,
        );
        return null;
      }
      if (isPercent(cell)) pct++;
      else if (v !== v) miss++;
      cols[c][count] = v;
    }
    percentValues += pct;
    missingValues += miss;
    times[count++] = t;
    return null;
  });

  if (!head) {
    throw new SyntaxError(
      `Cannot parse ${file}: no header row with a time column, current value is ${
        JSON.stringify((pending ?? []).slice(0, 5))
      }`,
    );
  }
  if (count === 0) {
    throw new SyntaxError(
      `Cannot parse ${file}: no data rows after the header on line ${head.headerLine}, current value is 0`,
    );
  }
  return {
    ...head,
    times,
    cols,
    count,
    names,
    blankLines,
    percentValues,
    missingValues,
    skipped,
    skippedRows,
  };
}

/** Series on their grids, with what snapping them there found. */
interface Gridded {
  series: Series[];
  duplicates: number;
  jitter: number;
  gaps: number;
}

/** Stage 4, wide layout: every value column on one grid. */
function wideSeries(
  rows: Rows,
  file: string,
  step: number | undefined,
  labelsOf: (key: string) => Record<string, string>,
): Gridded {
  const { header, timeIdx, times, cols, count } = rows;
  const valueCols = header.map((_, c) => c).filter((c) => c !== timeIdx);
  const grid = toGrid(times.subarray(0, count), valueCols.map((c) => cols[c].subarray(0, count)), {
    step,
    source: file,
  });
  const series = valueCols.map((c, k) => {
    const key = header[c] || `column${c + 1}`;
    return { key, labels: labelsOf(key), start: grid.start, step: grid.step, values: grid.columns[k] };
  });
  return { series, duplicates: grid.duplicates, jitter: grid.jitter, gaps: grid.gaps };
}

/** Stage 4, long layout ("series as rows"): each series name on a grid of its own. */
function longSeries(
  rows: Rows,
  file: string,
  step: number | undefined,
  labelsOf: (key: string) => Record<string, string>,
): Gridded {
  const { times, cols, names } = rows;
  const byName = new Map<string, number[]>();
  names.forEach((name, r) => {
    let list = byName.get(name);
    if (!list) byName.set(name, list = []);
    list.push(r);
  });
  const out: Gridded = { series: [], duplicates: 0, jitter: 0, gaps: 0 };
  for (const [key, list] of byName) {
    const grid = toGrid(
      Float64Array.from(list, (r) => times[r]),
      [Float64Array.from(list, (r) => cols[0][r])],
      { step, source: `${file} (series ${key})` },
    );
    out.duplicates += grid.duplicates;
    out.jitter += grid.jitter;
    out.gaps += grid.gaps;
    out.series.push({
      key: detached(key),
      labels: labelsOf(detached(key)),
      start: grid.start,
      step: grid.step,
      values: grid.columns[0],
    });
  }
  return out;
}
