import type { Model } from "./schema.ts";
import { type LoadModelOptions, parseModel } from "./parse_model.ts";

/**
 * Reads and validates a model file (see {@link parseModel}); a missing or corrupt file is a clear error.
 *
 * @param path The model file.
 * @param options See {@link LoadModelOptions}.
 * @returns The model.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModel } from "./load_model.ts";
 * import { saveModel } from "./save_model.ts";
 * import { train } from "./train.ts";
 * import { generateCorpus } from "../synth/generate.ts";
 * const dir = await Deno.makeTempDir();
 * await saveModel(train(generateCorpus({ shards: 1, days: 20, aggregators: ["A"], seed: 3 }).series), `${dir}/m.json`);
 * const model = await loadModel(`${dir}/m.json`, { family: "presence" });
 * assert.equal(model.family, "presence");
 * await assert.rejects(loadModel(`${dir}/m.json`, { family: "other" }), RangeError);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadModel(path: string, options: LoadModelOptions = {}): Promise<Model> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new RangeError(`Cannot load model ${path}: ${(err as Error).message}, current value is "${path}"`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SyntaxError(`Cannot load model ${path}: not valid JSON (${(err as Error).message})`);
  }
  return parseModel(json, path, options);
}
