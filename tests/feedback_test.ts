/**
 * End-to-end: operators' feedback through the CLI. A nightly batch bump at 02:00 (about 4× for 20 minutes,
 * every night for a week) on one series; one occurrence is marked not anomalous with `deno task feedback`; the
 * next `deno task detect` no longer reports the later occurrences, still finds a spike of another shape on the
 * same series at another time, and finds every labelled anomaly it found before.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "./support/cli.ts";
import { generateCorpus } from "../lib/synth/generate.ts";
import { writeCorpus } from "../lib/synth/write_corpus.ts";
import type { Anomaly } from "../lib/detect/types.ts";

const MIN = 60_000, H = 60 * MIN, D = 24 * H, STEP = 5 * MIN;

Deno.test("deno task feedback: a nightly bump marked normal once is not reported again; other anomalies are", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "feedback-" });
  try {
    const corpus = generateCorpus({ shards: 2, days: 28, step: STEP, seed: 31 });
    const end = corpus.options.end;
    const s = corpus.series[0];
    const at = (t: number) => Math.round((t - s.start) / STEP);
    // The bump: the last 7 nights, 02:00–02:15 (four 5-minute points), about 4× (3.6–4.4).
    const firstNight = Math.floor((end - 7 * D) / D) * D;
    const nights = Array.from({ length: 7 }, (_, k) => firstNight + k * D + 2 * H);
    nights.forEach((t, k) => {
      for (let j = 0; j < 4; j++) s.values[at(t) + j] *= 3.6 + 0.8 * ((k * 7 + j * 3) % 5) / 4;
    });
    // Another shape on the same series at another time: 12× for 10 minutes at 14:00 on the last day.
    const spikeAt = Math.floor((end - D) / D) * D + 14 * H;
    for (let j = 0; j < 2; j++) s.values[at(spikeAt) + j] *= 12;
    const data = join(tmp, "data");
    await writeCorpus(corpus, data);
    const config = join(tmp, "config.json");
    await Deno.writeTextFile(
      config,
      JSON.stringify({ source: "csv", data: [data], feedback: join(tmp, "feedback.jsonl") }),
    );
    const window = ["--from", new Date(firstNight).toISOString()];
    const detect = async (out: string) => {
      const run = await runCli(["detect", "--config", config, ...window, "--out", out]);
      assert.equal(run.code, 0, run.stderr);
      return JSON.parse(await Deno.readTextFile(out)) as { anomalies: Anomaly[]; run: unknown };
    };
    const onNight = (a: Anomaly, t: number) =>
      a.series === s.key && a.start <= t + 20 * MIN && a.end >= t - 10 * MIN;
    const before = await detect(join(tmp, "before.json"));
    const bumps = nights.map((t) => before.anomalies.find((a) => onNight(a, t)));
    assert.ok(
      bumps[0],
      `the first night's bump is reported: ${
        before.anomalies.filter((a) => a.series === s.key).map((a) => new Date(a.start).toISOString())
      }`,
    );
    const later = bumps.slice(1).filter((b) => b !== undefined);
    assert.ok(later.length >= 3, `later bumps reported without feedback: ${later.length}`);

    // An operator marks the first night's bump as normal behaviour.
    const mark = await runCli([
      "feedback",
      "--config",
      config,
      "--not-anomalous",
      bumps[0]!.id,
      "--reason",
      "nightly batch",
      "--by",
      "ops",
      "--anomalies",
      join(tmp, "before.json"),
    ], { allowEnv: ["USER", "LOGNAME"] });
    assert.equal(mark.code, 0, mark.stderr);
    assert.match(mark.stdout, /^fb-\w+: not anomalous a-\w{11} \(1 span\)/);
    const list = await runCli(["feedback", "--config", config, "--list"], { allowEnv: ["USER", "LOGNAME"] });
    assert.match(list.stdout, new RegExp(`not_anomalous  ${bumps[0]!.id}  by ops at .*nightly batch`));

    const after = await detect(join(tmp, "after.json"));
    const again = later.filter((b) => after.anomalies.some((a) => onNight(a, b!.start)));
    assert.ok(
      again.length <= Math.floor(0.1 * later.length),
      `${again.length} of ${later.length} later bumps still reported`,
    );
    const out = JSON.parse(await Deno.readTextFile(join(tmp, "after.json")));
    assert.ok(out.run.dismissed >= later.length, `dismissed ${out.run.dismissed}`);
    // The spike of another shape is still found.
    assert.ok(
      after.anomalies.some((a) => a.series === s.key && a.start <= spikeAt + 10 * MIN && a.end >= spikeAt),
      "the 14:00 spike",
    );
    // Every labelled anomaly found before is found after.
    const found = (res: { anomalies: Anomaly[] }) =>
      corpus.labels.filter((l) =>
        l.end >= firstNight &&
        res.anomalies.some((a) => a.series === l.series && a.start <= l.end + 6 * H && a.end >= l.start - H)
      ).length;
    assert.equal(found(after), found(before));

    // Withdrawn, the decision no longer applies.
    const decisionId = mark.stdout.split(":")[0];
    const undo = await runCli(["feedback", "--config", config, "--undo", decisionId], {
      allowEnv: ["USER", "LOGNAME"],
    });
    assert.equal(undo.code, 0, undo.stderr);
    const undone = await detect(join(tmp, "undone.json"));
    assert.equal(
      undone.anomalies.filter((a) => nights.some((t) => onNight(a, t))).length,
      bumps.filter(Boolean).length,
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
