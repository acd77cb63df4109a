import { join } from "node:path";
import {
  PARTITION_FILE,
  PARTITION_FORMAT,
  PARTITION_VERSION,
  type PartitionOutput,
  PartitionOutputSchema,
} from "./partition_types.ts";

/** One partition's output and the directory it came from. */
export interface LoadedPartition {
  /** The directory (or file) as given. */
  dir: string;
  /** Its output. */
  output: PartitionOutput;
}

/**
 * Reads the partitions' outputs (`DIR/partition.json`, or the file itself) and checks that they make one fleet:
 * the same format version, every index from 0 to N−1 once with the same N, the same model, the same window and
 * the same fleet settings. Anything else is an error naming the directory and what was expected.
 *
 * @param dirs The partitions' directories (or `partition.json` files), in any order.
 * @returns The partitions, by index.
 * @throws {RangeError} When a file cannot be read, or the partitions do not match.
 * @throws {SyntaxError} When a file is not JSON.
 * @throws {TypeError} When a file is not a partition output of this version.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPartitions } from "./load_partitions.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/partition.json`, JSON.stringify({ format: "graphite-anomaly/partition", version: 9 }));
 * await assert.rejects(loadPartitions([dir]), /format version 9, this build reads 1/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadPartitions(dirs: readonly string[]): Promise<LoadedPartition[]> {
  if (!dirs.length) {
    throw new RangeError(`Cannot merge partitions: no directory given, current value is none`);
  }
  const loaded: LoadedPartition[] = [];
  for (const dir of dirs) loaded.push({ dir, output: await readOne(dir) });
  const [first] = loaded;
  const { count } = first.output.partition;
  const fail = (detail: string, value: unknown): never => {
    throw new RangeError(`Cannot merge partitions: ${detail}, current value is ${value}`);
  };
  const byIndex = new Map<number, LoadedPartition>();
  for (const p of loaded) {
    const { index, count: n } = p.output.partition;
    if (n !== count) fail(`${p.dir} is partition ${index}/${n} but ${first.dir} is one of ${count}`, n);
    const twin = byIndex.get(index);
    if (twin) {
      fail(`${twin.dir} and ${p.dir} are both partition ${index}/${count}`, `${index}/${count} twice`);
    }
    byIndex.set(index, p);
    const print = p.output.model.fingerprint, expected = first.output.model.fingerprint;
    if (print !== expected) {
      fail(
        `${p.dir} scored with model ${print} but ${first.dir} with ${expected} (one model serves all)`,
        print,
      );
    }
    const { from, until } = p.output.window, w = first.output.window;
    if (from !== w.from || until !== w.until) {
      fail(
        `${p.dir} covers another window than ${first.dir} (${iso(w.from)} .. ${
          iso(w.until)
        }; live parts end at ` +
          `"now" rounded down to the interval: started across a boundary, give them one --until)`,
        `${iso(from)} .. ${iso(until)}`,
      );
    }
    const settings = JSON.stringify(p.output.settings), wanted = JSON.stringify(first.output.settings);
    if (settings !== wanted) {
      fail(`${p.dir} has other fleet or hydrate settings than ${first.dir} (${wanted})`, settings);
    }
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length) {
    fail(
      `partition ${missing.map((i) => `${i}/${count}`).join(", ")} missing (given: ${
        [...byIndex.keys()].sort((a, b) => a - b).map((i) => `${i} in ${byIndex.get(i)!.dir}`).join(", ")
      })`,
      `${byIndex.size} of ${count}`,
    );
  }
  return [...byIndex.values()].sort((a, b) => a.output.partition.index - b.output.partition.index);
}

const iso = (t: number) => new Date(t).toISOString();

/** Reads and validates one partition file. */
async function readOne(dir: string): Promise<PartitionOutput> {
  const path = dir.endsWith(".json") ? dir : join(dir, PARTITION_FILE);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new RangeError(
      `Cannot read partition ${path}: ${(err as Error).message} (a partition writes it with ` +
        `\`deno task detect --partition i/N --out ${dir}\`), current value is ${dir}`,
    );
  }
  let json: { format?: unknown; version?: unknown };
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SyntaxError(`Cannot read partition ${path}: not valid JSON (${(err as Error).message})`);
  }
  if (json?.format !== PARTITION_FORMAT) {
    throw new TypeError(
      `Cannot read partition ${path}: not a partition output (format "${PARTITION_FORMAT}"), current value is ${
        JSON.stringify(json?.format)
      }`,
    );
  }
  if (json.version !== PARTITION_VERSION) {
    throw new TypeError(
      `Cannot read partition ${path}: format version ${json.version}, this build reads ${PARTITION_VERSION}, ` +
        `current value is ${json.version}`,
    );
  }
  const parsed = PartitionOutputSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(
      `Cannot read partition ${path}: ${
        issue.path.join(".") || "(root)"
      }: ${issue.message}, current value is invalid`,
    );
  }
  return json as PartitionOutput;
}
