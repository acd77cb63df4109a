import assert from "node:assert/strict";
import { generateCorpus, type GenerateOptions } from "./generate.ts";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

Deno.test("generateCorpus() noise multiplies the log-normal noise and leaves the rest unchanged", () => {
  const base: GenerateOptions = { shards: 1, days: 10, seed: 3, aggregators: ["A", "B"], recent: false };
  const [quiet, once, twice] = [0, 1, 2].map((noise) => generateCorpus({ ...base, noise }));
  assert.deepEqual(once.labels, quiet.labels);
  assert.equal(once.options.noise, 1);
  for (let s = 0; s < quiet.series.length; s++) {
    const q = quiet.series[s].values, v1 = once.series[s].values, v2 = twice.series[s].values;
    let spread = 0;
    for (let i = 0; i < q.length; i++) {
      if (Number.isNaN(q[i])) {
        assert.ok(Number.isNaN(v1[i]) && Number.isNaN(v2[i]));
        continue;
      }
      const r1 = Math.log(v1[i] / q[i]), r2 = Math.log(v2[i] / q[i]);
      assert.ok(Math.abs(r2 - 2 * r1) < 1e-9, `point ${i}: ${r1} vs ${r2}`);
      spread += r1 * r1;
    }
    const sigma = Math.sqrt(spread / q.length);
    assert.ok(sigma > 0.08 && sigma < 0.2, `σ ${sigma}`);
  }
});

Deno.test("generateCorpus() sizes and evalSpan plant incidents of the sizes asked, in the final span", () => {
  const corpus = generateCorpus({
    shards: 4,
    days: 9,
    step: MINUTE,
    seed: 5,
    noise: 0,
    weekly: false,
    anomalyRate: 0,
    sizes: {
      spike: { factor: [3, 20], minutes: [1, 60] },
      stall: { factor: [10, 30], climbHours: [1, 6] },
      flatline: { hours: [1, 12] },
      dropout: { hours: [1, 12] },
    },
    evalSpan: { days: 4, perSeries: 2, kinds: ["spike", "stall", "flatline", "dropout"] },
  });
  const spanStart = corpus.options.end - 4 * DAY;
  assert.equal(corpus.labels.length, corpus.series.length * 2);
  const counts: Record<string, number> = {};
  for (const label of corpus.labels) {
    counts[label.kind] = (counts[label.kind] ?? 0) + 1;
    assert.ok(label.start >= spanStart && label.end < corpus.options.end);
    const s = corpus.series.find((x) => x.key === label.series)!;
    const a = (label.start - s.start) / s.step, b = (label.end - s.start) / s.step;
    const minutes = (label.end - label.start) / MINUTE + 1;
    const dayBefore = (i: number) => s.values[i - DAY / s.step];
    if (label.kind === "spike") {
      assert.ok(minutes >= 1 && minutes <= 60, `spike of ${minutes} min`);
      const ratio = s.values[a] / dayBefore(a);
      assert.ok(ratio > 3 * 0.7 && ratio < 20 * 1.4, `spike ×${ratio}`);
    } else if (label.kind === "stall") {
      let peak = 0, at = a;
      for (let i = a; i <= b; i++) if (s.values[i] > peak) [peak, at] = [s.values[i], i];
      const ratio = peak / dayBefore(at);
      assert.ok(ratio > 10 * 0.5 && ratio < 30 * 2, `stall ×${ratio}`);
      assert.ok(at - a <= (6 * HOUR) / s.step, "the climb is within 6 h");
    } else {
      assert.ok(minutes >= 60 && minutes <= 12 * 60, `${label.kind} of ${minutes} min`);
      const slice = s.values.slice(a, b + 1);
      if (label.kind === "dropout") assert.ok(slice.every(Number.isNaN));
      else assert.ok(slice.every((v) => v === slice[0]));
    }
  }
  assert.deepEqual(counts, { spike: 12, stall: 12, flatline: 12, dropout: 12 });
  // At a 1 h step a spike is one point.
  const hourly = generateCorpus({
    shards: 2,
    days: 10,
    seed: 5,
    anomalyRate: 0,
    sizes: { spike: { factor: [3, 20], minutes: [1, 60] } },
    evalSpan: { days: 4, perSeries: 2, kinds: ["spike"] },
  });
  assert.ok(hourly.labels.length === 24 && hourly.labels.every((l) => l.start === l.end));
});

Deno.test("generateCorpus() kinds restricts the historical anomalies; bad extras are refused", () => {
  const corpus = generateCorpus({ shards: 3, days: 200, seed: 8, kinds: ["dropout"], recent: false });
  assert.ok(corpus.labels.length > 20 && corpus.labels.every((l) => l.kind === "dropout"));
  assert.equal(generateCorpus({ shards: 1, days: 60, kinds: [], recent: false }).labels.length, 0);
  const cases: [GenerateOptions, string][] = [
    [{ noise: -1 }, "noise must be a finite number >= 0, current value is -1"],
    [{ sizes: { spike: { factor: [5, 2], minutes: [1, 2] } } }, "sizes.spike.factor must be [lo, hi]"],
    [{ days: 3, evalSpan: { days: 3, perSeries: 1 } }, "evalSpan.days must be > 0"],
    [{ evalSpan: { days: 1, perSeries: 0 } }, "evalSpan.perSeries must be an integer >= 1"],
  ];
  for (const [options, detail] of cases) {
    assert.throws(() => generateCorpus(options), (err: Error) => {
      assert.ok(err instanceof RangeError && err.message.includes(detail), err.message);
      return true;
    });
  }
});
