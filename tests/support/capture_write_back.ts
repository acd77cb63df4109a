/**
 * A write-back whose "carbon" keeps the lines in memory, for tests: the reference for what was written.
 *
 * @module
 */
import { openWriteBack, type WriteBack } from "../../lib/pipeline/write_back.ts";

/**
 * Opens the config's write-back (or one to a placeholder target) with a connection that keeps every line.
 *
 * @param config The config's `writeBack` section.
 * @returns The write-back and the lines it has written so far (complete lines only).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { captureWriteBack } from "./capture_write_back.ts";
 * import { parseConfig } from "../../lib/sources/config.ts";
 * const { wb, lines } = captureWriteBack(parseConfig({}, "inline"));
 * wb.writer.write(["a.b 1 60"]);
 * await wb.close(1000);
 * assert.deepEqual(lines, ["a.b 1 60"]);
 * ```
 */
export function captureWriteBack(
  config: Parameters<typeof openWriteBack>[0],
): { wb: WriteBack; lines: string[] } {
  const lines: string[] = [];
  const decoder = new TextDecoder();
  let partial = "";
  const wb = openWriteBack(config, {
    carbon: config.writeBack.carbon ?? "127.0.0.1:9",
    connect: () =>
      Promise.resolve({
        write(bytes: Uint8Array) {
          const parts = (partial + decoder.decode(bytes, { stream: true })).split("\n");
          partial = parts.pop()!;
          lines.push(...parts);
          return Promise.resolve(bytes.length);
        },
        close() {},
      }),
  })!;
  return { wb, lines };
}
