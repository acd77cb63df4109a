import assert from "node:assert/strict";
import { join } from "node:path";
import { trainFromSource } from "./train_from_source.ts";
import { parseConfig } from "../sources/config.ts";
import { generateCorpus } from "../synth/generate.ts";
import { writeCorpus } from "../synth/write_corpus.ts";

Deno.test("a config's timeZone reaches the model; an unknown one is refused with the field and what was expected", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const corpus = generateCorpus({
      seed: 4,
      shards: 2,
      days: 10,
      aggregators: ["A"],
      timeZone: "Europe/Berlin",
    });
    await writeCorpus(corpus, dir);
    const config = parseConfig({ source: "csv", data: [dir], timeZone: "Europe/Berlin" }, "watch.json");
    const { model } = await trainFromSource(config, { now: 0 });
    assert.equal(model.timeZone, "Europe/Berlin");
    // The flag wins over the config, as every other flag does.
    const { model: utc } = await trainFromSource(config, { now: 0, timeZone: "UTC" });
    assert.equal(utc.timeZone, undefined);
    assert.throws(
      () => parseConfig({ source: "csv", data: [join(dir, "x")], timeZone: "Berlin" }, "watch.json"),
      /^TypeError: Cannot read config watch\.json: timeZone: expected an IANA time zone such as Europe\/Berlin/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
