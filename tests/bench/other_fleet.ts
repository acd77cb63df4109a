/**
 * A fleet made differently from `lib/synth`, the way an export we have not seen might differ: a cosine daily
 * rhythm (or a double peak), noise that is log-normal, autocorrelated (AR(1), φ 0.9), heavy-tailed (Student t,
 * 5 degrees of freedom), Poisson counts, or values rounded as a one-decimal percentage (`0.3%`); 36 series of
 * 30 days at 5 minutes, one or two incidents each — spikes ×5–20 for 15–60 min, climbs to ×10–30 within 1–6 h,
 * flatlines and gaps of 1–12 h, levels ×3–6 for 12–36 h — anywhere after the first day, the first two weeks
 * included. Trained in-sample (the same 30 days, incidents included, as a user trains) and scored; one row per
 * condition and seed. A check, not a tuning set: nothing in the detector was chosen on it.
 *
 *     deno run --allow-read tests/bench/other_fleet.ts [SEEDS=1,2]
 *
 * @module
 */
import { createRng, type Rng } from "../../lib/prng.ts";
import { evaluate } from "../../lib/eval/evaluate.ts";
import type { Series } from "../../lib/series/types.ts";
import type { AnomalyKind, AnomalyLabel } from "../../lib/presence.ts";

const DAY = 86_400_000, HOUR = 3_600_000, STEP = 300_000, DAYS = 30;
const CONDITIONS = ["log-normal", "double peak", "AR(1)", "Student t", "counts", "one-decimal %"] as const;
type Condition = typeof CONDITIONS[number];

function poisson(rng: Rng, lambda: number): number {
  if (lambda > 50) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.normal()));
  let k = 0, p = Math.exp(-lambda), sum = p;
  const u = rng.uniform(0, 1);
  while (u > sum) p *= lambda / ++k, sum += p;
  return k;
}

function fleet(condition: Condition, seed: number): { series: Series[]; labels: AnomalyLabel[] } {
  const rng = createRng(seed);
  const n = (DAYS * DAY) / STEP, start = Date.UTC(2026, 5, 1), perDay = DAY / STEP;
  const series: Series[] = [], labels: AnomalyLabel[] = [];
  const t5 = () =>
    rng.normal() / Math.sqrt(Array.from({ length: 5 }, () => rng.normal() ** 2).reduce((a, b) => a + b) / 5);
  for (let k = 0; k < 36; k++) {
    const machine = `n${300 + (k % 6)}-primary-meraki-com`, aggregator = `Other.agg${Math.floor(k / 6)}`;
    const key = `statsd.${machine}.gauges.aggregator.agg_length_behind_ratio.${aggregator}`;
    const base = 0.002 * 25 ** rng.uniform(0, 1), amp = rng.uniform(0.2, 0.7), peak = rng.uniform(10, 18);
    const sigma = rng.uniform(0.08, 0.25), weekend = rng.uniform(0.6, 0.95);
    const values = new Float64Array(n);
    let ar = 0;
    for (let i = 0; i < n; i++) {
      const t = start + i * STEP, phase = (((t % DAY) / HOUR - peak) / 24) * 2 * Math.PI;
      const day = new Date(t).getUTCDay();
      const shape = condition === "double peak"
        ? 1 + amp * (0.6 * Math.cos(phase) + 0.4 * Math.cos(2 * phase))
        : 1 + amp * Math.cos(phase);
      ar = 0.9 * ar + Math.sqrt(1 - 0.81) * rng.normal();
      const e = condition === "AR(1)" ? ar : condition === "Student t" ? 0.75 * t5() : rng.normal();
      const x = base * shape * (day === 0 || day === 6 ? weekend : 1) * Math.exp(sigma * e);
      values[i] = condition === "counts"
        ? poisson(rng, x * 2000) / 2000
        : condition === "one-decimal %"
        ? Math.round(x * 1000) / 1000
        : x;
    }
    const kinds: AnomalyKind[] = ["spike", "spike", "spike", "stall", "flatline", "dropout", "level_shift"];
    const count = k % 3 === 0 ? 2 : 1;
    let after = perDay;
    for (let c = 0; c < count && after < n - 2 * perDay; c++) {
      const kind = kinds[rng.int(0, kinds.length - 1)];
      const s0 = Math.floor(rng.uniform(after, Math.min(n - 2 * perDay, after + (n - after) / (count - c))));
      const hours = (lo: number, hi: number) => Math.max(2, Math.round((rng.uniform(lo, hi) * HOUR) / STEP));
      const len = kind === "spike"
        ? Math.max(3, Math.round((rng.uniform(15, 60) * 60_000) / STEP))
        : kind === "stall"
        ? hours(1, 6)
        : kind === "level_shift"
        ? hours(12, 36)
        : hours(1, 12);
      const f = kind === "spike"
        ? rng.uniform(5, 20)
        : kind === "stall"
        ? rng.uniform(10, 30)
        : rng.uniform(3, 6);
      for (let i = s0; i < s0 + len; i++) {
        if (kind === "spike" || kind === "level_shift") values[i] *= f;
        else if (kind === "stall") values[i] *= 1 + ((f - 1) * (i - s0 + 1)) / len;
        else if (kind === "flatline") values[i] = values[s0 - 1];
        else values[i] = NaN;
      }
      labels.push({
        series: key,
        machine,
        aggregator,
        kind,
        start: start + s0 * STEP,
        end: start + (s0 + len - 1) * STEP,
      });
      after = s0 + len + 4 * perDay;
    }
    series.push({ key, labels: { machine, aggregator, family: "presence" }, start, step: STEP, values });
  }
  return { series, labels };
}

const seeds = (Deno.args[0] ?? "1,2").split(",").map(Number);
console.log(
  "| condition | seed | labels | found | in the first two weeks | false events | per series-month | F1 |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
let fp = 0, found = 0, total = 0;
for (const condition of CONDITIONS) {
  for (const seed of seeds) {
    const { series, labels } = fleet(condition, seed);
    const [strict] = evaluate(series, series, labels, { baseline: false });
    const m = strict.metrics;
    const early = labels.filter((l) => l.start < series[0].start + 14 * DAY);
    const missed = Object.entries(m.perKind).filter(([, k]) => k.detected < k.labels)
      .map(([kind, k]) => `${kind} ${k.detected}/${k.labels}`);
    fp += m.fp, found += m.detected, total += m.labels;
    console.log(
      `| ${condition} | ${seed} | ${m.labels} | ${m.detected}${
        missed.length ? ` (${missed.join(", ")})` : ""
      } | ` +
        `${early.length} | ${m.fp} | ${m.falseEventsPerSeriesMonth.toFixed(2)} | ${m.f1.toFixed(3)} |`,
    );
  }
}
const months = (CONDITIONS.length * seeds.length * 36 * DAYS) / 30.4375;
console.log(
  `all: ${found} of ${total} found, ${fp} false events (${(fp / months).toFixed(2)} per series-month)`,
);
