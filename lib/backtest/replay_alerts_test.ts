import assert from "node:assert/strict";
import { episodeTimeline } from "./episode_timeline.ts";
import { replayAlerts } from "./replay_alerts.ts";

const H = 3_600_000, n = 72;
const events = { episodeGap: 6 * H, minDuration: 2 * H, singlePointMargin: 0.1, digits: 1 };

/** A shard flagged over `[from, to)` hours at `score`. */
function shard(machine: string, spans: Array<[number, number, number]>) {
  const combined = new Float64Array(n);
  for (const [from, to, score] of spans) for (let i = from; i < to; i++) combined[i] = score;
  const series = {
    key: `s.${machine}.A`,
    labels: { machine, aggregator: "A" },
    start: 0,
    step: H,
    values: new Float64Array(n),
  };
  return episodeTimeline(series, { combined, names: [], raw: [], driver: new Int8Array(n) }, 0.9, events);
}

Deno.test("replayAlerts() folds shards anomalous together into one fleet alert", () => {
  const lines = ["n1", "n2", "n3", "n4"].map((m, i) => shard(m, [[30 + i, 36, 0.95]]));
  const { sent } = replayAlerts(lines, {
    from: 24 * H,
    until: 71 * H,
    interval: H,
    step: H,
    fleet: { minShards: 3, window: H },
  });
  assert.deepEqual(sent.low!.map((a) => [a.kind, a.subject]), [
    ["anomaly", "s.n1.A"], // alone at first (and below the fleet's floor) ...
    ["anomaly", "s.n2.A"],
    ["fleet", "fleet:A"], // ... then the third shard makes it a fleet incident, sent once
  ]);
  assert.deepEqual(sent.high, sent.low, "all of them high: the same at every minimum severity");
});

Deno.test("replayAlerts() sends each escalation once, and a new episode after recovery again", () => {
  // Weak hours (dropped while under 2 h, then low, medium at 3 h), then strong ones (high). A second episode a day
  // later is sent again.
  const lines = [shard("n1", [[30, 34, 0.905], [34, 36, 0.99], [60, 64, 0.905]])];
  const { sent } = replayAlerts(lines, { from: 24 * H, until: 71 * H, interval: H, step: H });
  assert.deepEqual(sent.low!.map((a) => [a.at / H, a.severity, a.escalatedFrom ?? ""]), [
    [31, "low", ""],
    [32, "medium", "low"], // 3 hours long
    [34, "high", "medium"],
    [61, "low", ""],
    [62, "medium", "low"],
  ]);
  assert.deepEqual(sent.high!.map((a) => a.at / H), [34]);
});

Deno.test("replayAlerts() throws on a span that runs backwards, naming it", () => {
  assert.throws(
    () => replayAlerts([], { from: 10, until: 0, interval: 1, step: 1 }),
    /Cannot replay alerts: the span must run forward, current value is 10 \.\. 0/,
  );
});
