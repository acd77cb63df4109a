import type { Model } from "./schema.ts";
import { type LoadModelOptions, parseModel } from "./parse_model.ts";

/**
 * Reads and validates a model file (see {@link parseModel}); a missing or corrupt file is a clear error.
 *
 * @param path The model file.
 * @param options See {@link LoadModelOptions}.
 * @returns The model.
 * @example
 * ```ts ignore
 * const model = await loadModel("models/presence.json", { family: "presence" });
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
