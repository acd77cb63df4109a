import type { Config } from "../sources/config.ts";
import { runPartition, type RunPartitionOptions } from "../pipeline/run_partition.ts";
import { savePartition } from "../pipeline/save_partition.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import type { WriteBack } from "../pipeline/write_back.ts";
import { configRecord } from "./_source.ts";

/**
 * `detect --partition i/N`: one partition's output into `--out DIR` (`DIR/partition.json`) for `deno task
 * merge`; nobody is alerted (alert-once lives with the merge).
 *
 * @param config The resolved config, with its `partition`.
 * @param options detect's run options, `--out` and `--from` (refused: every part's window ends at "now").
 * @returns The exit code, as detect's.
 */
export async function detectPartition(
  config: Config,
  options: Omit<RunPartitionOptions, "writeBack"> & {
    out?: string;
    from?: string;
    writeBack?: { to: WriteBack };
  },
): Promise<number> {
  const { index, count } = config.partition!;
  if (options.from) {
    throw new TypeError(
      `Cannot detect partition ${index}/${count}: every partition's window ends at "now" (--until), ` +
        `--from is not taken, current value is "${options.from}"`,
    );
  }
  const dir = options.out ?? `reports/partition-${index}`;
  if (dir.endsWith(".json")) {
    throw new TypeError(
      `Cannot detect partition ${index}/${count}: --out is a directory for a partition, current value is "${dir}"`,
    );
  }
  const output = await runPartition(config, { ...options, record: configRecord(config) });
  const written = await options.writeBack?.to.close(parseDurationMs(config.writeBack.wait));
  if (written) console.error(`detect: ${written.summary}`);
  const { path, bytes } = await savePartition(dir, output);
  const { run, detection } = output;
  console.log(
    `partition ${index}/${count}: ${output.anomalies.length} anomalies in ${detection.scored}/${run.asked} series ` +
      `of its machines, ${run.failed} failed; wrote ${path} (${(bytes / 1024).toFixed(0)} KiB); no alerts ` +
      `(\`deno task merge\` joins the ${count} partitions)`,
  );
  return run.answered === 0 && run.asked > 0 ? 1 : run.failed > 0 ? 2 : 0;
}
