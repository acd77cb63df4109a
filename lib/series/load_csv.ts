import { join } from "node:path";
import type { Series } from "./types.ts";
import { type CsvReport, parseGrafanaCsv, type ParseGrafanaCsvOptions } from "./parse_grafana_csv.ts";

/** Options for {@link loadCsv}: those of `parseGrafanaCsv` except the file name. */
export type LoadCsvOptions = Omit<ParseGrafanaCsvOptions, "file">;

/** Series from several CSV files, with one report per file. */
export interface LoadedCsv {
  /** All series, in file order then column order. */
  series: Series[];
  /** One report per file read. */
  reports: CsvReport[];
}

/**
 * Lists the CSV files named by `paths`: files as given, directories expanded to their `*.csv` files (sorted,
 * not recursive). A path that does not exist, or a directory with no CSV file, is a clear error.
 *
 * @param paths Files and directories.
 * @returns File paths.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { listCsvFiles } from "./load_csv.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/b.csv`, "Time,x\n0,1\n");
 * await Deno.writeTextFile(`${dir}/a.csv`, "Time,x\n0,1\n");
 * assert.ok((await listCsvFiles([dir])).map((f) => f.slice(dir.length)).join() === "/a.csv,/b.csv");
 * ```
 */
export async function listCsvFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch {
      throw new RangeError(`Cannot read ${path}: no such file or directory, current value is "${path}"`);
    }
    if (info.isDirectory) {
      const found: string[] = [];
      for await (const entry of Deno.readDir(path)) {
        if (entry.isFile && entry.name.toLowerCase().endsWith(".csv")) found.push(join(path, entry.name));
      }
      if (found.length === 0) {
        throw new RangeError(`Cannot read ${path}: the directory has no .csv file, current value is 0 files`);
      }
      files.push(...found.sort());
    } else {
      files.push(path);
    }
  }
  return files;
}

/**
 * Loads Grafana CSV exports (files or directories of `*.csv`) into {@link Series}.
 *
 * @param paths Files and directories.
 * @param options Parser options, applied to every file.
 * @returns The series and one report per file.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadCsv } from "./load_csv.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.csv`, "Time,x\n2026-01-01 00:00:00,1\n2026-01-01 00:01:00,2\n");
 * const { series } = await loadCsv([dir]);
 * assert.ok(series.length === 1 && series[0].step === 60_000);
 * ```
 */
export async function loadCsv(paths: string[], options: LoadCsvOptions = {}): Promise<LoadedCsv> {
  const series: Series[] = [];
  const reports: CsvReport[] = [];
  for (const file of await listCsvFiles(paths)) {
    const text = await Deno.readTextFile(file);
    const parsed = parseGrafanaCsv(text, { ...options, file });
    series.push(...parsed.series);
    reports.push(parsed.report);
  }
  return { series, reports };
}
