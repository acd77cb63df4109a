import { writeTextAtomic } from "../_write_atomic.ts";
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
  return await writeTextAtomic(path, JSON.stringify(model) + "\n");
}
