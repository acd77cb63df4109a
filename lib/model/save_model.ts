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
 * ```ts
 * import assert from "node:assert/strict";
 * import { saveModel } from "./save_model.ts";
 * import { train } from "./train.ts";
 * import { generateCorpus } from "../synth/generate.ts";
 * const model = train(generateCorpus({ shards: 1, days: 20, aggregators: ["A"], seed: 3 }).series);
 * const dir = await Deno.makeTempDir();
 * const bytes = await saveModel(model, `${dir}/models/presence.json`);
 * assert.ok(bytes > 0 && JSON.parse(await Deno.readTextFile(`${dir}/models/presence.json`)).family === "presence");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function saveModel(model: Model, path: string): Promise<number> {
  return await writeTextAtomic(path, JSON.stringify(model) + "\n");
}
