import type { Config } from "../sources/config.ts";

/**
 * Refuses to alert from a partition: a partition alerts nobody, the alert-once state lives with the merge.
 * Private to `lib/pipeline/` (the watch loop and its cycle).
 *
 * @param config The config.
 * @throws {TypeError} When it names a partition.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { noPartition } from "./_no_partition.ts";
 * import { parseConfig } from "../sources/config.ts";
 * noPartition(parseConfig({}, "inline"));
 * assert.throws(() => noPartition(parseConfig({ partition: { index: 1, count: 2 } }, "inline")), /alerts nobody/);
 * ```
 */
export function noPartition(config: Config): void {
  if (!config.partition) return;
  const { index, count } = config.partition;
  throw new TypeError(
    `Cannot watch partition ${index}/${count}: a partition alerts nobody, alert-once lives with the merge (run ` +
      `\`deno task detect --partition ${index}/${count} --out DIR\` every interval, then \`deno task merge DIR...\`), ` +
      `current value is ${index}/${count}`,
  );
}
