import assert from "node:assert/strict";
import type { AlertState, DeliveryResult } from "./types.ts";
import { recordDeliveries } from "./record_deliveries.ts";
import { planAlerts } from "./plan_alerts.ts";
import { toAlerts } from "./to_alerts.ts";
import { fleetIncidents } from "../fleet/fleet_incidents.ts";
import { testAlert } from "../../tests/support/alert_receiver.ts";
import { episodeId } from "../detect/anomaly_id.ts";

const H = 3_600_000;

const result = (sink: string, alertId: string, ok: boolean): DeliveryResult => ({
  sink,
  alertId,
  subject: alertId.split("@")[0],
  ok,
  attempts: 1,
  ...(ok ? {} : { error: "HTTP 500" }),
});

Deno.test("recordDeliveries() records only successful deliveries", () => {
  const a = testAlert({ subject: "a", start: 0, end: H });
  const b = testAlert({ subject: "b", start: 0, end: H, kind: "fleet" });
  const state = recordDeliveries({ version: 1, episodes: [] }, [a, b], {
    results: [result("slack", a.id, true), result("grafana", a.id, false), result("slack", b.id, false)],
    now: 5 * H,
  });
  assert.deepEqual(state, {
    version: 1,
    episodes: [{
      // The id it was delivered under, remembered for the cycles after.
      id: a.id,
      subject: "a",
      kind: "anomaly",
      start: 0,
      end: H,
      severity: "high",
      sent: { slack: "high" },
      firstSentAt: 5 * H,
      lastSentAt: 5 * H,
      lastSeenAt: 5 * H,
    }],
  });
});

Deno.test("recordDeliveries() raises the severity sent on an escalation and extends the episode", () => {
  const medium = testAlert({ subject: "a", start: 0, end: H, severity: "medium" });
  let state = recordDeliveries({ version: 1, episodes: [] }, [medium], {
    results: [result("slack", medium.id, true), result("grafana", medium.id, true)],
    now: H,
  });
  const high = testAlert({ subject: "a", start: 0, end: 3 * H, severity: "high", escalatedFrom: "medium" });
  state = recordDeliveries(state, [high], { results: [result("slack", high.id, true)], now: 3 * H });
  assert.equal(state.episodes.length, 1);
  const [ep] = state.episodes;
  assert.deepEqual(ep.sent, { slack: "high", grafana: "medium" });
  assert.equal(ep.severity, "high");
  assert.equal(ep.end, 3 * H);
  assert.equal(ep.firstSentAt, H);
  assert.equal(ep.lastSentAt, 3 * H);
});

Deno.test("recordDeliveries() keeps episodes sorted and leaves the given state alone", () => {
  const given = { version: 1 as const, episodes: [] };
  const alerts = ["c", "a", "b"].map((s) => testAlert({ subject: s }));
  const state = recordDeliveries(given, alerts, {
    results: alerts.map((a) => result("webhook", a.id, true)),
    now: 0,
  });
  assert.deepEqual(state.episodes.map((e) => e.subject), ["a", "b", "c"]);
  assert.deepEqual(given.episodes, []);
  assert.throws(() => recordDeliveries(given, [], { results: [], now: Infinity }), {
    name: "RangeError",
    message: "Cannot record deliveries: now must be a finite epoch-ms time, current value is Infinity",
  });
});

Deno.test("recordDeliveries() a delivered fleet alert covers its members: they are not sent one by one later", () => {
  // 25 of 50 shards stall together at 10:00 and recover between 10:30 and 12:30 (5-minute steps).
  const M = 60_000, D = 24 * H, t0 = Date.UTC(2026, 2, 1, 10);
  const anomalies = Array.from({ length: 25 }, (_, k) => ({
    machine: `n${k}`,
    aggregator: "A",
    timestamp: new Date(t0).toISOString(),
    severity: "high" as const,
    id: episodeId("anomaly", `s.n${k}.A`, t0),
    series: `s.n${k}.A`,
    start: t0,
    end: t0 + 30 * M + k * 5 * M,
    detectedAt: t0,
    peakAt: t0,
    score: 0.9,
    observed: 1,
    expected: 0.1,
    reasons: [],
  }));
  let state: AlertState = { version: 1, episodes: [] };
  const sent: string[] = [];
  // Hourly cycles over two days with a 24 h window: the incident, then its members leaving the window.
  for (let now = t0 + H; now <= t0 + 2 * D; now += H) {
    const inWindow = anomalies.filter((a) => a.end >= now - D);
    const incidents = fleetIncidents(inWindow, { fleetSize: 50, minShards: 20, window: H });
    const alerts = toAlerts(inWindow, { until: now, incidents, step: 5 * M });
    const plan = planAlerts(state, alerts, { now });
    const results = plan.send.map((a) => result("slack", a.id, true));
    sent.push(...plan.send.map((a) => a.subject));
    state = recordDeliveries(plan.state, plan.send, { results, now });
  }
  assert.deepEqual(sent, ["fleet:A"]);
});
