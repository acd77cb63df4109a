import { dirname } from "node:path";

/**
 * Writes a text file atomically: to a temporary file beside the target, then renamed over it, so a crash or a
 * full disk never leaves a half-written file where a good one was. Creates the directory if needed.
 *
 * @param path Where to write.
 * @param text The contents.
 * @returns Bytes written.
 */
export async function writeTextAtomic(path: string, text: string): Promise<number> {
  await Deno.mkdir(dirname(path) || ".", { recursive: true });
  const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.writeTextFile(tmp, text);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
  return new TextEncoder().encode(text).length;
}
