/**
 * End-to-end tests of the command line: real `deno run lib/cli/main.ts` processes on real files.
 */
import assert from "node:assert/strict";
import { runCli } from "./support/cli.ts";
import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const NAB = join(ROOT, "..", "shared", "nab");

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

const cli = (...args: string[]) => runCli(args);

const AGG = "ProbeTablesAggregator.node_tag_cmx_probe_hll_hour";
const key = (m: string) => `statsd.${m}.gauges.aggregator.agg_length_behind_ratio.${AGG}`;

Deno.test("inspect --json reads Grafana exports with a sep line, percentages and empty cells", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const rows = ["sep=,", `"Time","${key("n200-primary-meraki-com")}","${key("n201-primary-meraki-com")}"`];
    for (let h = 0; h < 48; h++) {
      const t = new Date(Date.UTC(2026, 5, 1, h)).toISOString().slice(0, 19).replace("T", " ");
      rows.push(`${t},${h % 4 === 0 ? "" : `${(h / 10).toFixed(1)}%`},${h < 12 ? "" : "0.25"}`);
    }
    await Deno.writeTextFile(join(dir, "excel.csv"), rows.join("\n") + "\n");
    const epoch = ["timestamp,web.cpu"];
    for (let i = 0; i < 10; i++) epoch.push(`${Date.UTC(2026, 5, 1) / 1000 + i * 10},${i}`);
    await Deno.writeTextFile(join(dir, "plain.csv"), epoch.join("\n") + "\n");

    const { code, stdout, stderr } = await cli("inspect", "--json", dir);
    assert.equal(code, 0, stderr);
    const got = JSON.parse(stdout);
    assert.equal(got.length, 3);
    const [a, b, c] = got;
    assert.deepEqual(a.labels, { machine: "n200-primary-meraki-com", aggregator: AGG });
    assert.equal(a.start, Date.UTC(2026, 5, 1));
    assert.equal(a.step, 3_600_000);
    assert.equal(a.points, 48);
    assert.equal(a.valid_pct, 36 / 48);
    assert.ok(Math.abs(a.max - 0.047) < 1e-12, `percent scale: max ${a.max}`);
    assert.equal(b.valid_pct, 36 / 48);
    assert.equal(b.min, 0.25);
    assert.deepEqual(c.labels, {});
    assert.equal(c.key, "web.cpu");
    assert.equal(c.step, 10_000);
    assert.equal(c.valid_pct, 1);
    assert.match(stderr, /excel\.csv: 48 rows, 36 percentages, 24 missing/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("inspect prints a table with one row per series", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      join(dir, "a.csv"),
      `Time,${
        key("n205-primary-meraki-com")
      }\n2026-01-01 00:00:00,1\n2026-01-01 00:01:00,2\n2026-01-01 00:02:00,3\n`,
    );
    const { code, stdout } = await cli("inspect", join(dir, "a.csv"));
    assert.equal(code, 0);
    const lines = stdout.trim().split("\n");
    assert.equal(lines.length, 3);
    assert.match(
      lines[0],
      /^key\s+machine\s+aggregator\s+points\s+step\s+from\s+to\s+valid\s+min\s+p50\s+p95\s+max$/,
    );
    assert.match(
      lines[2],
      /n205-primary-meraki-com\s+ProbeTablesAggregator\.node_tag_cmx_probe_hll_hour\s+3\s+1m\s+2026-01-01 00:00\s+2026-01-01 00:02\s+100\.0%\s+1\s+2\s+2\.9\s+3$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("inspect on a malformed file exits 1 with one line naming file and line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "broken.csv");
    await Deno.writeTextFile(file, "sep=,\nTime,a\n2026-01-01 00:00:00,1\n2026-01-01 00:01:00,oops\n");
    const { code, stdout, stderr } = await cli("inspect", file);
    assert.equal(code, 1);
    assert.equal(stdout, "");
    assert.equal(
      stderr,
      `error: Cannot parse ${file}:4: the value "oops" in column "a" is not a number, a percentage or a missing marker\n`,
    );
    const skipped = await cli("inspect", "--skip-bad-rows", "--json", file);
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.match(skipped.stderr, /1 bad rows skipped \(first at line 4\)/);
    const missing = await cli("inspect", join(dir, "nope.csv"));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error: Cannot read .*nope\.csv: no such file or directory/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every command answers --help; unknown commands and flags fail with one line", async () => {
  for (
    const name of [
      "report",
      "inspect",
      "synth",
      "train",
      "detect",
      "hydrate",
      "eval",
      "nab",
      "watch",
      "dashboard",
      "feedback",
      "backtest",
      "merge",
    ]
  ) {
    const { code, stdout } = await cli(name, "--help");
    assert.equal(code, 0, name);
    assert.match(stdout, /^Usage: deno task /, name);
  }
  const unknown = await cli("frobnicate");
  assert.equal(unknown.code, 1);
  assert.match(
    unknown.stderr,
    /^error: unknown command "frobnicate"; known: report, inspect, synth, train, detect, hydrate, eval, nab, watch, dashboard, feedback, backtest, merge\n$/,
  );
  const badFlag = await cli("inspect", "--nope", "x.csv");
  assert.equal(badFlag.code, 1);
  assert.match(badFlag.stderr, /^error: Cannot parse flags: .*--nope/);
  assert.equal(badFlag.stderr.trim().split("\n").length, 1);
});

Deno.test("detect --cache is refused in one line where a cache cannot follow the clock", async () => {
  const live = ["--source", "graphite", "--url", "http://127.0.0.1:9", "--model", "m.json", "--cache", "c"];
  const until = await cli("detect", ...live, "--until", "now-1h");
  assert.equal(until.code, 1);
  assert.equal(
    until.stderr,
    'error: Cannot use --cache c: --until ends the window before the clock, and the cache follows the clock; run without it, current value is "c"\n',
  );
  const files = await cli("detect", "--csv", join(ROOT, "data"), "--cache", "c");
  assert.equal(files.code, 1);
  assert.match(files.stderr, /^error: Cannot use --cache c: the csv source reads its files whole every run;/);
});

Deno.test("train then detect on the sample corpus finds the labelled anomalies of the last 24 h", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = join(dir, "models", "presence.json");
    const trained = await cli("train", "--data", join(ROOT, "data"), "--out", model);
    assert.equal(trained.code, 0, trained.stderr);
    assert.match(trained.stdout, /^trained presence on 36 series, 157248 points/);
    const out = join(dir, "anomalies.json");
    const lastDay = ["--model", model, "--csv", join(ROOT, "data"), "--from", "now-24h"];
    const detected = await cli("detect", ...lastDay, "--out", out);
    assert.equal(detected.code, 0, detected.stderr);
    const { run, anomalies } = JSON.parse(await Deno.readTextFile(out));
    assert.deepEqual([run.asked, run.answered, run.failed, run.scored], [36, 36, 0, 36]);
    assert.equal(run.window.until, "2026-11-23T23:00:00.000Z");
    const { labels } = JSON.parse(await Deno.readTextFile(join(ROOT, "data", "labels.json")));
    const end = Date.parse("2026-11-24T00:00:00Z");
    const recent = labels.filter((l: { end: string }) => Date.parse(l.end) >= end - 86_400_000);
    assert.ok(recent.length >= 3, "the sample plants several anomalies in its last day");
    for (const l of recent) {
      const hit = anomalies.find((a: { series: string; start: number; end: number }) =>
        a.series === l.series && a.start <= Date.parse(l.end) + 6 * 3_600_000 &&
        a.end >= Date.parse(l.start) - 3_600_000
      );
      assert.ok(hit, `${l.kind} on ${l.machine} ${l.aggregator} at ${l.start} was not found`);
      for (const field of ["machine", "aggregator", "timestamp", "severity", "score", "reasons"]) {
        assert.ok(field in hit, `record has ${field}`);
      }
      assert.equal(hit.timestamp, new Date(hit.start).toISOString());
    }
    assert.ok(
      anomalies.length <= recent.length + 2,
      `few false events: ${anomalies.length} for ${recent.length} labels`,
    );
    // On worker threads (the config's workers), the same anomalies.
    const config = join(dir, "workers.json");
    await Deno.writeTextFile(config, JSON.stringify({ workers: 2 }));
    const pooled = join(dir, "pooled.json");
    const again = await cli("detect", "--config", config, ...lastDay, "--out", pooled);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(pooled)).anomalies, anomalies);
    // A corrupt model is one clear line, and the earlier output is left alone.
    await Deno.writeTextFile(model, '{"schemaVersion": 1, "family": 3}');
    const bad = await cli("detect", "--model", model, "--csv", join(ROOT, "data"), "--out", out);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error: Cannot load model .*presence\.json: /);
    assert.equal(JSON.parse(await Deno.readTextFile(out)).anomalies.length, anomalies.length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("eval puts ours ahead of the original method on the sample labels", async () => {
  const { code, stdout, stderr } = await cli(
    "eval",
    "--data",
    join(ROOT, "data"),
    "--labels",
    join(ROOT, "data", "labels.json"),
  );
  assert.equal(code, 0, stderr);
  const row = (name: string) => {
    const line = stdout.split("\n").find((l) => l.startsWith(name));
    assert.ok(line, `row ${name} in\n${stdout}`);
    const [precision, recall, f1, , falsePerMonth] = line.slice(name.length).trim().split(/\s+/).map(Number);
    return { precision, recall, f1, falsePerMonth };
  };
  const strict = row("ours (strict)"), original = row("original method");
  assert.ok(strict.f1 >= 0.9, `F1 ${strict.f1}`);
  assert.ok(strict.recall >= 0.8, `recall ${strict.recall}`);
  assert.ok(strict.falsePerMonth <= 1, `false events per series-month ${strict.falsePerMonth}`);
  assert.ok(original.f1 < strict.f1 - 0.3, `original F1 ${original.f1}`);
  // Rhythm loss (a day that goes flat at its peak for 2–4 days) is found by level shift's nightly sums alone;
  // since the calibration reads a CUSUM's tail above its atom at 0 (README, Figures), 21 of its 31 here.
  const floor: Record<string, number> = { rhythm_loss: 0.6 };
  for (const kind of ["spike", "stall", "flatline", "dropout", "level_shift", "rhythm_loss"]) {
    const line = stdout.split("\n").find((l) => l.startsWith(kind + " "));
    assert.ok(line, kind);
    assert.ok(Number(line.trim().split(/\s+/)[2]) >= (floor[kind] ?? 0.8), `${kind} recall: ${line}`);
  }
});

Deno.test("eval --matrix runs the cells asked for with the labels per kind asked for, and refuses a bad count", async () => {
  const { code, stdout, stderr } = await cli(
    "eval",
    "--matrix",
    "--cells",
    "step=1h,history=3d,weekly=off,noise=1",
    "--labels-per-kind",
    "3",
  );
  assert.equal(code, 0, stderr);
  const rows = stdout.split("\n").filter((l) => l.startsWith("| 1 h |"));
  assert.equal(rows.length, 1, stdout);
  // Five kinds without a week of history (no rhythm loss), at least three labels each (series come six at a
  // time), far fewer than the default's twelve each.
  const labels = Number(rows[0].split("|")[6]);
  assert.ok(labels >= 15 && labels < 30, rows[0]);
  const bad = await cli("eval", "--matrix", "--labels-per-kind", "0");
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--labels-per-kind must be a positive integer, current value is "0"/);
  const alone = await cli("eval", "--data", "data", "--labels", "x.json", "--labels-per-kind", "3");
  assert.equal(alone.code, 1);
  assert.match(alone.stderr, /--labels-per-kind go with --matrix/);
});

