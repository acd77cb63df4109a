import { type Model, ModelSchema, SCHEMA_VERSION } from "./schema.ts";

/** Options for {@link parseModel} and {@link loadModel}. */
export interface LoadModelOptions {
  /** When given, a model trained for another family is an error. @default undefined */
  family?: string;
}

/**
 * Validates a parsed model: the schema version must be one this code reads, the shape must match the schema,
 * and (optionally) the family must be the one asked for. Every failure names the file and what was wrong.
 *
 * @param json The parsed JSON.
 * @param file The file name, for messages.
 * @param options See {@link LoadModelOptions}.
 * @returns The model.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseModel } from "./parse_model.ts";
 * let message = "";
 * try { parseModel({ schemaVersion: 99 }, "m.json"); } catch (e) { message = (e as Error).message; }
 * assert.ok(message.includes("schema version 99"));
 * ```
 */
export function parseModel(json: unknown, file: string, options: LoadModelOptions = {}): Model {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new TypeError(
      `Cannot load model ${file}: expected a JSON object, current value is ${
        JSON.stringify(json)?.slice(0, 40)
      }`,
    );
  }
  const version = (json as Record<string, unknown>).schemaVersion;
  if (version !== SCHEMA_VERSION) {
    throw new RangeError(
      `Cannot load model ${file}: schema version ${
        JSON.stringify(version)
      } is not supported (this version reads ` +
        `${SCHEMA_VERSION}); retrain with \`deno task train\`, current value is ${JSON.stringify(version)}`,
    );
  }
  const parsed = ModelSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(
      `Cannot load model ${file}: ${issue.path.join(".") || "(root)"}: ${issue.message}` +
        (parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : ""),
    );
  }
  const model = parsed.data;
  if (!model.families[model.family]) {
    throw new TypeError(`Cannot load model ${file}: family "${model.family}" has no entry in families`);
  }
  const rhythm = model.detectors.rhythm_loss;
  if (rhythm && typeof rhythm.days !== "number") {
    throw new RangeError(
      `Cannot load model ${file}: its rhythm_loss was trained before the detector read the usual daily shape ` +
        `of the last 14 days (detectors.rhythm_loss has no "days"); retrain with \`deno task train\`, current value ` +
        `is ${JSON.stringify(rhythm)}`,
    );
  }
  if (options.family && options.family !== model.family) {
    throw new RangeError(
      `Cannot load model ${file}: it was trained for family "${model.family}", not "${options.family}", ` +
        `current value is ${model.family}`,
    );
  }
  return model;
}
