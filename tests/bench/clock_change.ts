/**
 * False events where the clocks change: a quiet fleet (6 shards × 6 aggregators, no labelled incident) whose
 * rhythm follows a zone's wall clock (`generateCorpus`'s `timeZone`: the peak hours and the weekend are local),
 * 45 days ending two weeks after a change; a model trained on the 24 days before the last 21 scores those 21
 * days, once on UTC's clock and once on the zone's (`train`'s `timeZone`). Every event is false; the rows say
 * how many each model raised and which detector led them. Also a sharp business-hours rhythm (high 09:00–17:00
 * local, hourly), where an hour's move is a step, not a slope.
 *
 *     deno run --allow-read tests/bench/clock_change.ts
 *
 * @module
 */
import { generateCorpus } from "../../lib/synth/generate.ts";
import { train } from "../../lib/model/train.ts";
import { detect } from "../../lib/detect/detect.ts";
import { utcOffset } from "../../lib/series/local_time.ts";
import type { Series } from "../../lib/series/types.ts";

const DAY = 86_400_000, HOUR = 3_600_000;
const CONDITIONS: { step: number; seed: number; end: string; zone: string }[] = [
  { step: 5, seed: 1, end: "2026-03-22", zone: "America/New_York" },
  { step: 5, seed: 2, end: "2026-03-22", zone: "America/New_York" },
  { step: 5, seed: 3, end: "2026-11-15", zone: "America/New_York" },
  { step: 5, seed: 4, end: "2026-11-15", zone: "America/New_York" },
  { step: 5, seed: 5, end: "2026-04-12", zone: "Europe/Berlin" },
  { step: 1, seed: 6, end: "2026-03-22", zone: "America/New_York" },
  { step: 60, seed: 7, end: "2026-03-22", zone: "America/New_York" },
  { step: 60, seed: 8, end: "2026-11-15", zone: "America/New_York" },
];

function falseEvents(series: Series[], from: number, zone?: string): { count: number; by: string } {
  const cut = series.map((s) => ({ ...s, values: s.values.slice(0, Math.round((from - s.start) / s.step)) }));
  const { anomalies } = detect(train(cut, zone ? { timeZone: zone } : {}), series, { from });
  const by = new Map<string, number>();
  for (const a of anomalies) {
    by.set(a.reasons[0]?.detector ?? "?", (by.get(a.reasons[0]?.detector ?? "?") ?? 0) + 1);
  }
  return {
    count: anomalies.length,
    by: [...by].sort((a, b) => b[1] - a[1]).map(([d, k]) => `${d} ${k}`).join(", "),
  };
}

console.log("| step | zone | change | series-days | false events, UTC clock | on the zone's clock |");
console.log("| --- | --- | --- | --- | --- | --- |");
let utcTotal = 0, zoneTotal = 0;
for (const c of CONDITIONS) {
  const end = Date.parse(`${c.end}T00:00:00Z`);
  const { series } = generateCorpus({
    seed: c.seed,
    shards: 6,
    days: 45,
    step: c.step * 60_000,
    end,
    timeZone: c.zone,
    recent: false,
    anomalyRate: 0,
    cleanDays: 45,
  });
  const from = end - 21 * DAY;
  const utc = falseEvents(series, from), local = falseEvents(series, from, c.zone);
  utcTotal += utc.count;
  zoneTotal += local.count;
  console.log(
    `| ${c.step} min | ${c.zone} | ${c.end.slice(5, 7) < "07" ? "spring" : "autumn"} | ${
      series.length * 21
    } | ${utc.count} (${utc.by}) | ${local.count} (${local.by}) |`,
  );
}
console.log(`| all | | | | ${utcTotal} | ${zoneTotal} |`);

// Business hours in New York, hourly, 40 days from 1 February: trained on 28, scored on the last 12.
const start = Date.UTC(2026, 1, 1), zone = "America/New_York";
const office = [0, 1, 2, 3, 4, 5].map((k): Series => ({
  key: `office${k}`,
  labels: { family: "presence" },
  start,
  step: HOUR,
  values: Float64Array.from({ length: 40 * 24 }, (_, i) => {
    const t = start + i * HOUR, hour = ((t + utcOffset(zone, t)) % DAY) / HOUR;
    return (hour >= 9 && hour < 17 ? 10 : 2) * (1 + 0.05 * Math.sin(i * 7.3 + k));
  }),
}));
const from = start + 28 * DAY;
const utc = falseEvents(office, from), local = falseEvents(office, from, zone);
console.log(
  `\nbusiness hours (6 series × 12 days, hourly): UTC clock ${utc.count} (${utc.by}), ${zone} ${local.count}`,
);
