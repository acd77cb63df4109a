import type { Model } from "../model/schema.ts";
import type { DetectResult } from "../detect/detect.ts";
import type { Anomaly } from "../detect/types.ts";
import type { HydratedAnomaly } from "../hydrate/hydrate.ts";
import type { MethodResult } from "../eval/evaluate.ts";
import { type Displayable, displayable } from "./displayable.ts";
import { modelSummary } from "./model_summary.ts";
import { detectSummary } from "./detect_summary.ts";
import { anomalyTable } from "./anomaly_table.ts";
import { evaluationTable } from "./evaluation_table.ts";

/** What {@link show} renders. */
export type Showable =
  | Model
  | DetectResult
  | readonly Anomaly[]
  | readonly HydratedAnomaly[]
  | readonly MethodResult[];

const isModel = (v: object): v is Model => "schemaVersion" in v && "families" in v;
const isDetectResult = (v: object): v is DetectResult => "anomalies" in v && "notes" in v && "threshold" in v;
const isEvaluation = (v: readonly unknown[]): v is readonly MethodResult[] =>
  v.length > 0 && v.every((r) => typeof r === "object" && r !== null && "method" in r && "metrics" in r);

/**
 * Wraps a result of the library for a notebook: a model (from `train` or `loadModel`) as its summary, a detect
 * result as its summary and anomaly table, a list of anomalies (from `detect` or `hydrate`) as a table, the
 * results of `evaluate` as their tables. The result itself stays plain data; this returns a new value whose
 * only member is the Jupyter display method, so end a cell with `show(result)`.
 *
 * @param value A result of `train`, `loadModel`, `detect`, `runDetection`, `hydrate` or `evaluate`.
 * @returns A value Jupyter renders as `text/html`.
 * @throws {TypeError} When the value is none of those.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { show } from "./show.ts";
 * import { JUPYTER_DISPLAY } from "./displayable.ts";
 * const shown = show({ anomalies: [], notes: [], profile: "strict", threshold: 0.9, scored: 3 });
 * assert.ok(String(shown[JUPYTER_DISPLAY]()["text/html"]).includes("3"));
 * assert.ok(String(show([])[JUPYTER_DISPLAY]()["text/html"]).length > 0);
 * ```
 */
export function show(value: Showable): Displayable {
  const html = (render: () => string) => displayable({}, () => ({ "text/html": render() }));
  if (Array.isArray(value)) {
    const list = value as readonly unknown[];
    return isEvaluation(list)
      ? html(() => evaluationTable(list as MethodResult[]))
      : html(() => anomalyTable(list as Anomaly[]));
  }
  const v = value as object;
  if (isModel(v)) return html(() => modelSummary(v));
  if (isDetectResult(v)) return html(() => detectSummary(v));
  throw new TypeError(
    `Cannot show: expected a model, a detect result, a list of anomalies or evaluation results, current value is ${
      Object.keys(v).slice(0, 5).join(", ") || typeof value
    }`,
  );
}
