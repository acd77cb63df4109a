import type { Series } from "../series/types.ts";
import { writeTextAtomic } from "../_write_atomic.ts";

/** The first 8 bytes of a history cache file. */
export const HISTORY_MAGIC = "GAHIST\r\n";
/** The format version a history cache file is written in; a file of another version is not read. */
export const HISTORY_VERSION = 1;

/** One series of a history cache file: its kept points, and how far the source has answered for it. */
export interface HistoryFileEntry {
  /** The kept points. */
  series: Series;
  /** The source has answered for this series up to here, epoch ms. */
  known: number;
}

/**
 * Writes a watch's kept series to one file, atomically: the magic `GAHIST\r\n`, the header's length (uint32,
 * little-endian) and 4 bytes of padding, the header (JSON: `{ version, fingerprint, littleEndian, series: [{key,
 * labels, start, step, known, length}] }`, padded with spaces to a multiple of 8 bytes), then each series'
 * values as float64 in the machine's byte order, one after the other. The values are written from the arrays
 * themselves, never gathered into one buffer.
 *
 * @param path The file.
 * @param entries The series to keep, with what the source has answered for them.
 * @param fingerprint What the series are of (the source and its template): a cache of another fleet or source is
 *   not read back.
 * @returns Bytes written.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeHistoryFile } from "./_write_history_file.ts";
 * const dir = await Deno.makeTempDir();
 * const series = { key: "a", labels: {}, start: 60_000, step: 60_000, values: new Float64Array([1, NaN]) };
 * const bytes = await writeHistoryFile(`${dir}/h.bin`, [{ series, known: 120_000 }], "fleet");
 * assert.equal(bytes, (await Deno.stat(`${dir}/h.bin`)).size);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeHistoryFile(
  path: string,
  entries: readonly HistoryFileEntry[],
  fingerprint: string,
): Promise<number> {
  const header = {
    version: HISTORY_VERSION,
    fingerprint,
    littleEndian: new Uint8Array(new Uint16Array([1]).buffer)[0] === 1,
    series: entries.map(({ series: s, known }) => ({
      key: s.key,
      labels: s.labels,
      start: s.start,
      step: s.step,
      known,
      length: s.values.length,
    })),
  };
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const prefix = new Uint8Array(16);
  prefix.set(new TextEncoder().encode(HISTORY_MAGIC));
  new DataView(prefix.buffer).setUint32(8, headerBytes.length, true);
  const chunks = [
    prefix,
    headerBytes,
    ...entries.map(({ series: s }) =>
      new Uint8Array(s.values.buffer, s.values.byteOffset, s.values.byteLength)
    ),
  ];
  return await writeTextAtomic(path, chunks);
}
