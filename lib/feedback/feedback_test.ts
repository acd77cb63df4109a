import assert from "node:assert/strict";
import { readFeedback } from "./read_feedback.ts";
import { appendFeedback } from "./append_feedback.ts";
import { activeDecisions } from "./active_decisions.ts";
import { applyFeedback } from "./apply_feedback.ts";
import { compareShapes } from "./compare_shapes.ts";
import { episodeShape } from "./episode_shape.ts";
import { makeDecision } from "./make_decision.ts";
import { exportLabels } from "./export_labels.ts";
import type { Anomaly } from "../detect/types.ts";
import type { FeedbackDecision } from "./types.ts";

const MIN = 60_000, H = 60 * MIN, D = 24 * H;
const T = Date.UTC(2026, 10, 1, 2, 0);

function anomaly(start: number, o: Partial<Anomaly> = {}): Anomaly {
  return {
    machine: "n1",
    aggregator: "A",
    timestamp: new Date(start).toISOString(),
    severity: "medium",
    id: `a-${start}`,
    series: "s.n1.A",
    start,
    end: start + 15 * MIN,
    detectedAt: start,
    peakAt: start,
    score: 0.6,
    observed: 4,
    expected: 1,
    reasons: [{ detector: "robust_z", score: 0.6, detail: "" }, {
      detector: "seasonal_lag",
      score: 0.5,
      detail: "",
    }],
    ...o,
  };
}

const decide = (a: Anomaly, decision: FeedbackDecision["decision"] = "not_anomalous") =>
  makeDecision({ kind: "anomaly", anomaly: a, file: "x" }, {
    decision,
    id: "fb-1",
    by: "ops",
    at: T + H,
    reason: "nightly batch",
  });

Deno.test("readFeedback() names the file and line of a bad line, and the field", async () => {
  const path = `${await Deno.makeTempDir()}/feedback.jsonl`;
  const good = JSON.stringify(decide(anomaly(T)));
  await Deno.writeTextFile(path, `${good}\n\n{not json\n`);
  await assert.rejects(
    readFeedback(path),
    (e: Error) => e instanceof SyntaxError && /feedback\.jsonl line 3 is not JSON/.test(e.message),
  );
  await Deno.writeTextFile(path, `${good}\n${JSON.stringify({ ...JSON.parse(good), decision: "maybe" })}\n`);
  await assert.rejects(
    readFeedback(path),
    /line 2: decision must be "not_anomalous" or "anomalous", current value is "maybe"/,
  );
});

Deno.test("appendFeedback() keeps every line when several write at once, and refuses to undo what is not there", async () => {
  const path = `${await Deno.makeTempDir()}/models/feedback.jsonl`;
  const lines = Array.from({ length: 12 }, (_, k) => ({ ...decide(anomaly(T + k * D)), id: `fb-${k}` }));
  await Promise.all(lines.map((l) => appendFeedback(path, l, { now: 0 })));
  const back = await readFeedback(path);
  assert.deepEqual(back.map((l) => l.id).sort(), lines.map((l) => l.id).sort());
  await assert.rejects(
    appendFeedback(path, { id: "fb-u", undo: "fb-nope", by: "a", at: "2026-01-01T00:00:00Z" }, { now: 0 }),
    /Cannot undo: no decision fb-nope/,
  );
  await appendFeedback(path, { id: "fb-u", undo: "fb-3", by: "a", at: "2026-01-01T00:00:00Z" }, { now: 0 });
  assert.equal(activeDecisions(await readFeedback(path), 0).length, 11);
});

