import assert from "node:assert/strict";
import { join } from "node:path";
import { loadModel } from "./load_model.ts";
import { parseModel } from "./parse_model.ts";
import { saveModel } from "./save_model.ts";
import { train } from "./train.ts";
import type { Model } from "./schema.ts";
import { generateCorpus } from "../synth/generate.ts";
import { detect } from "../detect/detect.ts";

const corpus = generateCorpus({ shards: 2, days: 40, aggregators: ["AggA", "AggB"], seed: 3 });
const model = train(corpus.series);
const copy = (): Model => JSON.parse(JSON.stringify(model));

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "load_model_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("saveModel() then loadModel() gives back the same model, which detects the same", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "nested", "presence.json"); // the directory is created
    const bytes = await saveModel(model, path);
    assert.equal(bytes, (await Deno.stat(path)).size);
    // Written atomically: no temporary file is left beside it.
    const names = [];
    for await (const e of Deno.readDir(join(dir, "nested"))) names.push(e.name);
    assert.deepEqual(names, ["presence.json"]);
    const loaded = await loadModel(path, { family: "presence" });
    assert.deepEqual(loaded, model);
    const a = detect(model, corpus.series), b = detect(loaded, corpus.series);
    assert.deepEqual(b, a);
    assert.ok(a.scored === 4);
  });
});

Deno.test("saveModel() replaces an existing model", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "m.json");
    await Deno.writeTextFile(path, "old junk");
    const other = { ...copy(), profile: "permissive" as const };
    await saveModel(other, path);
    assert.deepEqual(await loadModel(path), other);
  });
});

Deno.test("loadModel() reports a missing file", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "missing.json");
    await assert.rejects(() => loadModel(path), (err: Error) => {
      assert.ok(err instanceof RangeError);
      assert.ok(err.message.startsWith(`Cannot load model ${path}: `), err.message);
      assert.ok(err.message.endsWith(`current value is "${path}"`), err.message);
      return true;
    });
  });
});

Deno.test("loadModel() reports invalid JSON", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "bad.json");
    await Deno.writeTextFile(path, '{"schemaVersion": 1,');
    await assert.rejects(() => loadModel(path), {
      name: "SyntaxError",
      message: new RegExp(`^Cannot load model ${path.replaceAll(/[.\\/]/g, "\\$&")}: not valid JSON \\(`),
    });
  });
});

Deno.test("loadModel() reports an unsupported schema version", async () => {
  await inTempDir(async (dir) => {
    // A model from before the score became L / (L + digits): its thresholds mean something else.
    const path = join(dir, "v1.json");
    await Deno.writeTextFile(path, JSON.stringify({ ...copy(), schemaVersion: 1 }));
    await assert.rejects(() => loadModel(path), {
      name: "RangeError",
      message: `Cannot load model ${path}: schema version 1 is not supported (this version reads 2); ` +
        "retrain with `deno task train`, current value is 1",
    });
  });
});

Deno.test("loadModel() reports a corrupt field by its path", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "corrupt.json");
    const m = copy() as unknown as { families: { presence: { thresholds: { strict: unknown } } } };
    m.families.presence.thresholds.strict = "x";
    await Deno.writeTextFile(path, JSON.stringify(m));
    await assert.rejects(() => loadModel(path), (err: Error) => {
      assert.ok(err instanceof TypeError, String(err));
      assert.ok(
        err.message.startsWith(`Cannot load model ${path}: families.presence.thresholds.strict: `),
        err.message,
      );
      return true;
    });
  });
});

Deno.test("loadModel() refuses a model trained for another family", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "presence.json");
    await saveModel(model, path);
    await assert.rejects(() => loadModel(path, { family: "other" }), {
      name: "RangeError",
      message: `Cannot load model ${path}: it was trained for family "presence", not "other", ` +
        "current value is presence",
    });
  });
});

Deno.test("parseModel() rejects what is not a model, naming the file", () => {
  const cases: Array<{ name: string; json: unknown; error: { name: string; message: string | RegExp } }> = [
    {
      name: "an array",
      json: [1, 2],
      error: {
        name: "TypeError",
        message: "Cannot load model m.json: expected a JSON object, current value is [1,2]",
      },
    },
    {
      name: "null",
      json: null,
      error: {
        name: "TypeError",
        message: "Cannot load model m.json: expected a JSON object, current value is null",
      },
    },
    {
      name: "no schema version",
      json: { hello: 1 },
      error: {
        name: "RangeError",
        message: /^Cannot load model m\.json: schema version undefined is not supported/,
      },
    },
    {
      name: "a missing field",
      json: (() => {
        const m = copy() as Partial<Model>;
        delete m.trainedOn;
        return m;
      })(),
      error: { name: "TypeError", message: /^Cannot load model m\.json: trainedOn: / },
    },
    {
      name: "a calibration whose knots and probs differ in length",
      json: (() => {
        const m = copy();
        m.families.presence.calibration.flatline.probs.push(0.5);
        return m;
      })(),
      error: {
        name: "TypeError",
        message:
          /^Cannot load model m\.json: families\.presence\.calibration\.flatline.*knots and probs differ in length/,
      },
    },
    {
      name: "a family with no entry",
      json: { ...copy(), family: "nobody" },
      error: {
        name: "TypeError",
        message: 'Cannot load model m.json: family "nobody" has no entry in families',
      },
    },
  ];
  for (const { name, json, error } of cases) assert.throws(() => parseModel(json, "m.json"), error, name);
});

Deno.test("parseModel() counts further problems", () => {
  const m = copy() as unknown as Record<string, unknown>;
  m.createdAt = 5;
  m.generator = 6;
  assert.throws(() => parseModel(m, "m.json"), {
    name: "TypeError",
    message: /^Cannot load model m\.json: createdAt: .* \(and 1 more problems\)$/,
  });
});

Deno.test("parseModel() accepts the model with or without the family option", () => {
  assert.deepEqual(parseModel(copy(), "m.json"), model);
  assert.deepEqual(parseModel(copy(), "m.json", { family: "presence" }), model);
});

Deno.test("parseModel() refuses a rhythm_loss trained before the usual shape, saying to retrain", () => {
  const m: Model = JSON.parse(
    JSON.stringify(train(corpus.series, { detectors: ["robust_z", "rhythm_loss"] })),
  );
  assert.equal(typeof m.detectors.rhythm_loss?.days, "number");
  assert.doesNotThrow(() => parseModel(JSON.parse(JSON.stringify(m)), "m.json"));
  m.detectors.rhythm_loss = { window: 86_400_000 };
  assert.throws(() => parseModel(m, "m.json"), {
    name: "RangeError",
    message:
      /^Cannot load model m\.json: its rhythm_loss was trained before .*retrain with `deno task train`/,
  });
});
