import assert from "node:assert/strict";
import { postWebhook } from "./webhook.ts";
import { startReceiver, testAlert } from "../../tests/support/alert_receiver.ts";

const noSleep = () => Promise.resolve();

Deno.test("postWebhook() posts one JSON body with version 1 and all alerts", async () => {
  const server = startReceiver(() => new Response(null, { status: 204 }));
  try {
    const alerts = [testAlert({ subject: "a" }), testAlert({ subject: "b", severity: "low" })];
    const results = await postWebhook(alerts, {
      url: server.url + "/hooks/anomalies?key=k3y-abcdef",
      headers: { authorization: "Bearer hook-token-123" },
    });
    assert.equal(server.requests.length, 1);
    const [req] = server.requests;
    assert.equal(req.path, "/hooks/anomalies?key=k3y-abcdef");
    assert.equal(req.headers.get("authorization"), "Bearer hook-token-123");
    assert.equal(req.headers.get("content-type"), "application/json");
    assert.deepEqual(JSON.parse(req.body), { version: 1, alerts });
    assert.deepEqual(results.map((r) => [r.sink, r.subject, r.ok, r.status, r.attempts]), [
      ["webhook", "a", true, 204, 1],
      ["webhook", "b", true, 204, 1],
    ]);
  } finally {
    await server.stop();
  }
});

Deno.test("postWebhook() retries 5xx but not 4xx", async () => {
  const flaky = startReceiver((_req, n) => new Response("busy", { status: n < 2 ? 503 : 200 }));
  const refusing = startReceiver(() => new Response("bad request", { status: 422 }));
  try {
    const [ok] = await postWebhook([testAlert()], { url: flaky.url, sleep: noSleep });
    assert.equal(ok.ok, true);
    assert.equal(ok.attempts, 3);
    const [bad] = await postWebhook([testAlert()], { url: refusing.url, sleep: noSleep });
    assert.deepEqual([bad.ok, bad.status, bad.attempts, bad.error], [false, 422, 1, "HTTP 422: bad request"]);
    assert.equal(refusing.requests.length, 1);
  } finally {
    await flaky.stop();
    await refusing.stop();
  }
});

Deno.test("postWebhook() sends nothing when there are no alerts", async () => {
  let calls = 0;
  const fetch = () => (calls++, Promise.resolve(new Response("ok")));
  assert.deepEqual(await postWebhook([], { url: "http://x/", fetch }), []);
  assert.equal(calls, 0);
});

Deno.test("postWebhook() keeps the URL and header secrets out of results", async () => {
  const url = "http://hooks.local/path-s3cret?token=qs-s3cret";
  const echo = (u: string | URL | Request, init?: RequestInit) =>
    Promise.resolve(
      new Response(`rejected ${u} with ${new Headers(init?.headers).get("x-api-key")}`, { status: 400 }),
    );
  const results = await postWebhook([testAlert()], {
    url,
    headers: { "x-api-key": "hdr-s3cret" },
    fetch: echo,
  });
  assert.equal(results[0].ok, false);
  assert.ok(!/s3cret/.test(JSON.stringify(results)), JSON.stringify(results));
  await assert.rejects(postWebhook([], { url: "not a url/s3cret" }), {
    name: "TypeError",
    message:
      "Cannot post the alert webhook: url must be an http(s) URL, current value is a string of 16 characters",
  });
});
