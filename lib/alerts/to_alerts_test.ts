import assert from "node:assert/strict";
import type { Anomaly, Severity } from "../detect/types.ts";
import type { HydratedAnomaly } from "../hydrate/hydrate.ts";
import type { FleetIncident } from "../fleet/types.ts";
import { toAlerts } from "./to_alerts.ts";
import { episodeId } from "../detect/anomaly_id.ts";

const H = 3_600_000;

function anomaly(
  machine: string,
  aggregator: string,
  start: number,
  end: number,
  extra: Partial<Anomaly> = {},
) {
  const series = `statsd.${machine}.gauges.aggregator.agg_length_behind_ratio.${aggregator}`;
  return {
    machine,
    aggregator,
    timestamp: new Date(start).toISOString(),
    severity: "medium" as Severity,
    id: episodeId("anomaly", series, start),
    series,
    start,
    end,
    detectedAt: start,
    peakAt: start,
    score: 0.7,
    observed: 0.3,
    expected: 0.04,
    reasons: [{ detector: "seasonal_lag", score: 0.7, detail: "0.3 vs 0.04 expected (same hour)" }],
    ...extra,
  } satisfies Anomaly;
}

Deno.test("toAlerts() folds the members of a fleet incident into one alert", () => {
  const machines = Array.from({ length: 20 }, (_, i) => `n${String(i).padStart(3, "0")}`);
  const members = machines.map((m) => anomaly(m, "Probe", 10 * H, 12 * H));
  const later = anomaly("n000", "Probe", 30 * H, 31 * H); // same series, outside the incident: its own alert
  const other = anomaly("n001", "Other", 10 * H, 11 * H, { severity: "high", score: 0.95 });
  const incident: FleetIncident = {
    id: episodeId("fleet", "Probe", 10 * H),
    aggregator: "Probe",
    start: 10 * H,
    end: 12 * H,
    timestamp: new Date(10 * H).toISOString(),
    machines,
    fleetSize: 50,
    fraction: 0.4,
    severity: "high",
    score: 0.8,
    series: members.map((a) => a.series),
    detail: "20 of 50 shards of Probe anomalous between 10:00 and 12:00 UTC",
  };
  const alerts = toAlerts([...members, later, other], { until: 40 * H, incidents: [incident] });
  assert.equal(alerts.length, 3);
  const fleet = alerts.find((a) => a.kind === "fleet")!;
  assert.equal(fleet.subject, "fleet:Probe");
  assert.equal(fleet.machine, undefined);
  assert.deepEqual(fleet.machines, machines);
  assert.equal(fleet.fleetSize, 50);
  assert.equal(fleet.series.length, 20);
  assert.deepEqual(fleet.reasons, [incident.detail, "detectors: seasonal_lag on 20 shards"]);
  assert.equal(fleet.title, "High: 20 of 50 shards · Probe");
  assert.match(fleet.summary, /shards: n000, n001, .*\(\+12 more\)/);
  assert.deepEqual(alerts.map((a) => a.subject), [
    "statsd.n001.gauges.aggregator.agg_length_behind_ratio.Other",
    "fleet:Probe",
    later.series,
  ]);
});

Deno.test("toAlerts() sorts by severity, then score, then start", () => {
  const alerts = toAlerts([
    anomaly("a", "X", 0, 0, { severity: "low", score: 0.99 }),
    anomaly("b", "X", 5 * H, 5 * H, { severity: "high", score: 0.8 }),
    anomaly("c", "X", 0, 0, { severity: "high", score: 0.8 }),
    anomaly("d", "X", 0, 0, { severity: "high", score: 0.9 }),
    anomaly("e", "X", 0, 0, { severity: "medium", score: 0.5 }),
  ], { until: 10 * H });
  assert.deepEqual(alerts.map((a) => a.machine), ["d", "c", "b", "e", "a"]);
});

Deno.test("toAlerts() marks an episode ongoing within about one step of until and counts the last step", () => {
  const cases: [end: number, until: number, step: number, ongoing: boolean][] = [
    [10 * H, 10 * H, H, true],
    [9 * H, 10.5 * H, H, true], // the newest bucket still incomplete
    [8 * H, 10 * H, H, true],
    [7 * H, 10 * H, H, false],
    [9 * 60_000, 10 * 60_000, 60_000, true],
    [5 * 60_000, 10 * 60_000, 60_000, false],
  ];
  for (const [end, until, step, ongoing] of cases) {
    const [alert] = toAlerts([anomaly("n1", "X", 0, end)], { until, step });
    assert.equal(alert.ongoing, ongoing, `end ${end} until ${until} step ${step}`);
    assert.equal(alert.durationMs, end + step);
  }
  const [alert] = toAlerts([anomaly("n1", "X", 0, 10 * H)], { until: 10 * H });
  assert.match(alert.summary, /now \(ongoing\), 11 h/);
});

Deno.test("toAlerts() says why in words and carries the hydration figures", () => {
  const base = anomaly("n1", "Probe", 10 * H, 12 * H, {
    severity: "high",
    observed: null,
    reasons: [
      { detector: "missing_data", score: 0.9, detail: "no data for 3 h" },
      { detector: "stall", score: 0.6, detail: "lag climbing for 5 h" },
    ],
  });
  const hydrated: HydratedAnomaly = {
    ...base,
    context: { from: 0, to: 24 * H, points: 25 },
    max_value: 0.5,
    avg_value: 0.12345,
    valid_pct: 0.88,
    min_value: 0,
    p50_value: 0.1,
    p95_value: 0.4,
    value_24h_before: null,
    value_72h_before: null,
    flat_pct: 0,
  };
  const [alert] = toAlerts([hydrated], { until: 20 * H });
  assert.deepEqual(alert.reasons, ["missing_data: no data for 3 h", "stall: lag climbing for 5 h"]);
  assert.deepEqual(alert.hydration, { max_value: 0.5, avg_value: 0.12345, valid_pct: 0.88 });
  assert.equal(alert.observed, null);
  assert.equal(alert.ongoing, false);
  assert.equal(alert.title, "High: n1 · Probe");
  assert.equal(alert.id, base.id);
  assert.equal(alert.id, episodeId("anomaly", base.series, 10 * H));
  assert.equal(
    alert.summary,
    [
      "high anomaly (score 0.7), 1970-01-01 10:00 UTC → 1970-01-01 12:00 UTC, 3 h",
      "observed no data vs 0.04 expected",
      "why: missing_data: no data for 3 h; stall: lag climbing for 5 h",
      "24 h around it: max 0.5, avg 0.123, 88% of points valid",
      `series ${base.series}`,
    ].join("\n"),
  );
  const [missing] = toAlerts([{ ...hydrated, error: "series was not in the source" }], { until: 20 * H });
  assert.equal(missing.hydration, undefined, "no figures when the context could not be computed");
  const [plain] = toAlerts([base], { until: 20 * H });
  assert.equal(plain.hydration, undefined);
});

Deno.test("toAlerts() rejects a non-finite until and a non-positive step", () => {
  assert.throws(
    () => toAlerts([], { until: NaN }),
    {
      name: "RangeError",
      message: "Cannot build alerts: until must be a finite epoch-ms time, current value is NaN",
    },
  );
  assert.throws(
    () => toAlerts([], { until: 0, step: 0 }),
    {
      name: "RangeError",
      message: "Cannot build alerts: step must be a positive number of ms, current value is 0",
    },
  );
});