Deno.test({
  name: "nab writes one result row per input row and scores the subset above 45",
  ignore: !(await exists(NAB)) && Deno.env.get("CI") !== "true",
  async fn() {
    assert.ok(await exists(NAB), `the NAB subset is expected at ${NAB}`);
    const dir = await Deno.makeTempDir();
    try {
      const { code, stdout, stderr } = await cli(
        "nab",
        "--data",
        join(NAB, "data"),
        "--labels",
        join(NAB, "labels", "combined_windows.json"),
        "--out",
        dir,
      );
      assert.equal(code, 0, stderr);
      assert.match(stdout, /^profile\s+optimised/);
      const scores = JSON.parse(await Deno.readTextFile(join(dir, "nab_scores.json")));
      assert.equal(scores.files, 18);
      // A floor against collapse, not a target (README: 48.8 through the product itself). It was 50 when NAB ran
      // its own runner; the rules that keep fleets quiet — a detector the training could not calibrate waits a
      // week, level shift needs all three lags — cost these single series with 2–3 days of probation and gaps.
      assert.ok(scores.optimized.standard.score >= 45, `standard ${scores.optimized.standard.score}`);
      const input = (await Deno.readTextFile(join(NAB, "data", "realKnownCause", "nyc_taxi.csv"))).trim()
        .split("\n");
      const output = (await Deno.readTextFile(join(dir, "realKnownCause", "nyc_taxi.csv"))).trim().split(
        "\n",
      );
      assert.equal(output[0], "timestamp,value,anomaly_score,label,is_anomaly");
      assert.equal(output.length, input.length);
      for (const i of [1, 100, input.length - 1]) {
        assert.equal(output[i].split(",")[0], input[i].split(",")[0], `row ${i} keeps its timestamp`);
        const score = Number(output[i].split(",")[2]);
        assert.ok(score >= 0 && score <= 1, `score ${score}`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("detect replaying files with --until sees nothing after it (as if live)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = join(dir, "anomalies.json");
    const until = "2026-07-13T16:00:00Z";
    const { code, stderr } = await cli(
      "detect",
      "--data",
      join(ROOT, "data"),
      "--until",
      until,
      "--out",
      out,
    );
    assert.equal(code, 0, stderr);
    const { run, anomalies } = JSON.parse(await Deno.readTextFile(out));
    assert.equal(run.window.until, "2026-07-13T16:00:00.000Z");
    assert.ok(anomalies.length > 0);
    for (const a of anomalies) {
      assert.ok(
        a.end <= Date.parse(until) && a.peakAt <= Date.parse(until),
        `${a.series} ends ${new Date(a.end).toISOString()}`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("detect says on stderr which series a note concerns: an hourly model on 1-minute data leaves level shift out", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = join(dir, "model.json"), minutes = join(dir, "minutes");
    assert.equal((await cli("train", "--data", join(ROOT, "data"), "--out", model)).code, 0);
    const synth = await cli(
      "synth",
      "--step",
      "1m",
      "--days",
      "4",
      "--shards",
      "1",
      "--seed",
      "5",
      "--out",
      minutes,
    );
    assert.equal(synth.code, 0, synth.stderr);
    const out = join(dir, "anomalies.json");
    const detected = await cli("detect", "--model", model, "--csv", minutes, "--out", out);
    assert.equal(detected.code, 0, detected.stderr);
    const { run } = JSON.parse(await Deno.readTextFile(out));
    const series = run.scored as number;
    assert.ok(series > 0);
    assert.match(
      detected.stderr,
      new RegExp(
        `^detect: ${series} series other step, e\\.g\\. scored at a 1 min step with a model trained at 1 h: ` +
          "level shift left out \\(its calibration holds at 1 h only; train at 1 min to use it\\)$",
        "m",
      ),
    );
    assert.match(
      detected.stderr,
      new RegExp(`^detect: ${series} series short history, e\\.g\\. 4 d of history`, "m"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train says which clock the rhythm followed; --timezone records the zone in the model; an unknown zone fails with one line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const data = join(dir, "ny"), model = join(dir, "model.json");
    const synth = await cli(
      "synth",
      ...["--days", "20", "--shards", "6", "--seed", "3", "--end", "2026-03-20T00:00:00Z"],
      ...["--timezone", "America/New_York", "--out", data],
    );
    assert.equal(synth.code, 0, synth.stderr);
    // Trained without the zone, train says which clock the rhythm followed across New York's change.
    const plain = await cli("train", "--data", data, "--out", model);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(
      plain.stderr,
      /^train: the daily rhythm moved with the clocks of the United States and Canada on 2026-03-08: .*train with --timezone America\/New_York/m,
    );
    const trained = await cli("train", "--data", data, "--timezone", "America/New_York", "--out", model);
    assert.doesNotMatch(trained.stderr, /rhythm moved/);
    assert.equal(trained.code, 0, trained.stderr);
    assert.match(trained.stdout, /step 3600 s, on America\/New_York time\)/);
    assert.equal(JSON.parse(await Deno.readTextFile(model)).timeZone, "America/New_York");
    const bad = await cli("train", "--data", data, "--timezone", "America/Springfield", "--out", model);
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr.trim(),
      /^[^\n]*Unknown time zone "America\/Springfield": expected an IANA name[^\n]*$/,
    );
    // The model written before is still there, whole.
    assert.equal(JSON.parse(await Deno.readTextFile(model)).timeZone, "America/New_York");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