Deno.test("compareShapes() holds each count to its tolerance", () => {
  const base = episodeShape(anomaly(T));
  const cases: [string, Partial<Anomaly>, number, boolean][] = [
    ["the same bump a night later", {}, D, true],
    [
      "a little stronger, a little longer, 20 min later in the day",
      { observed: 5, end: T + D + 20 * MIN + 25 * MIN },
      D + 20 * MIN,
      true,
    ],
    ["three times the magnitude", { observed: 64 }, D, false],
    ["three times as long", { end: T + D + 50 * MIN }, D, false],
    ["90 min later in the day", {}, D + 90 * MIN, false],
    ["other detectors", { reasons: [{ detector: "stall", score: 0.6, detail: "" }] }, D, false],
    [
      "fewer detectors than marked (a quieter night)",
      { reasons: [{ detector: "seasonal_lag", score: 0.6, detail: "" }] },
      D,
      true,
    ],
    [
      "more detectors than marked, most of them new",
      {
        reasons: ["robust_z", "stall", "flatline"].map((detector) => ({ detector, score: 0.6, detail: "" })),
      },
      D,
      false,
    ],
    ["a gap (no magnitude): by the scores", { observed: null, score: 0.62 }, D, true],
  ];
  for (const [what, o, shift, like] of cases) {
    const later = anomaly(T + shift, { ...o, end: o.end ?? T + shift + 15 * MIN });
    assert.equal(compareShapes(episodeShape(later), base).like, like, what);
  }
});

Deno.test("applyFeedback() dismisses the episode marked and those like it, keeps other shapes and series", () => {
  const marked = anomaly(T);
  const decision = decide(marked);
  const later = [1, 2, 3].map((k) => anomaly(T + k * D));
  const spike = anomaly(T + D + 12 * H, { observed: 20 }); // another time, another size
  const other = anomaly(T + D, { series: "s.n2.A", machine: "n2" });
  const { kept, dismissed } = applyFeedback([marked, ...later, spike, other], [decision]);
  assert.deepEqual(dismissed.map((a) => a.start), [T, T + D, T + 2 * D, T + 3 * D]);
  assert.deepEqual(kept.map((a) => a.id), [spike.id, other.id]);
  assert.match(dismissed[0].reasons[0].detail, /^marked normal by ops \("nightly batch"\)/);
  assert.match(
    dismissed[1].reasons[0].detail,
    /^like the episode marked normal on 2026-11-01 02:00 UTC by ops \("nightly batch"\): magnitude ×1\.0, duration ×1\.0, 0 min apart in the day, detectors 1\.0 alike \(decision fb-1\)$/,
  );
  assert.equal(dismissed[1].dismissedBy, "fb-1");
  // A confirmed anomaly changes nothing here, nor a withdrawn or expired decision.
  assert.equal(applyFeedback(later, [decide(marked, "anomalous")]).kept.length, 3);
  const expired = { ...decision, expires: new Date(T).toISOString() };
  assert.equal(applyFeedback(later, activeDecisions([expired], T + 2 * D)).kept.length, 3);
});

Deno.test("makeDecision() on a fleet incident gives each member a span; exportLabels names the kind", () => {
  const members = [anomaly(T), anomaly(T, { series: "s.n2.A", machine: "n2" })];
  const incident = {
    id: "f-0000000000a",
    aggregator: "A",
    start: T,
    end: T + 15 * MIN,
    timestamp: "",
    machines: ["n1", "n2"],
    fleetSize: 20,
    fraction: 0.1,
    severity: "medium" as const,
    score: 0.6,
    series: members.map((m) => m.series),
    detail: "",
  };
  const d = makeDecision({ kind: "fleet", incident, members, file: "x" }, {
    decision: "anomalous",
    id: "fb-2",
    by: "ops",
    at: T,
    kind: "spike",
  });
  assert.deepEqual(d.spans.map((s) => s.series), ["s.n1.A", "s.n2.A"]);
  assert.equal(d.anomaly, "f-0000000000a");
  assert.deepEqual(exportLabels([d]).labels.map((l) => [l.series, l.kind, l.machine]), [[
    "s.n1.A",
    "spike",
    "n1",
  ], ["s.n2.A", "spike", "n2"]]);
});
