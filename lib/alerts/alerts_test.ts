/**
 * The whole alert path across runs, as the CLI does it: anomalies → toAlerts → withAlertState(planAlerts →
 * sendSlack / postGrafanaAnnotations → recordDeliveries), through a real state file and loopback receivers.
 */
import assert from "node:assert/strict";
import type { Anomaly, Severity } from "../detect/types.ts";
import type { FleetIncident } from "../fleet/types.ts";
import { toAlerts } from "./to_alerts.ts";
import { planAlerts, type PlanAlertsOptions } from "./plan_alerts.ts";
import { recordDeliveries } from "./record_deliveries.ts";
import { sendSlack } from "./slack.ts";
import { postGrafanaAnnotations } from "./grafana_annotations.ts";
import { withAlertState } from "./with_alert_state.ts";
import { startReceiver } from "../../tests/support/alert_receiver.ts";
import type { AlertState } from "./types.ts";
import { episodeId } from "../detect/anomaly_id.ts";

const H = 3_600_000;
const DAY0 = Date.UTC(2024, 2, 1); // 2024-03-01 00:00 UTC
const TOKEN = "glsa_flowTestToken_abcdef";

function anomaly(machine: string, start: number, end: number, severity: Severity): Anomaly {
  return {
    machine,
    aggregator: "Probe",
    timestamp: new Date(start).toISOString(),
    severity,
    id: episodeId("anomaly", `statsd.${machine}.gauges.aggregator.agg_length_behind_ratio.Probe`, start),
    series: `statsd.${machine}.gauges.aggregator.agg_length_behind_ratio.Probe`,
    start,
    end,
    detectedAt: start,
    peakAt: start,
    score: severity === "high" ? 0.95 : 0.7,
    observed: 0.3,
    expected: 0.04,
    reasons: [{ detector: "seasonal_lag", score: 0.7, detail: "0.3 vs 0.04 expected" }],
  };
}

