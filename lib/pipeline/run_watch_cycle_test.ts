import assert from "node:assert/strict";
import type { Alert, DeliveryResult, Sink } from "../alerts/types.ts";
import { parseConfig } from "../sources/config.ts";
import { type CycleLog, describeCycle, runWatchCycle } from "./run_watch_cycle.ts";

const config = parseConfig(
  { source: "replay", data: [new URL("../../data", import.meta.url).pathname] },
  "test",
);

/** A sink that delivers everything and remembers what. */
function delivering(name: string, got: string[]): Sink {
  return {
    name,
    send: (alerts: readonly Alert[]) => {
      got.push(...alerts.map((a) => a.subject));
      return Promise.resolve(
        alerts.map((a): DeliveryResult => ({
          sink: name,
          alertId: a.id,
          subject: a.subject,
          ok: true,
          attempts: 1,
        })),
      );
    },
  };
}

Deno.test("runWatchCycle() records the sinks that delivered when a later sink throws, and owes only the thrower", async () => {
  const dir = await Deno.makeTempDir({ prefix: "watch_cycle_" });
  try {
    const statePath = `${dir}/state.json`;
    const consoleGot: string[] = [], webhookGot: string[] = [];
    let throws = true;
    const flaky: Sink = {
      name: "slack",
      send: (alerts) =>
        throws ? Promise.reject(new Error("socket hang up")) : delivering("slack", []).send(alerts),
    };
    // console delivers first, then slack throws, then the webhook delivers after it.
    const sinks = [delivering("console", consoleGot), flaky, delivering("webhook", webhookGot)];
    const first = await runWatchCycle(config, { sinks, statePath });
    assert.ok(first.log.sent > 0, "the sample's last day has anomalies to send");
    const results = first.findings.alerts.results;
    const failed = results.filter((r) => !r.ok);
    assert.deepEqual([...new Set(failed.map((r) => r.sink))], ["slack"]);
    assert.ok(failed.every((r) => r.error === "socket hang up" && r.attempts === 0));
    assert.equal(consoleGot.length, first.log.sent);
    assert.equal(webhookGot.length, first.log.sent, "a sink after the thrower still delivers");
    assert.equal(first.log.deliveryErrors, first.log.sent);
    const state = JSON.parse(await Deno.readTextFile(statePath));
    for (const ep of state.episodes) {
      assert.ok(ep.sent.console && ep.sent.webhook, `${ep.subject}: console and webhook recorded`);
      assert.equal(ep.sent.slack, undefined, `${ep.subject}: slack not recorded`);
    }

    // Next cycle over the same window: only the sink that threw is owed the alerts.
    throws = false;
    consoleGot.length = webhookGot.length = 0;
    const second = await runWatchCycle(config, { sinks, statePath, cycle: 2 });
    assert.deepEqual(consoleGot, []);
    assert.deepEqual(webhookGot, []);
    assert.deepEqual([...new Set(second.findings.alerts.results.map((r) => r.sink))], ["slack"]);
    assert.ok(second.findings.alerts.results.every((r) => r.ok));
    assert.equal(second.findings.alerts.results.length, first.log.sent);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runWatchCycle() logs every stage's time and calls onStage as each stage ends, in order", async () => {
  const dir = await Deno.makeTempDir({ prefix: "watch_cycle_" });
  try {
    const ended: string[] = [];
    const { log } = await runWatchCycle(config, {
      sinks: [],
      statePath: `${dir}/state.json`,
      onStage: (stage) => void ended.push(stage),
    });
    assert.deepEqual(ended, ["fetch", "detect", "hydrate", "fleet", "alerts"]);
    const stages = log.stages!;
    assert.deepEqual(Object.keys(stages).sort(), [
      "alerts",
      "detect",
      "fetch",
      "fleet",
      "hydrate",
      "train",
      "writeBack",
    ]);
    for (const [stage, ms] of Object.entries(stages)) {
      assert.ok(Number.isInteger(ms) && ms >= 0, `${stage}: ${ms}`);
    }
    assert.equal(stages.writeBack, 0, "no write-back configured");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("describeCycle() says how many new points an incremental cycle fetched, not a full one", () => {
  const log: CycleLog = {
    cycle: 2,
    now: "2026-03-01T00:05:00.000Z",
    ms: 900,
    asked: 600,
    answered: 600,
    failed: 0,
    scored: 600,
    skipped: {},
    anomalies: 3,
    incidents: 0,
    peers: 0,
    sent: 1,
    held: 0,
    suppressed: 0,
    deliveryErrors: 0,
    rssMb: 500,
    heapMb: 100,
    heapTotalMb: 120,
    externalMb: 110,
    history: { full: false, fetchedFrom: 0, fetchedPoints: 4800, keptSeries: 600, keptPoints: 13_032_000 },
  };
  assert.match(
    describeCycle(log),
    /^cycle 2 at 2026-03-01T00:05:00.000Z: 600\/600 series \(4800 new points fetched\), 3 anomalies/,
  );
  assert.doesNotMatch(describeCycle({ ...log, history: { ...log.history!, full: true } }), /new points/);
});
