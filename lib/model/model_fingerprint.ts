import type { Model } from "./schema.ts";

/**
 * A model's fingerprint: the first 16 hex digits of the SHA-256 of its JSON, so the partitions of one fleet can
 * show they scored with the same model and a merge refuses parts that did not (a model file trained again has
 * another `createdAt`, hence another fingerprint).
 *
 * @param model The model (as loaded: `loadModel` of the same file gives the same fingerprint everywhere).
 * @returns 16 lowercase hex digits.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { modelFingerprint } from "./model_fingerprint.ts";
 * import { train } from "./train.ts";
 * import { generateCorpus } from "../synth/generate.ts";
 * const model = train(generateCorpus({ shards: 1, days: 20, aggregators: ["A"], seed: 3 }).series);
 * const print = await modelFingerprint(model);
 * assert.match(print, /^[0-9a-f]{16}$/);
 * assert.notEqual(await modelFingerprint({ ...model, createdAt: "2020-01-01T00:00:00.000Z" }), print);
 * ```
 */
export async function modelFingerprint(model: Model): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(model)));
  return [...new Uint8Array(digest, 0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
