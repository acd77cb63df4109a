import assert from "node:assert/strict";
import type { Severity } from "../detect/types.ts";
import type { AlertEpisode, AlertState } from "./types.ts";
import { planAlerts } from "./plan_alerts.ts";
import { testAlert } from "../../tests/support/alert_receiver.ts";

const H = 3_600_000, DAY = 24 * H;
const T0 = Date.UTC(2024, 2, 1); // 2024-03-01 00:00 UTC

const empty = (): AlertState => ({ version: 1, episodes: [] });

function episode(subject: string, start: number, end: number, sent: Record<string, Severity>): AlertEpisode {
  const severities = Object.values(sent);
  return {
    subject,
    kind: "anomaly",
    start,
    end,
    severity: severities.includes("high") ? "high" : severities.includes("medium") ? "medium" : "low",
    sent,
    firstSentAt: end,
    lastSentAt: end,
    lastSeenAt: end,
  };
}

Deno.test("planAlerts() sends a new episode and not its continuation", () => {
  const a = testAlert({ subject: "s", start: T0 + 10 * H, end: T0 + 12 * H, severity: "medium" });
  const first = planAlerts(empty(), [a], { now: T0 + 12 * H });
  assert.deepEqual(first.send, [a]);
  assert.deepEqual(first.state.episodes, [], "nothing is recorded before it is delivered");
  const state = {
    version: 1 as const,
    episodes: [episode("s", T0 + 10 * H, T0 + 12 * H, { slack: "medium" })],
  };
  const later = { ...a, end: T0 + 15 * H };
  const plan = planAlerts(state, [later], { now: T0 + 15 * H });
  assert.deepEqual(plan.send, []);
  assert.deepEqual(plan.suppressed, [{
    alert: later,
    reason: "already sent: episode since 2024-03-01T10:00:00.000Z, medium",
  }]);
  assert.equal(plan.state.episodes[0].end, T0 + 15 * H, "the record's end is extended");
  assert.equal(plan.state.episodes[0].lastSeenAt, T0 + 15 * H);
  assert.equal(state.episodes[0].end, T0 + 12 * H, "the state given is not changed");
});

Deno.test("planAlerts() re-sends a continuing episode once when its severity rises", () => {
  const state = { version: 1 as const, episodes: [episode("s", T0, T0 + 2 * H, { slack: "medium" })] };
  const high = testAlert({ subject: "s", start: T0, end: T0 + 3 * H, severity: "high" });
  const plan = planAlerts(state, [high], { now: T0 + 3 * H });
  assert.equal(plan.send.length, 1);
  assert.equal(plan.send[0].escalatedFrom, "medium");
  assert.equal(high.escalatedFrom, undefined, "the alert given is not changed");
  const again = planAlerts(
    { version: 1, episodes: [episode("s", T0, T0 + 3 * H, { slack: "high" })] },
    [{ ...high, end: T0 + 4 * H }],
    { now: T0 + 4 * H },
  );
  assert.equal(again.send.length, 0, "only once");
  const lower = planAlerts(state, [{ ...high, severity: "low" }], { now: T0 + 3 * H });
  assert.equal(lower.send.length, 0, "a falling severity is not news");
});

Deno.test("planAlerts() re-arms after recovery: a new episode after the recorded end is sent", () => {
  const state = { version: 1 as const, episodes: [episode("s", T0, T0 + 2 * H, { slack: "high" })] };
  const cases: [start: number, sent: boolean][] = [
    [T0 + 2 * H, false], // starts at the recorded end: the same episode
    [T0 + 2 * H + 1, true], // right after it: a close follow-up, sent
    [T0 + 5 * H, true],
  ];
  for (const [start, sent] of cases) {
    const alert = testAlert({ subject: "s", start, end: start + H });
    const plan = planAlerts(state, [alert], { now: start + H });
    assert.equal(plan.send.length, sent ? 1 : 0, `start ${start - T0}`);
    if (sent) assert.equal(plan.send[0].escalatedFrom, undefined);
  }
  const other = planAlerts(state, [testAlert({ subject: "t", start: T0, end: T0 + H })], { now: T0 + H });
  assert.equal(other.send.length, 1, "another subject is another episode");
});

