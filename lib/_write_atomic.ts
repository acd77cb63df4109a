import { dirname } from "node:path";

/**
 * Writes a file atomically: to a temporary file beside the target, then renamed over it, so a crash or a full
 * disk never leaves a half-written file where a good one was. Creates the directory if needed. The contents are
 * text, or binary chunks written one after the other (a large file is never gathered into one buffer).
 *
 * @param path Where to write.
 * @param contents Text, or byte chunks in order.
 * @returns Bytes written.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeTextAtomic } from "./_write_atomic.ts";
 * const dir = await Deno.makeTempDir();
 * assert.equal(await writeTextAtomic(`${dir}/a/b.txt`, "hé"), 3);
 * assert.equal(await writeTextAtomic(`${dir}/c.bin`, [new Uint8Array([1, 2]), new Uint8Array([3])]), 3);
 * assert.deepEqual([...await Deno.readFile(`${dir}/c.bin`)], [1, 2, 3]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeTextAtomic(
  path: string,
  contents: string | readonly Uint8Array[],
): Promise<number> {
  await Deno.mkdir(dirname(path) || ".", { recursive: true });
  const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  let bytes = 0;
  try {
    if (typeof contents === "string") {
      await Deno.writeTextFile(tmp, contents);
      bytes = new TextEncoder().encode(contents).length;
    } else {
      using file = await Deno.open(tmp, { write: true, createNew: true });
      for (const chunk of contents) {
        for (let at = 0; at < chunk.length;) at += await file.write(chunk.subarray(at));
        bytes += chunk.length;
      }
    }
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
  return bytes;
}
