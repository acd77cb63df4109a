import assert from "node:assert/strict";
import { sendSlack } from "./slack.ts";
import { startReceiver, testAlert } from "../../tests/support/alert_receiver.ts";

const SECRET_PATH = "/services/T0000AAAA/B0000BBBB/XXXXsecretXXXXXXXXXXXX";
const noSleep = () => Promise.resolve();

interface Block {
  type: string;
  text?: { type: string; text: string };
  fields?: { type: string; text: string }[];
  elements?: { type: string; text: string }[];
}

Deno.test("sendSlack() posts Block Kit blocks and a plain text fallback", async () => {
  const slack = startReceiver();
  try {
    const alert = testAlert({
      hydration: { max_value: 0.5, avg_value: 0.1, valid_pct: 0.96 },
      ongoing: true,
      reasons: ["seasonal_lag: 0.31 vs 0.04 expected", "stall: climbing for 5 h"],
    });
    const results = await sendSlack([alert], {
      webhookUrl: slack.url + SECRET_PATH,
      reportUrl: "https://reports.example.com/index.html#n1",
      sleep: noSleep,
    });
    assert.deepEqual(results, [{
      sink: "slack",
      alertId: alert.id,
      subject: alert.subject,
      ok: true,
      status: 200,
      attempts: 1,
    }]);
    const [req] = slack.requests;
    assert.equal(req.method, "POST");
    assert.equal(req.path, SECRET_PATH);
    assert.match(req.headers.get("content-type")!, /^application\/json/);
    const body = JSON.parse(req.body) as { text: string; blocks: Block[] };
    assert.deepEqual(body.blocks.map((b) => b.type), ["header", "section", "context", "section"]);
    assert.equal(body.blocks[0].text!.type, "plain_text");
    assert.equal(body.blocks[0].text!.text, ":red_circle: High: n1 · Agg");
    const fields = body.blocks[1].fields!.map((f) => f.text);
    assert.deepEqual(fields.map((f) => f.split("\n")[0]), [
      "*Shard*",
      "*Aggregator*",
      "*Severity*",
      "*Observed vs expected*",
      "*Duration*",
      "*Why*",
    ]);
    assert.equal(fields[0], "*Shard*\n`n1`");
    assert.equal(fields[2], "*Severity*\nhigh (score 0.9)");
    assert.equal(fields[3], "*Observed vs expected*\n5 vs 1");
    assert.equal(fields[4], "*Duration*\n2 h, ongoing");
    assert.equal(fields[5], "*Why*\n• seasonal_lag: 0.31 vs 0.04 expected\n• stall: climbing for 5 h");
    assert.match(
      body.blocks[2].elements![0].text,
      /^id `a-[0-9a-z]{11}` · started 1970-01-01 00:00 UTC · still anomalous · 24 h: max 0.5/,
    );
    assert.equal(body.blocks[3].text!.text, "<https://reports.example.com/index.html#n1|Open the report>");
    assert.equal(
      body.text,
      `High: n1 · Agg\nhigh anomaly (score 0.9)\nid ${alert.id}\n<https://reports.example.com/index.html#n1|Open the report>`,
    );
  } finally {
    await slack.stop();
  }
});

Deno.test("sendSlack() escapes mrkdwn control characters in metric names", async () => {
  const slack = startReceiver();
  try {
    const alert = testAlert({
      subject: "a.<b>&c",
      machine: "n<1>",
      aggregator: "Agg<script>&`x`",
      title: "High: n<1> · Agg<script>&`x`",
      summary: "<!channel> & more",
    });
    await sendSlack([alert], { webhookUrl: slack.url + SECRET_PATH, sleep: noSleep });
    const raw = slack.requests[0].body;
    const body = JSON.parse(raw) as { text: string; blocks: Block[] };
    const fields = body.blocks[1].fields!.map((f) => f.text);
    assert.equal(fields[0], "*Shard*\n`n&lt;1&gt;`");
    assert.equal(fields[1], "*Aggregator*\n`Agg&lt;script&gt;&amp;'x'`");
    assert.equal(body.blocks[1].text!.text, "Anomaly on `a.&lt;b&gt;&amp;c`");
    assert.equal(
      body.text,
      `High: n&lt;1&gt; · Agg&lt;script&gt;&amp;\`x\`\n&lt;!channel&gt; &amp; more\nid ${alert.id}`,
    );
    const mrkdwn = [body.text, ...fields, body.blocks[1].text!.text];
    for (const text of mrkdwn) assert.ok(!/[<>]/.test(text), text);
  } finally {
    await slack.stop();
  }
});

Deno.test("sendSlack() honours Retry-After on 429", async () => {
  const slack = startReceiver((_req, n) =>
    n === 0
      ? new Response("rate_limited", { status: 429, headers: { "retry-after": "2" } })
      : new Response("ok")
  );
  try {
    const waits: number[] = [];
    const results = await sendSlack([testAlert()], {
      webhookUrl: slack.url + SECRET_PATH,
      sleep: (ms) => (waits.push(ms), Promise.resolve()),
    });
    assert.equal(results[0].ok, true);
    assert.equal(results[0].attempts, 2);
    assert.deepEqual(waits, [2000]);
    assert.equal(slack.requests.length, 2);
    assert.equal(slack.requests[0].body, slack.requests[1].body, "the same message is retried");
  } finally {
    await slack.stop();
  }
});

