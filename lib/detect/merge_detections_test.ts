import assert from "node:assert/strict";
import { detect } from "./detect.ts";
import { mergeDetections } from "./merge_detections.ts";
import { train } from "../model/train.ts";
import { generateCorpus } from "../synth/generate.ts";

Deno.test("mergeDetections() of detect on parts, in any order, equals detect on the whole fleet", () => {
  const corpus = generateCorpus({ shards: 4, days: 30, aggregators: ["A", "B", "C"], seed: 6 });
  const model = train(corpus.series);
  // One series too short to score, so there is a note to place.
  const series = [...corpus.series, {
    ...corpus.series[0],
    key: "short",
    values: corpus.series[0].values.slice(0, 5),
  }];
  const options = { from: corpus.options.end - 3 * 86_400_000, keepScores: true };
  const whole = detect(model, series, options);
  assert.ok(whole.anomalies.length > 3 && whole.notes.length === 1, "something to merge");
  const parts = [series.slice(8), series.slice(0, 3), series.slice(3, 8)].map((p) =>
    detect(model, p, options)
  );
  const merged = mergeDetections(parts, series.map((s) => s.key));
  assert.deepEqual(JSON.stringify(merged), JSON.stringify(whole));
  assert.deepEqual([...merged.scores!.keys()], [...whole.scores!.keys()]);
  assert.equal(merged.scored, whole.scored);
});

Deno.test("mergeDetections() needs a part", () => {
  assert.throws(() => mergeDetections([], []), /^RangeError: Cannot merge detections: at least one part/);
});
