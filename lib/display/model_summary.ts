import { clockHintText } from "../series/clock_hint.ts";
import { BLIP_POINTS } from "../detect/episode_verdict.ts";
import type { Model } from "../model/schema.ts";
import { htmlTable } from "./html_table.ts";
import { escapeHtml, formatDuration, formatNumber, formatTime } from "./_format.ts";
import { earlyEnd } from "../model/score_series.ts";

const H =
  "font:600 13px system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:10px 0 2px;color:#1f2328";

/**
 * What a model learned, as HTML: what it was trained on, the profiles' ensemble thresholds, the detectors (and
 * those left out, with why), then per family the normal range, the seasonality summary (autocorrelation at
 * 24 h / 72 h / 7 d) and one calibration row per detector. This is what a model shows as in a notebook.
 *
 * @param model A model from `train` or `loadModel`.
 * @returns HTML (a heading line and tables).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { modelSummary } from "./model_summary.ts";
 * import { train } from "../model/train.ts";
 * import { generateCorpus } from "../synth/generate.ts";
 * const { series } = generateCorpus({ shards: 1, days: 30, aggregators: ["A"], recent: false });
 * const html = modelSummary(train(series));
 * assert.ok(html.includes("strict") && html.includes("seasonal_lag"));
 * ```
 */
export function modelSummary(model: Model): string {
  const t = model.trainedOn;
  const overview = [
    { field: "family", value: model.family },
    {
      field: "trained on",
      value: `${t.series} series, ${t.points.toLocaleString("en-US")} points, ${
        formatTime(Date.parse(t.from))
      } – ${formatTime(Date.parse(t.to))} UTC, step ${formatDuration(t.step)}`,
    },
    { field: "default profile", value: model.profile },
    { field: "detectors", value: Object.keys(model.detectors).join(", ") },
    ...(model.skippedDetectors?.length
      ? [{
        field: "left out",
        value: model.skippedDetectors.map((s) => `${s.detector} (${s.reason})`).join("; "),
      }]
      : []),
    {
      field: "episodes",
      value: `points within ${formatDuration(model.events.episodeGap)} merge; episodes shorter than ${
        formatDuration(model.events.minDuration)
      } with fewer than ${BLIP_POINTS} points over the threshold need +${
        formatNumber(model.events.singlePointMargin)
      } of the headroom`,
    },
    ...(model.timeZone ? [{ field: "clock", value: `days on ${model.timeZone} time` }] : []),
    ...(model.clockHint ? [{ field: "clock", value: clockHintText(model.clockHint) }] : []),
    { field: "schema", value: `v${model.schemaVersion}, ${model.generator}` },
  ];
  const parts = [
    `<div style="${H}">Model <code>${escapeHtml(model.family)}</code></div>`,
    htmlTable(overview, { columns: [{ label: "", value: "field" }, { label: "", value: "value" }] }),
  ];
  for (const [name, f] of Object.entries(model.families)) {
    const ac = f.seasonality.autocorrelation;
    parts.push(
      `<div style="${H}">Family <code>${
        escapeHtml(name)
      }</code>: ${f.aggregators.length} aggregators × ${f.machines.length} shards, unit ${
        escapeHtml(f.unit)
      }</div>`,
      htmlTable([{
        strict: f.thresholds.strict,
        permissive: f.thresholds.permissive,
        p05: f.range.p05,
        p50: f.range.p50,
        p95: f.range.p95,
        p99: f.range.p99,
        "acf 24 h": ac["24h"],
        "acf 72 h": ac["72h"],
        "acf 7 d": ac["7d"],
        "own threshold": Object.keys(f.seriesShift ?? {}).length,
        "own weekly depth": Object.keys(f.weeklyGain ?? {}).length,
      }], {
        caption: "ensemble thresholds (strict, permissive), normal range of the values, autocorrelation, " +
          "series with a threshold of their own (hotter than the family's), series whose weeks follow the " +
          "family's weekly profile to a depth of their own",
      }),
      htmlTable(
        [
          ...Object.entries(f.earlyCalibration ?? {}).map(([d, c]) =>
            [`${d} (first ${formatDuration(earlyEnd(f, d))})`, c] as const
          ),
          ...Object.entries(f.calibration).map(([d, c]) =>
            [f.earlyCalibration?.[d] ? `${d} (after)` : d, c] as const
          ),
        ].map(([detector, c]) => ({
          detector,
          samples: c.n,
          knots: c.knots.length,
          "tail from": c.u,
          "P(tail)": c.pu,
          tail: c.tail,
          shape: c.shape,
        })),
        { caption: "calibration: raw score → tail probability on the training data" },
      ),
    );
  }
  return parts.join("\n");
}
