/**
 * Partitions through the real CLI: `detect --partition i/4` four times and `merge` alert as one `watch --once`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "./support/cli.ts";
import { partitionFleet } from "./support/partition_fleet.ts";
import { formatGrafanaCsv } from "../lib/synth/write_csv.ts";

/** The environment the tasks may read (unset here: no sink but the console). */
const ENV = { allowEnv: ["GRAFANA_TOKEN", "GRAFANA_URL", "SLACK_WEBHOOK_URL", "ALERT_WEBHOOK_URL"] };
const N = 4;

Deno.test("detect --partition i/4 (i = 0…3) then merge: the anomalies, incidents and alerts of one watch --once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "partition_cli_" });
  try {
    const data = join(dir, "data"), model = join(dir, "model.json"), config = join(dir, "config.json");
    await Deno.mkdir(data);
    await Deno.writeTextFile(join(data, "fleet.csv"), formatGrafanaCsv(partitionFleet().series));
    await Deno.writeTextFile(config, JSON.stringify({ fleet: { minShards: 4 } }));
    const source = ["--config", config, "--data", data, "--model", model];
    const trained = await runCli(["train", "--data", data, "--until", "-25h", "--out", model]);
    assert.equal(trained.code, 0, trained.stderr);
    const refused = await runCli([
      "train",
      "--data",
      data,
      "--partition",
      "1/4",
      "--out",
      join(dir, "m1.json"),
    ]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /^error: Cannot train on a partition: one model, trained once on the whole fleet/,
    );

    const one = await runCli(
      ["watch", "--once", ...source, "--out", join(dir, "watch.json"), "--state", join(dir, "s1.json")],
      ENV,
    );
    assert.equal(one.code, 0, one.stderr);
    const single = JSON.parse(await Deno.readTextFile(join(dir, "watch.json")));
    assert.ok(single.incidents.length >= 1, "a fleet incident in the single run");

    const parts: string[] = [];
    for (let i = 0; i < N; i++) {
      parts.push(join(dir, `part-${i}`));
      // The last one takes its partition from the config file instead of the flag.
      const partitionConfig = join(dir, `config-${i}.json`);
      await Deno.writeTextFile(
        partitionConfig,
        JSON.stringify({ fleet: { minShards: 4 }, partition: { index: i, count: N } }),
      );
      const flags = i === N - 1
        ? ["--config", partitionConfig, "--data", data, "--model", model]
        : [...source, "--partition", `${i}/${N}`];
      const r = await runCli(["detect", ...flags, "--out", parts[i]], ENV);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^partition ${i}/${N}: .*no alerts`));
    }
    const mergeArgs = ["--config", config, "--model", model, "--state", join(dir, "s2.json")];
    const merged = await runCli(["merge", ...parts, ...mergeArgs, "--out", join(dir, "merged")], ENV);
    assert.equal(merged.code, 0, merged.stderr);
    const result = JSON.parse(await Deno.readTextFile(join(dir, "merged", "anomalies.json")));
    assert.deepEqual(result.anomalies, single.anomalies);
    assert.deepEqual(result.incidents, single.incidents);
    assert.deepEqual(result.peers, single.peers);
    assert.deepEqual(result.alerts.sent, single.alerts.sent);
    // The console sink printed the same alerts.
    assert.deepEqual(merged.stdout.split("\n").sort(), one.stdout.split("\n").sort());
    assert.match(await Deno.readTextFile(join(dir, "merged", "index.html")), /Fleet-wide incidents/);

    const missing = await runCli(["merge", ...parts.slice(0, 3), ...mergeArgs], ENV);
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /^error: Cannot merge partitions: partition 3\/4 missing .*current value is 3 of 4\n$/,
    );
    const twice = await runCli(["merge", parts[0], ...parts, ...mergeArgs], ENV);
    assert.match(twice.stderr, /both partition 0\/4/);
    const watching = await runCli(["watch", "--once", ...source, "--partition", "0/4"], ENV);
    assert.equal(watching.code, 1);
    assert.match(watching.stderr, /^error: Cannot watch partition 0\/4: a partition alerts nobody/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
