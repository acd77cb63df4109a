import { HISTORY_MAGIC, HISTORY_VERSION, type HistoryFileEntry } from "./_write_history_file.ts";

/** What {@link readHistoryFile} found: the entries, or why there are none. */
export interface HistoryFileRead {
  /** The kept series by key (empty when there is no file, or it cannot be used). */
  entries: Map<string, HistoryFileEntry>;
  /** Why a file that exists could not be used (corrupt, another version, another fleet). @default undefined */
  warning?: string;
}

/**
 * Reads a history cache file written by `writeHistoryFile`, checking everything before anything is used: the
 * magic, the format version, the byte order, the fingerprint, each series' header fields, and that the file
 * holds exactly the values the header announces. A missing file is no entries and no warning (a first start);
 * any other problem is no entries and a warning (the caller fetches the whole range), never an exception and
 * never half a cache. Each series gets an array of its own (no view into one large buffer).
 *
 * @param path The file.
 * @param fingerprint What the series must be of (as written).
 * @returns The entries, or none with a warning.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readHistoryFile } from "./_read_history_file.ts";
 * import { writeHistoryFile } from "./_write_history_file.ts";
 * const dir = await Deno.makeTempDir();
 * const series = { key: "a", labels: { m: "x" }, start: 60_000, step: 60_000, values: new Float64Array([1, NaN]) };
 * await writeHistoryFile(`${dir}/h.bin`, [{ series, known: 120_000 }], "fleet");
 * const { entries, warning } = await readHistoryFile(`${dir}/h.bin`, "fleet");
 * assert.equal(warning, undefined);
 * assert.deepEqual([...entries.get("a")!.series.values], [1, NaN]);
 * assert.match((await readHistoryFile(`${dir}/h.bin`, "other")).warning!, /another source or fleet/);
 * assert.equal((await readHistoryFile(`${dir}/none.bin`, "fleet")).warning, undefined);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readHistoryFile(path: string, fingerprint: string): Promise<HistoryFileRead> {
  const none = (detail: string, value: unknown): HistoryFileRead => ({
    entries: new Map(),
    warning:
      `Cannot read the history cache ${path}: ${detail}, current value is ${value}; fetching the whole range`,
  });
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { entries: new Map() };
    return none("it cannot be opened", (err as Error).message);
  }
  try {
    const size = (await file.stat()).size;
    const prefix = new Uint8Array(16);
    if (size < 16 || !(await readFull(file, prefix))) {
      return none("too short for its header", `${size} bytes`);
    }
    const magic = new TextDecoder().decode(prefix.subarray(0, 8));
    if (magic !== HISTORY_MAGIC) return none("not a history cache file", JSON.stringify(magic));
    const headerLength = new DataView(prefix.buffer).getUint32(8, true);
    if (headerLength % 8 || 16 + headerLength > size) return none("its header length is wrong", headerLength);
    const headerBytes = new Uint8Array(headerLength);
    if (!(await readFull(file, headerBytes))) return none("its header is cut short", `${size} bytes`);
    let header: {
      version?: unknown;
      fingerprint?: unknown;
      littleEndian?: unknown;
      series?: unknown;
    };
    try {
      header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(headerBytes));
    } catch (err) {
      return none("its header is not JSON", (err as Error).message);
    }
    if (header?.version !== HISTORY_VERSION) {
      return none(
        `written in format version ${header?.version}, this version reads ${HISTORY_VERSION}`,
        header?.version,
      );
    }
    const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    if (header.littleEndian !== littleEndian) {
      return none("written in another byte order", header.littleEndian);
    }
    if (header.fingerprint !== fingerprint) {
      return none(
        `written for another source or fleet (${fingerprint} now)`,
        JSON.stringify(header.fingerprint),
      );
    }
    if (!Array.isArray(header.series)) return none("its header lists no series", typeof header.series);
    const metas = header.series as Record<string, unknown>[];
    let total = 0;
    for (const m of metas) {
      const ok = m && typeof m.key === "string" && isLabels(m.labels) && Number.isFinite(m.start) &&
        Number.isFinite(m.step) && (m.step as number) > 0 && (Number.isFinite(m.known) || m.known === null) &&
        Number.isInteger(m.length) && (m.length as number) >= 0;
      if (!ok) return none("a series' header is malformed", JSON.stringify(m).slice(0, 200));
      total += m.length as number;
    }
    if (16 + headerLength + 8 * total !== size) {
      return none(`it should hold ${total} values after its header`, `${size} bytes`);
    }
    const entries = new Map<string, HistoryFileEntry>();
    for (const m of metas) {
      const values = new Float64Array(m.length as number);
      if (!(await readFull(file, new Uint8Array(values.buffer)))) {
        return none("its values are cut short", size);
      }
      entries.set(m.key as string, {
        series: {
          key: m.key as string,
          labels: m.labels as Record<string, string>,
          start: m.start as number,
          step: m.step as number,
          values,
        },
        known: (m.known as number | null) ?? -Infinity,
      });
    }
    return { entries };
  } catch (err) {
    return none("it cannot be read", (err as Error).message);
  } finally {
    file.close();
  }
}

/** Reads exactly `into.length` bytes; false at the end of the file before that. */
async function readFull(file: Deno.FsFile, into: Uint8Array): Promise<boolean> {
  for (let at = 0; at < into.length;) {
    const n = await file.read(into.subarray(at));
    if (n === null) return false;
    at += n;
  }
  return true;
}

function isLabels(x: unknown): boolean {
  return typeof x === "object" && x !== null && !Array.isArray(x) &&
    Object.values(x).every((v) => typeof v === "string");
}
