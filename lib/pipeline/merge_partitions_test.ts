import assert from "node:assert/strict";
import { join } from "node:path";
import { partitionFleet } from "../../tests/support/partition_fleet.ts";
import { formatGrafanaCsv } from "../synth/write_csv.ts";
import { crop } from "../series/crop.ts";
import { train } from "../model/train.ts";
import { parseConfig } from "../sources/config.ts";
import type { Alert, DeliveryResult, Sink } from "../alerts/types.ts";
import { runWatchCycle } from "./run_watch_cycle.ts";
import { runPartition } from "./run_partition.ts";
import { savePartition } from "./save_partition.ts";
import { loadPartitions } from "./load_partitions.ts";
import { mergePartitions } from "./merge_partitions.ts";

const HOUR = 3_600_000, N = 4;

/** A sink that delivers everything and remembers the subjects. */
function capturing(got: string[]): Sink {
  return {
    name: "console",
    send: (alerts: readonly Alert[]) => {
      got.push(...alerts.map((a) => a.subject));
      return Promise.resolve(alerts.map((a): DeliveryResult => ({
        sink: "console",
        alertId: a.id,
        subject: a.subject,
        ok: true,
        attempts: 1,
      })));
    },
  };
}

/** The test fleet as CSV in `dir`, a model trained before its last day, and a replay config at `minShards: 4`. */
async function fleet(dir: string) {
  const { series, end } = partitionFleet();
  await Deno.writeTextFile(join(dir, "fleet.csv"), formatGrafanaCsv(series));
  const model = train(series.map((s) => crop(s, -Infinity, end - 25 * HOUR)));
  const config = parseConfig({ source: "replay", data: [dir], fleet: { minShards: 4 } }, "test");
  return { model, config };
}

Deno.test("mergePartitions() of --partition 0/4 … 3/4 finds the anomalies, peers, incidents and alerts of one run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "merge_partitions_" });
  try {
    const { model, config } = await fleet(dir);
    const oneGot: string[] = [];
    const one = await runWatchCycle(config, {
      model,
      sinks: [capturing(oneGot)],
      statePath: join(dir, "one-state.json"),
    });
    // Not vacuous: the fleet view has something to get wrong.
    assert.ok(one.findings.incidents.length >= 1, "a fleet incident in the single run");
    assert.ok(one.findings.peers.length >= 1, "a peer outlier in the single run");
    assert.ok(
      one.findings.alerts.sent.length > one.findings.incidents.length,
      "alerts besides the incidents",
    );

    const dirs: string[] = [];
    for (let index = 0; index < N; index++) {
      const output = await runPartition({ ...config, partition: { index, count: N } }, { loaded: model });
      assert.ok(
        output.series.length > 0 && output.series.length < 48,
        `partition ${index} holds part of the fleet`,
      );
      dirs.push(join(dir, `part-${index}`));
      await savePartition(dirs[index], output);
    }
    const parts = await loadPartitions([...dirs].reverse()); // any order
    assert.equal(parts.reduce((n, p) => n + p.output.series.length, 0), 48, "every series in one partition");
    // No partition alone has the incident: it takes shards of several.
    const mergedGot: string[] = [];
    const merged = await mergePartitions(parts, {
      model,
      alerts: config.alerts,
      sinks: [capturing(mergedGot)],
      statePath: join(dir, "merged-state.json"),
    });
    assert.deepEqual(merged.anomalies, one.findings.anomalies);
    assert.deepEqual(merged.peers, one.findings.peers);
    assert.deepEqual(merged.incidents, one.findings.incidents);
    assert.deepEqual(merged.alerts.sent, one.findings.alerts.sent);
    assert.deepEqual(mergedGot, oneGot);
    assert.deepEqual(
      { asked: merged.run.asked, answered: merged.run.answered },
      { asked: one.log.asked, answered: one.log.answered },
    );
    assert.match(merged.report.html, /Fleet-wide incidents \(\d+\)/);
    assert.equal(merged.report.data.incidents.length, one.findings.incidents.length);
    // Alert once, at the merge: the same merge again sends nothing new.
    const again = await mergePartitions(parts, {
      model,
      alerts: config.alerts,
      sinks: [capturing([])],
      statePath: join(dir, "merged-state.json"),
    });
    assert.deepEqual(again.alerts.sent, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
