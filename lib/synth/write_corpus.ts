/**
 * Writes a generated corpus to a directory as Grafana-style CSV exports (one per aggregator) plus `labels.json`.
 *
 * @module
 */
import type { Corpus } from "./generate.ts";
import { formatGrafanaCsv, type FormatGrafanaCsvOptions } from "./write_csv.ts";

/** Options for {@link writeCorpus}. */
export interface WriteCorpusOptions {
  /**
   * The CSV format of every file, or `"varied"` to vary it across files as real exports vary: files 1, 3, 5, …
   * get `sep=,`, percent values with 4 significant digits and `\r\n` line ends; files 2, 4, 6, … plain numbers
   * with 6 significant digits and `\n`, the second file with ISO times.
   * @default {"varied"}
   */
  format?: "varied" | FormatGrafanaCsvOptions;
}

/** What {@link writeCorpus} wrote. */
export interface WriteCorpusResult {
  /** Every file written (CSV files first, `labels.json` last), with its size in bytes. */
  files: { path: string; bytes: number }[];
  /** Total bytes written. */
  bytes: number;
}

/**
 * Writes a corpus into `dir` (created if needed): one `<aggregator>.csv` per aggregator with one column per
 * shard (header = full series key), plus `labels.json` =
 * `{ generator: {seed, shards, days, step, end, …}, files: [...], labels: [{series, machine, aggregator, kind,
 * start, end}] }` with ISO times. Each file is written to a temporary file in `dir` and renamed into place, so a
 * reader never sees half a file. Existing files of the same name are replaced; other files are left alone.
 *
 * @param corpus A corpus from `generateCorpus()`.
 * @param dir The output directory.
 * @param options Format options.
 * @returns The files written and their sizes.
 * @throws {TypeError} When an aggregator name cannot be a file name or a series lacks an aggregator label.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateCorpus } from "./generate.ts";
 * import { writeCorpus } from "./write_corpus.ts";
 * const dir = await Deno.makeTempDir();
 * const result = await writeCorpus(generateCorpus({ shards: 2, days: 30 }), dir);
 * assert.ok(result.files.length === 7);
 * const labels = JSON.parse(await Deno.readTextFile(`${dir}/labels.json`));
 * assert.ok(labels.generator.seed === 42 && labels.labels.length > 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeCorpus(
  corpus: Corpus,
  dir: string,
  options: WriteCorpusOptions = {},
): Promise<WriteCorpusResult> {
  const { format = "varied" } = options;
  const { aggregators } = corpus.options;
  for (const aggregator of aggregators) {
    if (aggregator === "" || aggregator.startsWith(".") || /[/\\\0]/.test(aggregator)) {
      throw new TypeError(
        `Cannot write corpus: aggregator name is not a safe file name, current value is ${
          JSON.stringify(aggregator)
        }`,
      );
    }
  }
  for (const s of corpus.series) {
    if (!aggregators.includes(s.labels.aggregator)) {
      throw new TypeError(
        `Cannot write corpus: series "${s.key}" has no known aggregator label, current value is ${
          JSON.stringify(s.labels.aggregator)
        }`,
      );
    }
  }
  await Deno.mkdir(dir, { recursive: true });

  const formats = aggregators.map((_, i) => format === "varied" ? variedFormat(i) : format);
  const outputs = aggregators.map((aggregator, i) => ({
    name: `${aggregator}.csv`,
    text: formatGrafanaCsv(corpus.series.filter((s) => s.labels.aggregator === aggregator), formats[i]),
  }));
  outputs.push({ name: "labels.json", text: labelsJson(corpus, formats) });

  const files: { path: string; bytes: number }[] = [];
  for (const { name, text } of outputs) {
    files.push({ path: `${dir}/${name}`, bytes: await writeAtomically(dir, name, text) });
  }
  return { files, bytes: files.reduce((sum, file) => sum + file.bytes, 0) };
}

function variedFormat(index: number): FormatGrafanaCsvOptions {
  return index % 2 === 0
    ? { sep: true, percent: true, digits: 4, time: "grafana", newline: "\r\n" }
    : { sep: false, percent: false, digits: 6, time: index === 1 ? "iso" : "grafana", newline: "\n" };
}

async function writeAtomically(dir: string, name: string, text: string): Promise<number> {
  const temp = await Deno.makeTempFile({ dir, prefix: `.${name}.`, suffix: ".tmp" });
  try {
    await Deno.writeTextFile(temp, text);
    if (Deno.build.os !== "windows") await Deno.chmod(temp, 0o644); // temp files are created 0600
    const { size } = await Deno.stat(temp);
    await Deno.rename(temp, `${dir}/${name}`);
    return size;
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw err;
  }
}

function labelsJson(corpus: Corpus, formats: FormatGrafanaCsvOptions[]): string {
  const { options, series } = corpus;
  const first = series[0];
  const iso = (t: number) => new Date(t).toISOString();
  const generator = {
    module: "lib/synth/generate.ts",
    seed: options.seed,
    shards: options.shards,
    days: options.days,
    step: options.step,
    start: iso(first.start),
    end: iso(options.end),
    points: first.values.length,
    anomalyRate: options.anomalyRate,
    recent: options.recent,
    cleanDays: options.cleanDays,
    family: "presence",
    template: "statsd.{machine}.gauges.aggregator.agg_length_behind_ratio.{aggregator}",
    machines: [...new Set(series.map((s) => s.labels.machine))],
    aggregators: options.aggregators,
  };
  const files = options.aggregators.map((aggregator, i) => ({
    file: `${aggregator}.csv`,
    aggregator,
    ...formats[i],
  }));
  const labels = corpus.labels.map((label) =>
    JSON.stringify({
      series: label.series,
      machine: label.machine,
      aggregator: label.aggregator,
      kind: label.kind,
      start: iso(label.start),
      end: iso(label.end),
    })
  );
  const indent = (text: string) => text.replaceAll("\n", "\n  ");
  return [
    "{",
    `  "generator": ${indent(JSON.stringify(generator, null, 2))},`,
    `  "files": [\n    ${files.map((f) => JSON.stringify(f)).join(",\n    ")}\n  ],`,
    `  "labels": [${labels.length ? `\n    ${labels.join(",\n    ")}\n  ` : ""}]`,
    "}",
    "",
  ].join("\n");
}
