import { dirname } from "node:path";
import type { Model } from "./schema.ts";

/**
 * Writes a model as JSON, atomically: to a temporary file beside the target, then renamed, so a crash never
 * leaves a half-written model where a good one was.
 *
 * @param model The model.
 * @param path Where to write it.
 * @returns Bytes written.
 * @example
 * ```ts ignore
 * await saveModel(model, "models/presence.json");
 * ```
 */
export async function saveModel(model: Model, path: string): Promise<number> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const text = JSON.stringify(model) + "\n";
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