Deno.test("alerts are sent once per episode across runs through a state file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "alerts_flow_" });
  let slackDown = false;
  const slack = startReceiver(() => slackDown ? new Response("oops", { status: 500 }) : new Response("ok"));
  try {
    const path = `${dir}/alert_state.json`;
    const webhookUrl = `${slack.url}/services/T1/B1/secretsecret`;
    const quietHours = { start: "22:00", end: "07:00" };
    /** One scheduled run at `now` reporting `anomalies`; returns the titles Slack received. */
    const runAt = async (hour: number, anomalies: Anomaly[], options: Partial<PlanAlertsOptions> = {}) => {
      const now = DAY0 + hour * H;
      const before = slack.requests.length;
      const alerts = toAlerts(anomalies, { until: now });
      const plan = await withAlertState(path, async (state) => {
        const plan = planAlerts(state, alerts, { now, quietHours, ...options });
        const results = await sendSlack(plan.send, {
          webhookUrl,
          retries: 0,
          sleep: () => Promise.resolve(),
        });
        return { state: recordDeliveries(plan.state, plan.send, { results, now }), result: plan };
      }, { now });
      const texts = slack.requests.slice(before).map((r) => JSON.parse(r.body).text.split("\n")[0] as string);
      return { texts, plan };
    };
    const state = async (): Promise<AlertState> => JSON.parse(await Deno.readTextFile(path));

    // 1. a new episode on n1: sent
    const r1 = await runAt(12, [anomaly("n1", DAY0 + 10 * H, DAY0 + 12 * H, "medium")]);
    assert.deepEqual(r1.texts, ["Medium: n1 · Probe"]);
    // 2. it continues: not sent again, but the record follows it
    const r2 = await runAt(13, [anomaly("n1", DAY0 + 10 * H, DAY0 + 13 * H, "medium")]);
    assert.deepEqual(r2.texts, []);
    assert.match(r2.plan.suppressed[0].reason, /^already sent/);
    assert.equal((await state()).episodes[0].end, DAY0 + 13 * H);
    // 3. it gets worse: re-sent once as an escalation
    const r3 = await runAt(14, [anomaly("n1", DAY0 + 10 * H, DAY0 + 14 * H, "high")]);
    assert.deepEqual(r3.texts, ["High: n1 · Probe — escalated from medium"]);
    const r3b = await runAt(14.5, [anomaly("n1", DAY0 + 10 * H, DAY0 + 14 * H, "high")]);
    assert.deepEqual(r3b.texts, []);
    // 4. it recovered at 14:00; a close follow-up from 15:00 is a new episode: sent
    const r4 = await runAt(16, [
      anomaly("n1", DAY0 + 10 * H, DAY0 + 14 * H, "high"),
      anomaly("n1", DAY0 + 15 * H, DAY0 + 16 * H, "medium"),
    ]);
    assert.deepEqual(r4.texts, ["Medium: n1 · Probe"]);
    assert.deepEqual((await state()).episodes.map((e) => [e.start, e.end]), [
      [DAY0 + 10 * H, DAY0 + 14 * H],
      [DAY0 + 15 * H, DAY0 + 16 * H],
    ]);
    // 5. at 23:00 a medium anomaly on n2 is held for the quiet hours, and not recorded
    const n2 = (to: number) => anomaly("n2", DAY0 + 22 * H, DAY0 + to * H, "medium");
    const r5 = await runAt(23, [n2(23)]);
    assert.deepEqual(r5.texts, []);
    assert.equal(r5.plan.held.length, 1);
    assert.ok(!(await state()).episodes.some((e) => e.subject.includes(".n2.")));
    // a high one goes through the quiet hours
    const r5b = await runAt(23.5, [n2(23), anomaly("n3", DAY0 + 23 * H, DAY0 + 23 * H, "high")]);
    assert.deepEqual(r5b.texts, ["High: n3 · Probe"]);
    // 6. after the quiet hours, n2 (still reported) goes out
    const r6 = await runAt(31, [n2(31)]);
    assert.deepEqual(r6.texts, ["Medium: n2 · Probe"]);
    // 7. Slack fails: nothing recorded, so the next run sends it
    slackDown = true;
    const n4 = anomaly("n4", DAY0 + 31 * H, DAY0 + 32 * H, "high");
    const r7 = await runAt(32, [n4]);
    assert.equal(r7.texts.length, 1, "tried");
    assert.ok(!(await state()).episodes.some((e) => e.subject.includes(".n4.")));
    slackDown = false;
    const r8 = await runAt(33, [n4]);
    assert.deepEqual(r8.texts, ["High: n4 · Probe"]);
    const r9 = await runAt(34, [n4]);
    assert.deepEqual(r9.texts, []);
    // the state stays plain, versioned JSON
    const final = await state();
    assert.equal(final.version, 1);
    assert.deepEqual(final.episodes.map((e) => e.subject.split(".")[1]), ["n1", "n1", "n2", "n3", "n4"]);
    // 10. a week later, the records are pruned and the file shrinks
    await runAt(34 + 8 * 24, []);
    assert.deepEqual((await state()).episodes, []);
  } finally {
    await slack.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("alerts fold a fleet incident into one message per sink, and retry only the sink that failed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "alerts_flow_" });
  const slack = startReceiver();
  let grafanaDown = true;
  const grafana = startReceiver((req) =>
    req.headers.get("authorization") !== `Bearer ${TOKEN}`
      ? Response.json({ message: "Unauthorized" }, { status: 401 })
      : grafanaDown
      ? Response.json({ message: "database is locked" }, { status: 500 })
      : Response.json({ id: 1, message: "Annotation added" })
  );
  try {
    const path = `${dir}/alert_state.json`;
    const machines = Array.from({ length: 20 }, (_, i) => `n${i + 10}`);
    const members = machines.map((m) => anomaly(m, DAY0 + 10 * H, DAY0 + 12 * H, "medium"));
    const incident: FleetIncident = {
      id: episodeId("fleet", "Probe", DAY0 + 10 * H),
      aggregator: "Probe",
      start: DAY0 + 10 * H,
      end: DAY0 + 12 * H,
      timestamp: new Date(DAY0 + 10 * H).toISOString(),
      machines,
      fleetSize: 40,
      fraction: 0.5,
      severity: "medium",
      score: 0.7,
      series: members.map((a) => a.series),
      detail: "20 of 40 shards of Probe anomalous between 10:00 and 12:00 UTC",
    };
    const runAt = (hour: number) => {
      const now = DAY0 + hour * H;
      const alerts = toAlerts([...members, anomaly("n1", DAY0 + 11 * H, DAY0 + 12 * H, "high")], {
        until: now,
        incidents: [incident],
      });
      return withAlertState(path, async (state) => {
        const plan = planAlerts(state, alerts, { now, sinks: ["slack", "grafana"] });
        const results = [
          ...await sendSlack(plan.bySink.slack, {
            webhookUrl: `${slack.url}/services/x`,
            sleep: () => Promise.resolve(),
          }),
          ...await postGrafanaAnnotations(plan.bySink.grafana, {
            grafanaUrl: grafana.url,
            token: TOKEN,
            retries: 0,
          }),
        ];
        return { state: recordDeliveries(plan.state, plan.send, { results, now }), result: results };
      }, { now });
    };
    const first = await runAt(12);
    assert.equal(slack.requests.length, 2, "one fleet message and one for n1, not 21");
    assert.deepEqual(slack.requests.map((r) => JSON.parse(r.body).text.split("\n")[0]), [
      "High: n1 · Probe",
      "Medium: 20 of 40 shards · Probe",
    ]);
    assert.deepEqual(first.filter((r) => r.sink === "grafana").map((r) => r.error), [
      "HTTP 500: database is locked",
      "HTTP 500: database is locked",
    ]);
    assert.ok(!JSON.stringify(first).includes(TOKEN));
    grafanaDown = false;
    const second = await runAt(13);
    assert.equal(slack.requests.length, 2, "Slack already has them");
    assert.deepEqual(second.map((r) => [r.sink, r.ok]), [["grafana", true], ["grafana", true]]);
    const annotations = grafana.requests.slice(-2).map((r) => JSON.parse(r.body));
    assert.deepEqual(annotations.map((a) => a.tags), [
      ["n1", "Probe", "high", "anomaly"],
      ["Probe", "medium", "anomaly", "fleet"],
    ]);
    assert.deepEqual(await runAt(14), [], "nothing owed any more");
  } finally {
    await slack.stop();
    await grafana.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
