import assert from "node:assert/strict";
import { captureWriteBack } from "../../tests/support/capture_write_back.ts";
import { parseConfig } from "../sources/config.ts";
import type { SourceRun } from "../sources/fetch_source.ts";
import { generateCorpus } from "../synth/generate.ts";
import { train } from "../model/train.ts";
import { openDetectPool } from "../detect/detect_pool.ts";
import { historyCache, type RangeFetch } from "./history_cache.ts";
import { runDetection } from "./run_detection.ts";

const MIN = 60_000, DAY = 86_400_000;

Deno.test("runDetection() on a detect pool: the same anomalies and the same lines written back, cycle after cycle", async () => {
  // 36 series of 4 days at 1 minute with an incident each on the last day; answered one aggregator at a time,
  // as Graphite's wildcards are, so each batch is scored as it arrives.
  const corpus = generateCorpus({
    shards: 6,
    days: 4,
    step: MIN,
    seed: 23,
    cleanDays: 0,
    evalSpan: { days: 1, perSeries: 1, kinds: ["spike", "flatline", "dropout", "level_shift"] },
  });
  const first = corpus.series[0].start;
  const model = train(corpus.series.map((s) => ({ ...s, values: s.values.slice(0, 2 * 1440) })));
  const config = parseConfig({
    source: "graphite",
    url: "http://graphite.invalid",
    lookback: "24h",
    history: "1d",
    writeBack: { carbon: "127.0.0.1:2003", series: ["score", "anomalous", "expected", "lower", "upper"] },
  }, "test");
  const source: RangeFetch = (from, until, { onBatch }) => {
    const series = corpus.series.map((s) => {
      const i0 = Math.max(0, Math.floor((from - s.start) / MIN) + 1),
        i1 = Math.floor((until - s.start) / MIN);
      return { ...s, start: s.start + i0 * MIN, values: s.values.slice(i0, i1 + 1) };
    });
    const byAggregator = Map.groupBy(series, (s) => s.labels.aggregator);
    for (const batch of byAggregator.values()) onBatch?.(batch);
    const run: SourceRun = {
      source: "fake",
      from: new Date(from).toISOString(),
      until: new Date(until).toISOString(),
      asked: series.length,
      answered: series.length,
      failed: 0,
      failures: [],
      requests: byAggregator.size,
    };
    return Promise.resolve({ series, run });
  };
  const pool = openDetectPool(2);
  try {
    const ways = [undefined, pool].map((p) => ({
      pool: p,
      history: historyCache(config, { source }),
      ...captureWriteBack(config),
    }));
    let since: number | undefined;
    let found = 0;
    for (let cycle = 0; cycle < 4; cycle++) {
      const now = first + 4 * DAY - 33 * MIN + cycle * 5 * MIN;
      const results = [];
      for (const way of ways) {
        const { detected } = await runDetection(config, {
          loaded: model,
          now,
          history: way.history,
          writeBack: { to: way.wb, since },
          pool: way.pool,
          feedback: false,
        });
        await way.wb.writer.flush(1000);
        results.push({
          anomalies: detected.anomalies,
          notes: detected.notes,
          lines: way.lines.splice(0).sort(),
        });
      }
      since = now - 3 * MIN;
      assert.deepEqual(results[1].anomalies, results[0].anomalies, `cycle ${cycle}`);
      assert.deepEqual(results[1].notes, results[0].notes, `cycle ${cycle}`);
      assert.ok(results[0].lines.length > 0, `cycle ${cycle} wrote lines`);
      assert.deepEqual(results[1].lines, results[0].lines, `cycle ${cycle}`);
      found = Math.max(found, results[0].anomalies.length);
    }
    assert.ok(found > 0, "anomalies in the window");
    // One batch per aggregator and cycle (the first cycle's as they arrived), all of them on the pool.
    assert.equal(pool.batches, 6 * 4);
    for (const way of ways) await way.wb.close(1000);
  } finally {
    pool.close();
  }
});
