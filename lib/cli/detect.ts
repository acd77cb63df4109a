import { type Command, parseFlags } from "./_command.ts";
import { parseNumber, parseProfile, writeJsonAtomic } from "./_io.ts";
import { configRecord, grafanaToken, resolveConfig, SOURCE_FLAGS, SOURCE_HELP } from "./_source.ts";
import { type Config, isLive } from "../sources/config.ts";
import { type HistoryCache, historyCache } from "../pipeline/history_cache.ts";
import { runDetection } from "../pipeline/run_detection.ts";
import { detectWorkers } from "../pipeline/detect_workers.ts";
import { openDetectPool } from "../detect/detect_pool.ts";
import { countBySeverity } from "../detect/types.ts";
import { openWriteBack } from "../pipeline/write_back.ts";
import { WRITE_BACK_FLAG } from "./_write_back.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import { detectPartition } from "./_partition.ts";
import { notesSummary } from "./_format.ts";

const help =
  `Usage: deno task detect [--model FILE] [source flags] [--from T] [--until T] [--profile P] --out FILE

Fetches the fleet (the window plus the history the seasonal detectors need), scores it with the model and writes
anomaly records (machine, aggregator, timestamp = when it happened, severity, score, reasons, ...) with a run
section (source, window, series asked / answered / failed with reasons) to a JSON file, atomically.
Exit 0 when every series answered, 2 when some failed, 1 when none did (or on any error).

Options:
  --model FILE       model from \`deno task train\` (required for live sources; files without one: trained on
                     the history before the window, as if live)
  --out FILE         where to write the anomalies (default anomalies.json); with --partition i/N a directory
                     (default reports/partition-i) for \`deno task merge\`: no alerts, README "Partitions"
  --from T, --until T  the window: ISO 8601, epoch seconds, or relative to "now" (now-24h); "now" is the end of
                     the data for files, the clock for live sources; default: the config's lookback (24 h)
  --profile P        strict | permissive (default: the model's)
  --threshold X      explicit ensemble threshold 0..1 (overrides the profile)
  --cache DIR        live sources: keep the fetched series in DIR (or the config's cache) for the next run, which
                     then fetches only what is new since this one (a detect run from cron every few minutes);
                     not with --until or --partition (the cache follows the clock)
  --write-back H:P   write score, expected, lower, upper and anomalous of every scored series over the window
                     to carbon's plaintext receiver (or the config's writeBack.carbon); README "Grafana"

${SOURCE_HELP}`;

/** `detect`: source + model → anomalies.json ({@link runDetection}). */
export const command: Command = {
  help,
  async run(args) {
    const { values } = parseFlags(args, {
      ...SOURCE_FLAGS,
      model: { type: "string" },
      out: { type: "string" },
      from: { type: "string" },
      until: { type: "string" },
      profile: { type: "string" },
      threshold: { type: "string" },
      cache: { type: "string" },
      ...WRITE_BACK_FLAG,
    });
    const profile = parseProfile("detect", values.profile);
    const config = await resolveConfig(values);
    const history = detectCache(config, values);
    const writeBack = openWriteBack(config, { carbon: values["write-back"] });
    const options = {
      writeBack: writeBack && { to: writeBack },
      model: values.model,
      until: values.until,
      profile,
      now: Date.now(),
      token: isLive(config) ? grafanaToken() : undefined,
      threshold: values.threshold
        ? parseNumber("--threshold", values.threshold, { min: 0, max: 1 })
        : undefined,
      log: (m: string) => console.error(`detect: ${m}`),
    };
    if (config.partition) {
      return await detectPartition(config, { ...options, out: values.out, from: values.from });
    }
    const workers = detectWorkers(config);
    const pool = workers > 1 ? openDetectPool(workers) : undefined;
    if (pool) console.error(`detect: scoring on ${workers} worker threads`);
    const { run, from, until, detected, model } = await runDetection(config, {
      ...options,
      from: values.from,
      pool,
      history,
    })
      .finally(() => pool?.close());
    if (history) console.error(`detect: ${cacheLine(history, values.cache ?? config.cache)}`);
    const bySeverity = countBySeverity(detected.anomalies);
    // A stalled carbon holds the run for at most writeBack.wait; what is still pending is said, not lost silently.
    const written = await writeBack?.close(parseDurationMs(config.writeBack.wait));
    if (written) console.error(`detect: ${written.summary}`);
    const out = values.out ?? "anomalies.json";
    await writeJsonAtomic(out, {
      run: {
        ...run,
        config: configRecord(config),
        model: values.model ?? config.model ?? "(trained on the history before the window)",
        family: model.family,
        profile: detected.profile,
        threshold: detected.threshold,
        window: { from: new Date(from).toISOString(), until: new Date(until).toISOString() },
        scored: detected.scored,
        notes: detected.notes,
        ...(written ? { writeBack: written } : {}),
        ...(detected.dismissed ? { dismissed: detected.dismissed.length } : {}),
      },
      anomalies: detected.anomalies,
      ...(detected.dismissed?.length ? { dismissed: detected.dismissed } : {}),
    });
    for (const line of notesSummary(detected.notes)) console.error(`detect: ${line}`);
    console.log(
      `${detected.anomalies.length} anomalies (${bySeverity.high} high, ${bySeverity.medium} medium, ${bySeverity.low} low) ` +
        `in ${detected.scored}/${run.asked} series at ${detected.profile} (threshold ${
          detected.threshold.toFixed(3)
        }); ` +
        `${run.failed} series failed; wrote ${out}`,
    );
    return run.answered === 0 ? 1 : run.failed > 0 ? 2 : 0;
  },
};

/**
 * The history cache a live `detect` keeps its series in between runs (`--cache DIR`, else the config's `cache`):
 * undefined for none, or where it cannot follow the clock (a window ending at `--until`, a partition), which is
 * said on stderr when the cache is the config's and refused when it is the flag's.
 */
function detectCache(
  config: Config,
  values: { cache?: string; until?: string },
): HistoryCache | undefined {
  const dir = values.cache ?? config.cache;
  if (dir === undefined) return undefined;
  const why = !isLive(config)
    ? `the ${config.source} source reads its files whole every run`
    : values.until !== undefined
    ? `--until ends the window before the clock, and the cache follows the clock`
    : config.partition
    ? `a partition's run keeps no cache`
    : undefined;
  if (why === undefined) {
    return historyCache(config, { cache: dir, warn: (line) => console.error(`detect: ${line}`) });
  }
  if (values.cache !== undefined) {
    throw new TypeError(`Cannot use --cache ${dir}: ${why}; run without it, current value is "${dir}"`);
  }
  console.error(`detect: the config's cache ${dir} is not used: ${why}`);
  return undefined;
}

/** One line about what the history cache did this run. */
function cacheLine(history: HistoryCache, dir: string | undefined): string {
  const { stats } = history;
  const read = stats.cachedSeries ? `${stats.cachedSeries} series read back from ${dir}, ` : "";
  const fetched = stats.full
    ? `the whole range fetched (${stats.fetchedPoints} points)`
    : `${stats.fetchedPoints} new points fetched from ${new Date(stats.fetchedFrom).toISOString()}`;
  const saved = stats.savedBytes !== undefined
    ? `, ${(stats.savedBytes / 1e6).toFixed(1)} MB kept in ${dir} for the next run`
    : "";
  return `history cache: ${read}${fetched}${saved}`;
}
