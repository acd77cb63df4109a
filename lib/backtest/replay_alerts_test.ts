import assert from "node:assert/strict";
import { episodeTimeline } from "./episode_timeline.ts";
import { replayAlerts } from "./replay_alerts.ts";
import type { EpisodeTimeline } from "./types.ts";
import { type Anomaly, SEVERITIES } from "../detect/types.ts";
import { episodeId } from "../detect/anomaly_id.ts";
import { fleetIncidents } from "../fleet/fleet_incidents.ts";
import { toAlerts } from "../alerts/to_alerts.ts";
import { planAlerts } from "../alerts/plan_alerts.ts";
import { recordDeliveries } from "../alerts/record_deliveries.ts";
import type { AlertState } from "../alerts/types.ts";
import { createRng } from "../prng.ts";

const H = 3_600_000;
const events = { episodeGap: 6 * H, minDuration: 2 * H, singlePointMargin: 0.1, digits: 1 };

/** A shard flagged over `[from, to)` hours at `score`. */
function shard(machine: string, spans: Array<[number, number, number]>, n = 72) {
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

/** The replay without its shortcuts: every cycle, every anomaly, one whole state, as runWatchCycle plans. */
function plainReplay(lines: EpisodeTimeline[], from: number, until: number, minShards: number) {
  const sent: string[] = [];
  let state: AlertState = { version: 1, episodes: [] };
  for (let t = from; t - H < until; t += H) {
    const anomalies: Anomaly[] = [];
    const fleetSize: Record<string, number> = {};
    for (const l of lines) {
      const c = Math.floor((t - l.start) / l.step);
      if (l.scoredAt(c)) fleetSize[l.aggregator] = (fleetSize[l.aggregator] ?? 0) + 1;
      for (const ep of l.episodes) {
        let k = -1;
        while (k + 1 < ep.last.length && ep.last[k + 1] <= c) k++;
        const end = l.start + ep.last[k] * l.step;
        if (k < 0 || end < t - 24 * H || ep.severity[k] < 0 || !l.scoredAt(c)) continue;
        const start = l.start + ep.onset * l.step;
        anomalies.push({
          machine: l.machine,
          aggregator: l.aggregator,
          timestamp: "",
          severity: SEVERITIES[ep.severity[k]],
          id: episodeId("anomaly", l.series, start),
          series: l.series,
          start,
          end,
          detectedAt: 0,
          peakAt: 0,
          score: ep.score[k],
          observed: null,
          expected: null,
          reasons: [],
        });
      }
    }
    anomalies.sort((a, b) => a.start - b.start || a.series.localeCompare(b.series));
    const incidents = anomalies.length ? fleetIncidents(anomalies, { fleetSize, minShards, window: H }) : [];
    const alerts = toAlerts(anomalies, { until: t, incidents, step: H });
    const plan = planAlerts(state, alerts, { now: t, sinks: ["backtest"] });
    const results = plan.send.map((a) => ({
      sink: "backtest",
      alertId: a.id,
      subject: a.subject,
      ok: true,
      attempts: 1,
    }));
    state = recordDeliveries(plan.state, plan.send, { results, now: t });
    sent.push(...plan.send.map((a) => `${t / H} ${a.subject} ${a.severity} ${a.id}`));
  }
  return sent;
}

Deno.test("replayAlerts() sends what a plain replay of every cycle sends, fleet incidents coming and going", () => {
  const rng = createRng(7), rand = () => rng.next();
  const days = 12, n = days * 24;
  // 30 shards of one aggregator: scattered episodes of every length and strength, and three fleet-wide bursts
  // that some shards join late and a few outlast (members folded in, then reported alone).
  const lines = Array.from({ length: 30 }, (_, s) => {
    const spans: Array<[number, number, number]> = [];
    for (let e = 0; e < 6; e++) {
      const from = Math.floor(rand() * (n - 20)), len = 1 + Math.floor(rand() * 14);
      spans.push([from, from + len, 0.9 + 0.1 * rand()]);
    }
    for (const burst of [60, 150, 220]) {
      // Most join for a few hours; a few stay on for almost two days, alone once the others left the window.
      const len = rand() < 0.15 ? 40 : 4 + Math.floor(rand() * 6);
      if (rand() < 0.7) spans.push([burst + Math.floor(rand() * 4), burst + len, 0.95]);
    }
    return shard(`n${s}`, spans, n);
  });
  const from = 2 * 24 * H, until = (n - 1) * H;
  const { sent } = replayAlerts(lines, {
    from,
    until,
    interval: H,
    step: H,
    fleet: { minShards: 8, window: H },
    minSeverities: ["low"],
  });
  const expected = plainReplay(lines, from, until, 8);
  assert.ok(expected.some((x) => x.includes("fleet:A")), "fleet incidents are among them");
  assert.ok(expected.length > 50);
  // Within one cycle the order of the sends may differ (each subject is planned on its own).
  const byCycle = (xs: string[]) =>
    xs.sort((a, b) => parseInt(a) - parseInt(b) || (a < b ? -1 : a > b ? 1 : 0));
  assert.deepEqual(
    byCycle(sent.low!.map((a) => `${a.at / H} ${a.subject} ${a.severity} ${a.id}`)),
    byCycle(expected),
  );
});
