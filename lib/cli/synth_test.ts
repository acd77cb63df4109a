// Tests of the thin `synth` CLI command.
import assert from "node:assert/strict";
import { command } from "./synth.ts";

async function run(args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const log = console.log;
  console.log = (...parts: unknown[]) => out.push(parts.join(" "));
  try {
    return { code: await command.run(args), out };
  } finally {
    console.log = log;
  }
}

Deno.test("synth command writes the corpus and prints a one-line summary", async () => {
  const dir = await Deno.makeTempDir({ prefix: "synth_cli_" });
  try {
    const args = ["--out", dir, "--shards", "2", "--days", "3", "--step", "5m", "--seed", "3"];
    const { code, out } = await run([...args, "--end", "2026-01-01T00:00:00", "--no-recent", "--rate", "0"]);
    assert.equal(code, 0);
    assert.equal(out.length, 1);
    assert.match(
      out[0],
      new RegExp(`^synth: wrote 7 files to ${dir}: 12 series, 10368 points, 0 labels, \\d+ bytes`),
    );
    const json = JSON.parse(await Deno.readTextFile(`${dir}/labels.json`));
    assert.equal(json.generator.step, 300_000);
    assert.equal(json.generator.seed, 3);
    assert.equal(json.generator.end, "2026-01-01T00:00:00.000Z");
    assert.equal(json.generator.recent, false);
    assert.deepEqual(json.labels, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("synth command accepts steps as 1h, 5m, 60s, 1m or plain seconds", async () => {
  const cases: [string, number][] = [["1h", 3_600_000], ["5m", 300_000], ["60s", 60_000], ["1m", 60_000], [
    "900",
    900_000,
  ]];
  for (const [step, ms] of cases) {
    const dir = await Deno.makeTempDir({ prefix: "synth_cli_" });
    try {
      const { code } = await run(["--out", dir, "--shards", "1", "--days", "1", "--step", step]);
      assert.equal(code, 0);
      assert.equal(JSON.parse(await Deno.readTextFile(`${dir}/labels.json`)).generator.step, ms, step);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

Deno.test("synth command rejects bad flags with a clear message", async () => {
  const cases: [string[], string, string][] = [
    [[], "TypeError", 'Cannot run synth: --out DIR is required, current value is ""'],
    [
      ["--out", "x", "--step", "1x"],
      "TypeError",
      'Cannot parse --step: expected a duration like 1h, 5m, 60s or plain seconds, current value is "1x"',
    ],
    [
      ["--out", "x", "--shards", "two"],
      "TypeError",
      'Cannot parse --shards: expected an integer, current value is "two"',
    ],
    [
      ["--out", "x", "--days", ""],
      "TypeError",
      'Cannot parse --days: expected a number, current value is ""',
    ],
    [
      ["--out", "x", "--end", "yesterday"],
      "TypeError",
      'Cannot parse --end: expected an ISO date like 2026-11-24T00:00:00Z, current value is "yesterday"',
    ],
    [
      ["--out", "x", "--days=-1"],
      "RangeError",
      "Cannot generate corpus: days must be a positive number giving at least 2 points, current value is -1",
    ],
    [
      ["--out", "x", "--step", "2h"],
      "RangeError",
      "Cannot generate corpus: step must be an integer number of ms from 1000 (1 s) to 3600000 (1 h), current value is 7200000",
    ],
    [["--out", "x", "extra"], "TypeError", 'Cannot run synth: unexpected argument, current value is "extra"'],
  ];
  for (const [args, name, message] of cases) {
    await assert.rejects(run(args), { name, message }, args.join(" "));
  }
  await assert.rejects(run(["--out", "x", "--bogus"]), (err: Error) => {
    assert.equal(err.name, "TypeError");
    assert.match(err.message, /^Cannot parse flags: .*bogus/);
    return true;
  });
});