Deno.test("sendSlack() surfaces invalid_payload and does not retry it", async () => {
  const slack = startReceiver((_req, n) =>
    n === 0 ? new Response("invalid_payload", { status: 400 }) : new Response("ok")
  );
  try {
    const a = testAlert({ subject: "a" }), b = testAlert({ subject: "b" });
    const results = await sendSlack([a, b], { webhookUrl: slack.url + SECRET_PATH, sleep: noSleep });
    assert.deepEqual(results[0], {
      sink: "slack",
      alertId: a.id,
      subject: "a",
      ok: false,
      status: 400,
      attempts: 1,
      error: "HTTP 400: invalid_payload",
    });
    assert.equal(results[1].ok, true, "a bad message does not stop the others");
    assert.equal(slack.requests.length, 2);
  } finally {
    await slack.stop();
  }
});

Deno.test("sendSlack() stops after an answer meaning the webhook is unusable", async () => {
  for (
    const [status, code] of [[404, "no_service"], [410, "channel_is_archived"], [
      403,
      "action_prohibited",
    ]] as const
  ) {
    const slack = startReceiver(() => new Response(code, { status }));
    try {
      const alerts = [testAlert({ subject: "a" }), testAlert({ subject: "b" }), testAlert({ subject: "c" })];
      const results = await sendSlack(alerts, { webhookUrl: slack.url + SECRET_PATH, sleep: noSleep });
      assert.equal(slack.requests.length, 1, code);
      assert.equal(results[0].error, `HTTP ${status}: ${code}`);
      assert.deepEqual(results.slice(1).map((r) => [r.ok, r.attempts, r.error]), [
        [false, 0, `not sent: an earlier message got HTTP ${status}: ${code}`],
        [false, 0, `not sent: an earlier message got HTTP ${status}: ${code}`],
      ]);
    } finally {
      await slack.stop();
    }
  }
});

Deno.test("sendSlack() retries 5xx with backoff, then succeeds", async () => {
  const slack = startReceiver((_req, n) =>
    n < 2 ? new Response("oops", { status: 500 }) : new Response("ok")
  );
  try {
    const waits: number[] = [];
    const [result] = await sendSlack([testAlert()], {
      webhookUrl: slack.url + SECRET_PATH,
      backoffMs: 100,
      random: () => 0,
      sleep: (ms) => (waits.push(ms), Promise.resolve()),
    });
    assert.equal(result.ok, true);
    assert.equal(result.attempts, 3);
    assert.deepEqual(waits, [50, 100]);
  } finally {
    await slack.stop();
  }
});

Deno.test("sendSlack() paces messages about one per second", async () => {
  const waits: number[] = [];
  const fetch = () => Promise.resolve(new Response("ok"));
  const alerts = [testAlert({ subject: "a" }), testAlert({ subject: "b" }), testAlert({ subject: "c" })];
  await sendSlack(alerts, {
    webhookUrl: "https://hooks.slack.com" + SECRET_PATH,
    fetch,
    sleep: (ms) => (waits.push(ms), Promise.resolve()),
  });
  assert.deepEqual(waits, [1000, 1000], "one wait between each two messages, none before the first");
  // and for real, on the loopback receiver
  const slack = startReceiver();
  try {
    await sendSlack(alerts, { webhookUrl: slack.url + SECRET_PATH, minIntervalMs: 60 });
    const at = slack.requests.map((r) => r.at);
    assert.equal(at.length, 3);
    for (let i = 1; i < at.length; i++) assert.ok(at[i] - at[i - 1] >= 55, `gap ${at[i] - at[i - 1]} ms`);
  } finally {
    await slack.stop();
  }
});

Deno.test("sendSlack() builds a fleet message with the shards", async () => {
  const bodies: { blocks: Block[] }[] = [];
  const fetch = (_u: string | URL | Request, init?: RequestInit) => {
    bodies.push(JSON.parse(String(init?.body)));
    return Promise.resolve(new Response("ok"));
  };
  const machines = Array.from({ length: 12 }, (_, i) => `n${i}`);
  const alert = testAlert({
    subject: "fleet:Probe",
    kind: "fleet",
    machine: undefined,
    aggregator: "Probe",
    machines,
    fleetSize: 40,
    escalatedFrom: "medium",
  });
  await sendSlack([alert], { webhookUrl: "https://hooks.slack.com" + SECRET_PATH, fetch });
  const section = bodies[0].blocks[1];
  assert.equal(section.text!.text, "Fleet incident on `Probe` — escalated from medium");
  assert.equal(
    section.fields![0].text,
    "*Shards*\n12 of 40: `n0`, `n1`, `n2`, `n3`, `n4`, `n5`, `n6`, `n7`, `n8`, `n9`, … (+2 more)",
  );
  assert.ok(!section.fields!.some((f) => f.text.startsWith("*Observed")));
});

Deno.test("sendSlack() never shows the webhook URL in results or errors", async () => {
  const webhookUrl = "http://127.0.0.1:9" + SECRET_PATH;
  const echo = (u: string | URL | Request) =>
    Promise.resolve(new Response(`no such hook ${u}`, { status: 500 }));
  const throwing = (u: string | URL | Request) =>
    Promise.reject(new TypeError(`error sending request for url (${u})`));
  for (const fetch of [echo, throwing]) {
    const results = await sendSlack([testAlert()], { webhookUrl, fetch, retries: 1, sleep: noSleep });
    const text = JSON.stringify(results);
    assert.equal(results[0].ok, false);
    assert.ok(!text.includes("XXXXsecret"), text);
    assert.ok(!text.includes("B0000BBBB"), text);
  }
  const bad = "hooks.slack.com" + SECRET_PATH;
  await assert.rejects(sendSlack([], { webhookUrl: bad }), {
    name: "TypeError",
    message:
      `Cannot send Slack alerts: webhookUrl must be an http(s) URL, current value is a string of ${bad.length} characters`,
  });
});