Deno.test("planAlerts() suppresses alerts below minSeverity with a reason", () => {
  const low = testAlert({ subject: "a", severity: "low" });
  const medium = testAlert({ subject: "b", severity: "medium" });
  const plan = planAlerts(empty(), [low, medium], { now: T0, minSeverity: "medium" });
  assert.deepEqual(plan.send, [medium]);
  assert.deepEqual(plan.suppressed, [{ alert: low, reason: "severity low is below minSeverity medium" }]);
});

Deno.test("planAlerts() holds alerts below quietAllow during quiet hours that wrap midnight", () => {
  const quietHours = { start: "22:00", end: "07:00" };
  const cases: [time: string, quiet: boolean][] = [
    ["21:59", false],
    ["22:00", true],
    ["23:30", true],
    ["00:00", true],
    ["06:59", true],
    ["07:00", false],
    ["12:00", false],
  ];
  for (const [time, quiet] of cases) {
    const [h, m] = time.split(":").map(Number);
    const now = T0 + 3 * DAY + h * H + m * 60_000;
    const medium = testAlert({ subject: "m", severity: "medium" });
    const high = testAlert({ subject: "h", severity: "high" });
    const plan = planAlerts(empty(), [medium, high], { now, quietHours });
    assert.deepEqual(plan.send.map((a) => a.subject), quiet ? ["h"] : ["m", "h"], time);
    assert.deepEqual(plan.held.map((a) => a.subject), quiet ? ["m"] : [], time);
    assert.deepEqual(plan.state.episodes, [], "held alerts are not recorded");
  }
  const day = planAlerts(empty(), [testAlert({ severity: "medium" })], {
    now: T0 + 13 * H,
    quietHours: { start: "12:00", end: "14:00" },
    quietAllow: "medium",
  });
  assert.equal(day.send.length, 1, "quietAllow medium lets medium through");
});

Deno.test("planAlerts() reads quiet hours on their zone's clock, across its change to summer time", () => {
  const quietHours = { start: "22:00", end: "07:00", timeZone: "Europe/Berlin" };
  const cases: [utc: number, quiet: boolean][] = [
    [Date.UTC(2026, 2, 27, 21, 30), true], // 22:30 CET
    [Date.UTC(2026, 2, 27, 20, 30), false], // 21:30 CET
    [Date.UTC(2026, 2, 28, 6, 30), false], // 07:30 CET
    [Date.UTC(2026, 2, 29, 5, 30), false], // 07:30 CEST: the clocks went forward at 01:00 UTC
    [Date.UTC(2026, 2, 29, 4, 30), true], // 06:30 CEST
  ];
  for (const [now, quiet] of cases) {
    const plan = planAlerts(empty(), [testAlert({ subject: "m", severity: "medium" })], { now, quietHours });
    assert.equal(plan.held.length, quiet ? 1 : 0, new Date(now).toISOString());
  }
});

Deno.test("planAlerts() prunes episodes retentionMs after they were last reported", () => {
  const old = episode("old", T0, T0 + H, { slack: "high" });
  const seen = { ...episode("seen", T0, T0 + H, { slack: "high" }), lastSeenAt: T0 + 7 * DAY };
  const plan = planAlerts({ version: 1, episodes: [old, seen] }, [], { now: T0 + H + 7 * DAY + 1 });
  assert.deepEqual(plan.state.episodes.map((e) => e.subject), ["seen"]);
  const kept = planAlerts({ version: 1, episodes: [old] }, [], { now: T0 + H + 7 * DAY });
  assert.equal(kept.state.episodes.length, 1, "exactly retentionMs old is kept");
  const short = planAlerts({ version: 1, episodes: [old, seen] }, [], { now: T0 + 3 * H, retentionMs: H });
  assert.deepEqual(short.state.episodes.map((e) => e.subject), ["seen"]);
});

