import assert from "node:assert/strict";
import { join } from "node:path";
import { parseConfig } from "../sources/config.ts";
import { fetchSource } from "../sources/fetch_source.ts";
import { train } from "../model/train.ts";
import { runPartition } from "./run_partition.ts";
import { savePartition } from "./save_partition.ts";
import { loadPartitions } from "./load_partitions.ts";
import type { PartitionOutput } from "./partition_types.ts";

const config = parseConfig(
  { source: "replay", data: [new URL("../../data", import.meta.url).pathname] },
  "test",
);

Deno.test("loadPartitions() refuses parts that are not one fleet, naming the directory and what was expected", async () => {
  const dir = await Deno.makeTempDir({ prefix: "load_partitions_" });
  try {
    const model = train((await fetchSource(config)).series);
    const parts: PartitionOutput[] = [];
    for (const index of [0, 1, 2]) {
      parts.push(await runPartition({ ...config, partition: { index, count: 3 } }, { loaded: model }));
    }
    /** Writes the parts (changed by `edit`) into d0, d1, … and returns the directories. */
    const write = async (name: string, outputs: PartitionOutput[]) => {
      const dirs = outputs.map((_, i) => join(dir, name, `d${i}`));
      await Promise.all(outputs.map((o, i) => savePartition(dirs[i], o)));
      return dirs;
    };
    const ok = await loadPartitions(await write("ok", [parts[2], parts[0], parts[1]]));
    assert.deepEqual(ok.map((p) => p.output.partition.index), [0, 1, 2]);
    const cases: [string, PartitionOutput[], RegExp][] = [
      [
        "missing",
        [parts[0], parts[2]],
        /partition 1\/3 missing \(given: 0 in .*d0, 2 in .*d1\), current value is 2 of 3/,
      ],
      [
        "twice",
        [parts[0], parts[1], parts[1]],
        /d1 and .*d2 are both partition 1\/3, current value is 1\/3 twice/,
      ],
      [
        "other N",
        [parts[0], { ...parts[1], partition: { index: 1, count: 4 } }, parts[2]],
        /d1 is partition 1\/4 but .*d0 is one of 3, current value is 4/,
      ],
      [
        "other model",
        [parts[0], parts[1], { ...parts[2], model: { ...parts[2].model, fingerprint: "0123456789abcdef" } }],
        /d2 scored with model 0123456789abcdef but .*d0 with [0-9a-f]{16} \(one model serves all\)/,
      ],
      [
        "other window",
        [
          parts[0],
          { ...parts[1], window: { ...parts[1].window, until: parts[1].window.until + 3_600_000 } },
          parts[2],
        ],
        /d1 covers another window than .*d0/,
      ],
    ];
    for (const [name, outputs, message] of cases) {
      await assert.rejects(loadPartitions(await write(name, outputs)), message, name);
    }
    await assert.rejects(
      loadPartitions([join(dir, "nowhere")]),
      /Cannot read partition .*nowhere.*partition\.json/,
    );
    await Deno.writeTextFile(join(dir, "v2.json"), JSON.stringify({ ...parts[0], version: 2 }));
    await assert.rejects(
      loadPartitions([join(dir, "v2.json")]),
      /format version 2, this build reads 1, current value is 2/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runPartition() splits the fleet by machine, every aggregator of a machine in one part", async () => {
  const model = train((await fetchSource(config)).series);
  const all = (await fetchSource(config)).series;
  const machinesOf = new Map<number, Set<string>>();
  let total = 0;
  for (const index of [0, 1, 2]) {
    const { series } = await runPartition({ ...config, partition: { index, count: 3 } }, { loaded: model });
    total += series.length;
    machinesOf.set(index, new Set(series.map((s) => s.labels.machine)));
  }
  assert.equal(total, all.length);
  const seen = [...machinesOf.values()].flatMap((m) => [...m]);
  assert.equal(new Set(seen).size, seen.length, "no machine in two parts");
  await assert.rejects(
    runPartition({ ...config, partition: { index: 0, count: 2 } }, {}),
    /Cannot run partition 0\/2: it needs the one model trained on the whole fleet/,
  );
});

Deno.test("runPartition() of a live source ends at now rounded down to the interval, so parts started apart match", async () => {
  const live = parseConfig({
    source: "graphite",
    url: "http://graphite.test",
    machines: { prefix: "n", from: 200, to: 219, suffix: "" },
    aggregators: ["A"],
    retries: 0,
    interval: "5m",
  }, "test");
  const model = train((await fetchSource(config)).series);
  const noData = () =>
    Promise.resolve(new Response("[]", { headers: { "content-type": "application/json" } }));
  const t = Date.UTC(2026, 0, 1, 10, 0);
  const outputs = [];
  for (const [index, now] of [[0, t + 10_000], [1, t + 290_000]]) {
    outputs.push(
      await runPartition({ ...live, partition: { index, count: 2 } }, { loaded: model, now, fetch: noData }),
    );
  }
  assert.deepEqual(outputs.map((o) => o.window.until), [t, t]);
  const dir = await Deno.makeTempDir({ prefix: "live_partitions_" });
  try {
    const dirs = [join(dir, "a"), join(dir, "b")];
    await Promise.all(outputs.map((o, i) => savePartition(dirs[i], o)));
    assert.equal((await loadPartitions(dirs)).length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
