/**
 * `synth`: writes the synthetic presence corpus (Grafana-style CSV per aggregator + labels.json) to a directory.
 *
 * @module
 */
import { type Command, parseFlags } from "./_command.ts";
import { generateCorpus, type GenerateOptions } from "../synth/generate.ts";
import { writeCorpus } from "../synth/write_corpus.ts";
import { checkTimeZone } from "../series/local_time.ts";

const help =
  `Usage: deno task synth --out DIR [--shards N] [--days D] [--step 1h] [--seed S] [--end ISO] [--rate R] [--no-recent] [--timezone Z]

Write a synthetic presence corpus with labelled anomalies.

  --out DIR      output directory (created if needed); one <aggregator>.csv per aggregator + labels.json
  --shards N     number of shards n200-primary-meraki-com, n201-…  (default 6)
  --days D       days of data per series                          (default 182)
  --step S       grid step: 1h, 5m, 60s, 1m or plain seconds       (default 1h)
  --seed S       integer seed                                     (default 42)
  --end ISO      end of the data ("now"), e.g. 2026-11-24T00:00:00Z (default 2026-11-24T00:00:00Z)
  --rate R       labelled anomalies per series per 30 days         (default 1)
  --no-recent    do not plant anomalies in the final 24 h
  --timezone Z   the rhythm follows this IANA time zone's wall clock (peak hours and weekends local), so it
                 moves by an hour in UTC when the clocks change, e.g. America/New_York (default UTC)`;

/**
 * Parses a step such as `1h`, `5m`, `60s`, `1m` or plain seconds (`300`) into milliseconds.
 *
 * @param text The flag value.
 * @returns The step in milliseconds.
 */
function parseStep(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) {
    throw new TypeError(
      `Cannot parse --step: expected a duration like 1h, 5m, 60s or plain seconds, current value is "${text}"`,
    );
  }
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] ?? "s"]!;
  return Math.round(Number(match[1]) * unit);
}

function parseNumber(flag: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new TypeError(
      `Cannot parse --${flag}: expected ${integer ? "an integer" : "a number"}, current value is "${text}"`,
    );
  }
  return value;
}

function parseEnd(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  // A date-time without a zone would parse as local time: read it as UTC.
  const zoned = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? `${text}Z` : text;
  const value = Date.parse(zoned);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(value)) {
    throw new TypeError(
      `Cannot parse --end: expected an ISO date like 2026-11-24T00:00:00Z, current value is "${text}"`,
    );
  }
  return value;
}

function formatBytes(bytes: number): string {
  return bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The `synth` subcommand. */
export const command: Command = {
  help,
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parseFlags(args, {
      out: { type: "string" },
      shards: { type: "string" },
      days: { type: "string" },
      step: { type: "string" },
      seed: { type: "string" },
      end: { type: "string" },
      rate: { type: "string" },
      "no-recent": { type: "boolean" },
      timezone: { type: "string" },
    });
    if (positionals.length > 0) {
      throw new TypeError(`Cannot run synth: unexpected argument, current value is "${positionals[0]}"`);
    }
    if (!values.out) {
      throw new TypeError('Cannot run synth: --out DIR is required, current value is ""');
    }
    const options: GenerateOptions = {
      shards: parseNumber("shards", values.shards, true),
      days: parseNumber("days", values.days, false),
      step: values.step === undefined ? undefined : parseStep(values.step),
      seed: parseNumber("seed", values.seed, true),
      end: parseEnd(values.end),
      anomalyRate: parseNumber("rate", values.rate, false),
      recent: !values["no-recent"],
      timeZone: values.timezone === undefined ? undefined : checkTimeZone(values.timezone),
    };
    for (const key of Object.keys(options) as (keyof GenerateOptions)[]) {
      if (options[key] === undefined) delete options[key];
    }
    const corpus = generateCorpus(options);
    const result = await writeCorpus(corpus, values.out);
    const points = corpus.series.reduce((sum, s) => sum + s.values.length, 0);
    console.log(
      `synth: wrote ${result.files.length} files to ${values.out}: ${corpus.series.length} series, ` +
        `${points} points, ${corpus.labels.length} labels, ${result.bytes} bytes (${
          formatBytes(result.bytes)
        })`,
    );
    return 0;
  },
};
