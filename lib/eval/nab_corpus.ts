/**
 * Reading the Numenta Anomaly Benchmark (NAB) corpus: `data/<category>/<file>.csv` plus a labels JSON.
 *
 * @module
 */

import { join } from "node:path";

/**
 * One NAB data file with its labelled anomaly windows.
 *
 * Rows keep the file's order: NAB timestamps are not always evenly spaced and a few real files even repeat or
 * step back in time (daylight-saving artefacts), so this is not a `Series` grid.
 */
export interface NabFile {
  /** `"<category>/<file>.csv"`, the key used in the labels JSON. */
  name: string;
  /** One timestamp per row, epoch milliseconds UTC, in file order. */
  timestamps: Float64Array;
  /** One value per row; `NaN` for an empty cell. */
  values: Float64Array;
  /** Anomaly windows `[start, end]`, epoch milliseconds UTC, both inclusive, sorted and disjoint. */
  windows: Array<[number, number]>;
}

/**
 * Reads every `<category>/<file>.csv` under `dataDir` with its windows from `labelsFile`, sorted by name.
 *
 * Timestamps `YYYY-MM-DD HH:MM:SS` (optionally with fractional seconds, as in the labels) are read as UTC. Every data
 * file must have an entry in the labels (an empty list when it has no anomaly); label entries without a data file are
 * ignored so a subset of the corpus can share the full labels file.
 *
 * @param dataDir The NAB `data` directory, holding one folder per category.
 * @param labelsFile The windows JSON, e.g. `labels/combined_windows.json`.
 * @returns The files sorted by name.
 * @throws {SyntaxError} A row with the wrong number of fields, a bad timestamp, a non-numeric value, or a malformed
 *   labels file; the message names the file and line (or label entry).
 * @throws {RangeError} A data file with no labels entry, or windows out of order.
 *
 * @example Read a one-file corpus
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { readNabCorpus } from "./nab_corpus.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(join(dir, "data", "cat"), { recursive: true });
 * await Deno.writeTextFile(
 *   join(dir, "data", "cat", "a.csv"),
 *   "timestamp,value\n2014-04-01 00:00:00,1.5\n2014-04-01 00:05:00,\n",
 * );
 * await Deno.writeTextFile(
 *   join(dir, "labels.json"),
 *   JSON.stringify({ "cat/a.csv": [["2014-04-01 00:05:00.000000", "2014-04-01 00:05:00.000000"]] }),
 * );
 * const [file] = await readNabCorpus(join(dir, "data"), join(dir, "labels.json"));
 * assert.equal(file.name, "cat/a.csv");
 * assert.deepEqual([...file.timestamps], [Date.UTC(2014, 3, 1, 0, 0), Date.UTC(2014, 3, 1, 0, 5)]);
 * assert.deepEqual([...file.values], [1.5, NaN]);
 * assert.deepEqual(file.windows, [[Date.UTC(2014, 3, 1, 0, 5), Date.UTC(2014, 3, 1, 0, 5)]]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readNabCorpus(dataDir: string, labelsFile: string): Promise<NabFile[]> {
  const labels = parseLabels(labelsFile, await Deno.readTextFile(labelsFile));
  const names: string[] = [];
  for await (const category of Deno.readDir(dataDir)) {
    if (!category.isDirectory) continue;
    for await (const entry of Deno.readDir(join(dataDir, category.name))) {
      if (entry.isFile && entry.name.endsWith(".csv")) names.push(`${category.name}/${entry.name}`);
    }
  }
  names.sort();
  const files: NabFile[] = [];
  for (const name of names) {
    const windows = labels.get(name);
    if (windows === undefined) {
      throw new RangeError(
        `Cannot read NAB corpus: data file has no entry in ${labelsFile}, current value is "${name}"`,
      );
    }
    const path = join(dataDir, ...name.split("/"));
    const { timestamps, values } = parseNabCsv(path, await Deno.readTextFile(path));
    files.push({ name, timestamps, values, windows });
  }
  return files;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses `YYYY-MM-DD HH:MM:SS[.ffffff]` as UTC; `NaN` when malformed or not a real date. */
function parseUtc(text: string): number {
  const m = TIMESTAMP.exec(text);
  if (m === null) return NaN;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  const t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const d = new Date(t);
  const valid = d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day &&
    d.getUTCHours() === hour && d.getUTCMinutes() === minute && d.getUTCSeconds() === second;
  return valid ? t : NaN;
}

function parseNabCsv(path: string, text: string): { timestamps: Float64Array; values: Float64Array } {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const header = lines[0]?.replace(/^\uFEFF/, "").trim();
  if (header !== "timestamp,value") {
    throw new SyntaxError(
      `Cannot parse NAB file ${path}: line 1 must be the header "timestamp,value", current value is "${header}"`,
    );
  }
  const n = lines.length - 1;
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const line = lines[i + 1];
    const lineNo = i + 2;
    const fields = line.split(",");
    if (fields.length !== 2) {
      throw new SyntaxError(
        `Cannot parse NAB file ${path} line ${lineNo}: expected 2 fields, current value is "${line}"`,
      );
    }
    const t = parseUtc(fields[0].trim());
    if (Number.isNaN(t)) {
      throw new SyntaxError(
        `Cannot parse NAB file ${path} line ${lineNo}: bad timestamp (want YYYY-MM-DD HH:MM:SS), current value is "${
          fields[0]
        }"`,
      );
    }
    const cell = fields[1].trim();
    let v = NaN;
    if (cell !== "") {
      v = NUMBER.test(cell) ? Number(cell) : NaN;
      if (!Number.isFinite(v)) {
        throw new SyntaxError(
          `Cannot parse NAB file ${path} line ${lineNo}: value is not a number, current value is "${
            fields[1]
          }"`,
        );
      }
    }
    timestamps[i] = t;
    values[i] = v;
  }
  return { timestamps, values };
}

function parseLabels(path: string, text: string): Map<string, Array<[number, number]>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SyntaxError(
      `Cannot parse NAB labels ${path}: ${(err as Error).message}, current value is invalid JSON`,
    );
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new SyntaxError(
      `Cannot parse NAB labels ${path}: expected an object of file name to windows, current value is ${
        Array.isArray(json) ? "an array" : typeof json
      }`,
    );
  }
  const out = new Map<string, Array<[number, number]>>();
  for (const [name, list] of Object.entries(json)) {
    if (!Array.isArray(list)) {
      throw new SyntaxError(
        `Cannot parse NAB labels ${path} entry "${name}": expected a list of windows, current value is ${
          JSON.stringify(list)
        }`,
      );
    }
    const windows: Array<[number, number]> = [];
    for (const [k, pair] of list.entries()) {
      const ok = Array.isArray(pair) && pair.length === 2 && pair.every((s) => typeof s === "string");
      const start = ok ? parseUtc(pair[0].trim()) : NaN;
      const end = ok ? parseUtc(pair[1].trim()) : NaN;
      if (Number.isNaN(start) || Number.isNaN(end)) {
        throw new SyntaxError(
          `Cannot parse NAB labels ${path} entry "${name}" window ${k}: expected ["YYYY-MM-DD HH:MM:SS", ...], ` +
            `current value is ${JSON.stringify(pair)}`,
        );
      }
      if (end < start || (windows.length > 0 && start <= windows[windows.length - 1][1])) {
        throw new RangeError(
          `Cannot read NAB labels ${path} entry "${name}" window ${k}: windows must be ordered, disjoint and ` +
            `end after start, current value is ${JSON.stringify(pair)}`,
        );
      }
      windows.push([start, end]);
    }
    out.set(name, windows);
  }
  return out;
}
