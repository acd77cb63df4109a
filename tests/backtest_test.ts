/**
 * `deno task backtest` end to end: the CLI as a subprocess on the sample corpus, its JSON and its page (and the
 * page in a real headless Chromium, when there is one).
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "./support/cli.ts";
import { openPage, requireOrSkip } from "./support/chromium.ts";

const DATA = new URL("../data", import.meta.url).pathname;

async function backtest(out: string) {
  return await runCli([
    "backtest",
    "--data",
    DATA,
    "--from",
    "-10d",
    "--interval",
    "1h",
    "--labels",
    join(DATA, "labels.json"),
    "--sweep",
    "5",
    "--out",
    out,
  ]);
}

Deno.test("deno task backtest writes the JSON and a self-contained page for both profiles and every minimum severity", async () => {
  const out = await Deno.makeTempDir({ prefix: "backtest_cli_" });
  try {
    const { code, stdout, stderr } = await backtest(out);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /backtest of 36\/36 series, 241 cycles every 60 min/);
    assert.match(stdout, /strict {5}min low .* alerts, .*\/day \(min \d+, median [\d.]+, max \d+\)/);
    const json = JSON.parse(await Deno.readTextFile(join(out, "backtest.json")));
    assert.deepEqual(json.profiles.map((p: { profile: string }) => p.profile), ["strict", "permissive"]);
    for (const p of json.profiles) {
      assert.deepEqual(Object.keys(p.minSeverity), ["low", "medium", "high"]);
      assert.equal(p.minSeverity.low.perDay.length, 10);
      assert.ok(p.minSeverity.low.detection.length > 0, "recall per kind with --labels");
    }
    assert.equal(json.sweep.length, 5);
    assert.equal(json.run.config.source, "replay");
    const html = await Deno.readTextFile(join(out, "backtest.html"));
    assert.ok(html.startsWith("<!DOCTYPE html>"));
    assert.equal(
      (html.match(/class="chart chart-alerts-per-day"/g) ?? []).length,
      2,
      "one chart per profile",
    );
    assert.ok(html.includes("chart-threshold-sweep"));
    assert.ok(!/(src|href)="https?:/.test(html), "no external requests");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test({
  name: "deno task backtest's page loads nothing and shows its charts in a real Chromium",
  ...requireOrSkip(),
  fn: async () => {
    const out = await Deno.makeTempDir({ prefix: "backtest_page_" });
    try {
      assert.equal((await backtest(out)).code, 0);
      const page = await openPage(join(out, "backtest.html"));
      assert.deepEqual(page.requests, []);
      assert.deepEqual(page.consoleErrors, []);
      assert.match(page.bodyText, /Profile strict/);
      assert.match(page.bodyText, /Alerts per day against the threshold/);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test("deno task backtest fails with one line naming a bad --from", async () => {
  const { code, stderr } = await runCli(["backtest", "--data", DATA, "--from", "yesterday-ish"]);
  assert.equal(code, 1);
  assert.match(stderr, /^error: Cannot .*--from.*yesterday-ish/);
});
