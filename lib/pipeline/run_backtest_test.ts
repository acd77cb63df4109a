import assert from "node:assert/strict";
import { parseConfig } from "../sources/config.ts";
import { fetchSource } from "../sources/fetch_source.ts";
import { crop } from "../series/crop.ts";
import { train } from "../model/train.ts";
import { detect } from "../detect/detect.ts";
import { thresholdAt } from "../model/threshold_at.ts";
import { toAlerts } from "../alerts/to_alerts.ts";
import type { Alert, Sink } from "../alerts/types.ts";
import { episodeTimeline } from "../backtest/episode_timeline.ts";
import { scoredAt } from "../backtest/scored_at.ts";
import { replayAlerts } from "../backtest/replay_alerts.ts";
import type { EpisodeTimeline } from "../backtest/types.ts";
import { runWatch } from "./run_watch.ts";
import { runBacktest } from "./run_backtest.ts";

const H = 3_600_000, DAY = 24 * H;
const DATA = new URL("../../data", import.meta.url).pathname;
// A small fleet view (the sample has 6 shards); peers are not replayed.
const config = parseConfig(
  { source: "replay", data: [DATA], fleet: { minShards: 2, window: "6h", peers: false } },
  "test",
);

/** What identifies an alert for the comparison (its text and "ongoing" flag aside). */
const shape = (a: Alert) =>
  `${a.id} ${a.subject} ${a.kind} ${a.severity} ${a.start}..${a.end} ${a.series.join(",")}`;

Deno.test("replayAlerts() sends what runWatch sends over the same two days, cycle by cycle", async () => {
  const { series: all } = await fetchSource(config);
  const end = Math.max(...all.map((s) => s.start + (s.values.length - 1) * s.step));
  const from = end - 2 * DAY;
  const model = train(all.map((s) => crop(s, -Infinity, from - 1)), { family: config.family, now: from });
  const family = model.families[model.family];
  const threshold = family.thresholds[model.profile];

  // The watch loop itself: a fresh state file, one cycle per hour from `from` to the end of the data.
  const dir = await Deno.makeTempDir({ prefix: "backtest_" });
  const watched = new Map<number, string[]>(), watchSent: string[] = [];
  const sink: Sink = {
    name: "console",
    send: (alerts) => {
      return Promise.resolve(alerts.map((a) => {
        watchSent.push(`${a.subject} ${a.severity} ${a.id}`);
        return { sink: "console", alertId: a.id, subject: a.subject, ok: true, attempts: 1 };
      }));
    },
  };
  try {
    await runWatch(config, {
      model,
      sinks: [sink],
      statePath: `${dir}/state.json`,
      interval: H,
      start: new Date(from).toISOString(),
      clock: () => 0,
      onCycle: (log, findings) => {
        const until = Date.parse(log.now);
        const alerts = toAlerts(findings!.anomalies, {
          until,
          incidents: findings!.incidents,
          step: model.trainedOn.step,
        });
        watched.set(until, alerts.map(shape));
      },
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }

  // The replay: scored once, episodes as they grew, planning every hour on an in-memory state.
  const lines: EpisodeTimeline[] = [];
  detect(model, all, {
    from: Infinity,
    onScored: ({ series, scores }) => {
      const range = family.seriesRanges[series.key];
      const varied = !!range && range.p05 !== range.p99;
      lines.push(
        episodeTimeline(
          series,
          scores,
          thresholdAt(threshold, model.trainedOn.step, series.step, model.ensemble.digits),
          {
            ...model.events,
            digits: model.ensemble.digits,
            scoredAt: scoredAt(series, varied),
          },
        ),
      );
    },
  });
  const replayed = new Map<number, string[]>();
  const { sent, cycles } = replayAlerts(lines, {
    from,
    until: end,
    interval: H,
    step: model.trainedOn.step,
    fleet: { minShards: 2, window: 6 * H },
    minSeverities: ["low"],
    onCycle: (now, alerts) => void replayed.set(now, alerts.map(shape)),
  });

  assert.equal(cycles, 49);
  assert.deepEqual([...replayed.keys()], [...watched.keys()]);
  for (const [t, alerts] of watched) {
    assert.deepEqual(replayed.get(t), alerts, `cycle at ${new Date(t).toISOString()}`);
  }
  assert.ok(watchSent.length > 0, "the sample's last two days have alerts");
  assert.deepEqual(sent.low!.map((a) => `${a.subject} ${a.severity} ${a.id}`), watchSent);
});

Deno.test("runBacktest() counts fewer alerts at a higher minimum severity, and reports labels by kind", async () => {
  const labels = JSON.parse(await Deno.readTextFile(`${DATA}/labels.json`)).labels.map((
    l: { start: string; end: string },
  ) => ({ ...l, start: Date.parse(l.start), end: Date.parse(l.end) }));
  const result = await runBacktest(config, { from: "-20d", interval: H, labels, sweep: 5 });
  for (const p of result.profiles) {
    const { low, medium, high } = p.minSeverity;
    assert.ok(
      low.alerts >= medium.alerts && medium.alerts >= high.alerts,
      `${p.profile}: low ≥ medium ≥ high`,
    );
    assert.equal(low.perDay.reduce((a, b) => a + b, 0), low.alerts);
    assert.equal(low.perDay.length, 20);
    assert.ok(low.detection && low.detection.length > 0);
    for (const k of low.detection) assert.ok(k.detected <= k.labels && k.recall >= 0 && k.recall <= 1);
  }
  assert.equal(result.sweep.length, 5);
  assert.deepEqual(result.sweep.filter((p) => p.profile).map((p) => p.profile).sort(), [
    "permissive",
    "strict",
  ]);
  assert.ok(result.sweep.every((p, i) => i === 0 || p.threshold > result.sweep[i - 1].threshold));
});
