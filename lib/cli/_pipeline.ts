import type { Config } from "../sources/config.ts";
import { fetchSource, type SourceRun } from "../sources/fetch_source.ts";
import type { Series } from "../series/types.ts";
import { crop } from "../series/crop.ts";
import type { Model } from "../model/schema.ts";
import { loadModel } from "../model/load_model.ts";
import { train } from "../model/train.ts";
import { detect, type DetectResult } from "../detect/detect.ts";
import { mergeDetections } from "../pipeline/_merge_detections.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import { grafanaToken, isLive } from "./_source.ts";
import { parseWhen } from "../series/parse_when.ts";

/** What detect and report share: source → window → model → detect. */
export interface Detection {
  config: Config;
  series: Series[];
  run: SourceRun;
  model: Model;
  /** Whether the model was trained here (on the history before the window). */
  trained: boolean;
  from: number;
  until: number;
  /** The end of the data: the last point of the files, or "now" for a live source. */
  end: number;
  detected: DetectResult;
}

/**
 * Fetches the configured series — the report window plus the history the seasonal detectors need, or for files
 * the whole of them — loads the model (or, for files without one, trains on the history before the window, as
 * if live) and detects. "Now" is `--until`, else the end of the data for files and the clock for live sources.
 */
export async function runDetection(options: {
  config: Config;
  until?: string;
  from?: string;
  window?: string;
  model?: string;
  /** A model already in memory (a watch loop's, loaded or trained once); wins over `model`. */
  loaded?: Model;
  profile?: "strict" | "permissive";
  threshold?: number;
  keepScores?: boolean;
  /** Detect over this much more history before the window (for trends). */
  extra?: number;
  /** Grafana's token. @default GRAFANA_TOKEN from the environment */
  token?: string;
  log?: (message: string) => void;
}): Promise<Detection> {
  const { config, log = () => {} } = options;
  const live = isLive(config);
  // A given model is loaded first, so a bad one fails before anything is fetched.
  const modelPath = options.model ?? config.model;
  const given = options.loaded ??
    (modelPath ? await loadModel(modelPath, { family: config.family }) : undefined);
  if (live && !given) {
    throw new TypeError(
      `Cannot detect from ${config.source}: a live source needs a model (--model FILE or "model" in the config; ` +
        `train one from the same source: \`deno task train --source ${config.source} --url URL --from -30d --out models/presence.json\`)`,
    );
  }
  const lookback = parseDurationMs(options.window ?? config.lookback);
  const history = parseDurationMs(config.history);
  const windowStart = (now: number) => options.from ? parseWhen("--from", options.from, now) : now - lookback;
  let series: Series[], run: SourceRun, until: number, end: number;
  const detectOptions = (from: number, until: number) => ({
    from: from - (options.extra ?? 0),
    until,
    profile: options.profile ?? config.profile,
    threshold: options.threshold,
    keepScores: options.keepScores,
  });
  // Live: each answer is scored as it arrives, while the other requests are still in flight.
  const parts: DetectResult[] = [];
  const done = new Set<string>();
  if (live) {
    until = options.until ? parseWhen("--until", options.until, Date.now()) : Date.now();
    end = until;
    const from = windowStart(until) - history - (options.extra ?? 0);
    const opts = detectOptions(windowStart(until), until);
    ({ series, run } = await fetchSource(config, {
      from,
      until,
      token: options.token ?? grafanaToken(),
      onBatch: (batch) => {
        parts.push(detect(given!, batch, opts));
        for (const s of batch) done.add(s.key);
      },
    }));
  } else {
    ({ series, run } = await fetchSource(config));
    end = Math.max(...series.map((s) => s.start + (s.values.length - 1) * s.step));
    until = options.until ? parseWhen("--until", options.until, end) : end;
    // As if live: nothing after "now" exists yet.
    series = series.map((s) => crop(s, -Infinity, until)).filter((s) => s.values.length > 0);
  }
  const from = windowStart(until);
  log(`${run.answered}/${run.asked} series from ${run.source}${run.failed ? `, ${run.failed} failed` : ""}`);
  let model: Model, trained = false;
  if (given) {
    model = given;
  } else {
    const historyOnly = series.map((s) => ({
      ...s,
      values: s.values.slice(0, Math.max(0, Math.floor((from - s.start) / s.step))),
    }))
      .filter((s) => s.values.length > 0);
    model = train(historyOnly, { family: config.family, now: from });
    trained = true;
    log(`trained on ${model.trainedOn.series} series, ${model.trainedOn.points} points before the window`);
    for (const { detector, reason } of model.skippedDetectors ?? []) log(`left out ${detector}: ${reason}`);
  }
  parts.push(detect(model, series.filter((s) => !done.has(s.key)), detectOptions(from, until)));
  const detected = mergeDetections(parts, series.map((s) => s.key));
  return { config, series, run, model, trained, from, until, end, detected };
}