Deno.test("planAlerts() tracks each sink on its own when given sinks", () => {
  const state = { version: 1 as const, episodes: [episode("s", T0, T0 + H, { slack: "high" })] };
  const alert = testAlert({ subject: "s", start: T0, end: T0 + 2 * H });
  const plan = planAlerts(state, [alert], { now: T0 + 2 * H, sinks: ["slack", "grafana"] });
  assert.equal(plan.send.length, 1);
  assert.deepEqual(plan.send[0].sinks, ["grafana"], "delivered to Slack, still owed to Grafana");
  assert.equal(plan.send[0].escalatedFrom, undefined);
  assert.deepEqual(plan.bySink.slack, []);
  assert.deepEqual(plan.bySink.grafana, [plan.send[0]]);
  const anySink = planAlerts(state, [alert], { now: T0 + 2 * H });
  assert.deepEqual(anySink.send, [], "without sinks, one delivery anywhere counts");
  assert.deepEqual(anySink.bySink, {});
});

Deno.test("planAlerts() sends one episode reported twice in a run once", () => {
  const a = testAlert({ subject: "s", start: T0, end: T0 + 2 * H });
  const b = testAlert({ subject: "s", start: T0 + H, end: T0 + 3 * H });
  const plan = planAlerts(empty(), [a, b], { now: T0 + 3 * H });
  assert.deepEqual(plan.send, [a]);
  assert.deepEqual(plan.suppressed.map((s) => s.reason), ["the same episode is already in this run"]);
});

Deno.test("planAlerts() rejects bad times, quiet hours, severities and states", () => {
  const now = T0;
  assert.throws(() => planAlerts(empty(), [], { now, quietHours: { start: "10pm", end: "07:00" } }), {
    name: "SyntaxError",
    message: 'Cannot plan alerts: quietHours.start must read HH:MM, current value is "10pm"',
  });
  assert.throws(() => planAlerts(empty(), [], { now, quietHours: { start: "22:00", end: "24:00" } }), {
    name: "RangeError",
    message: "Cannot plan alerts: quietHours.end must be a time of day, current value is 24:00",
  });
  assert.throws(() => planAlerts(empty(), [], { now, quietHours: { start: "22:00", end: "22:00" } }), {
    name: "RangeError",
  });
  assert.throws(() => planAlerts(empty(), [], { now, minSeverity: "urgent" as Severity }), {
    name: "RangeError",
    message: 'Cannot plan alerts: minSeverity must be low, medium or high, current value is "urgent"',
  });
  assert.throws(() => planAlerts(empty(), [], { now: NaN }), {
    name: "RangeError",
    message: "Cannot plan alerts: now must be a finite epoch-ms time, current value is NaN",
  });
  assert.throws(() => planAlerts({ version: 2 } as unknown as AlertState, [], { now }), {
    name: "TypeError",
    message:
      "Cannot read the alert state given to planAlerts: unknown version (this build reads version 1), current value is 2",
  });
});

Deno.test("planAlerts() reports an episode under the id it was first delivered with, though its onset moved", () => {
  const state: AlertState = {
    version: 1,
    episodes: [{ ...episode("s", T0 + 10 * H, T0 + 12 * H, { slack: "medium" }), id: "a-firstsent0" }],
  };
  // Recomputed over other data, the episode now begins an hour earlier: another id, the same episode.
  const moved = testAlert({
    id: "a-movedonset",
    subject: "s",
    start: T0 + 9 * H,
    end: T0 + 14 * H,
    severity: "high",
  });
  const plan = planAlerts(state, [moved], { now: T0 + 14 * H });
  assert.deepEqual(
    plan.send.map((a) => a.id),
    ["a-firstsent0"],
    "the escalation goes out under the first id",
  );
  // A new episode later keeps its own.
  const next = testAlert({ id: "a-nextepisod", subject: "s", start: T0 + 30 * H, end: T0 + 31 * H });
  assert.deepEqual(planAlerts(state, [next], { now: T0 + 31 * H }).send.map((a) => a.id), ["a-nextepisod"]);
});
