import { join } from "node:path";
import { writeTextAtomic } from "../_write_atomic.ts";
import { PARTITION_FILE, type PartitionOutput } from "./partition_types.ts";

/**
 * Writes a partition's output as `DIR/partition.json`, atomically (a temporary file renamed over it), so a merge
 * never reads half a file: it reads the last complete output or none.
 *
 * @param dir The partition's directory (created if needed).
 * @param output From `runPartition`.
 * @returns The file written and its size in bytes.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { savePartition } from "./save_partition.ts";
 * import { runPartition } from "./run_partition.ts";
 * import { loadPartitions } from "./load_partitions.ts";
 * import { parseConfig } from "../sources/config.ts";
 * import { train } from "../model/train.ts";
 * import { fetchSource } from "../sources/fetch_source.ts";
 * const config = parseConfig({ source: "replay", data: [new URL("../../data", import.meta.url).pathname] }, "inline");
 * const model = train((await fetchSource(config)).series);
 * const dir = await Deno.makeTempDir();
 * const output = await runPartition({ ...config, partition: { index: 0, count: 1 } }, { loaded: model });
 * const { path } = await savePartition(dir, output);
 * assert.ok(path.endsWith("partition.json"));
 * const [loaded] = await loadPartitions([dir]);
 * assert.deepEqual(loaded.output.anomalies, output.anomalies);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function savePartition(
  dir: string,
  output: PartitionOutput,
): Promise<{ path: string; bytes: number }> {
  const path = join(dir, PARTITION_FILE);
  return { path, bytes: await writeTextAtomic(path, JSON.stringify(output) + "\n") };
}
