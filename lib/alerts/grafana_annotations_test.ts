import assert from "node:assert/strict";
import { postGrafanaAnnotations } from "./grafana_annotations.ts";
import { type Received, startReceiver, testAlert } from "../../tests/support/alert_receiver.ts";

const TOKEN = "glsa_s3cretT0kenValue_0123456789";
const noSleep = () => Promise.resolve();

/** A Grafana stand-in: answers `{id, message}` to a correct Bearer token, `401 {message}` otherwise. */
function grafana(token = TOKEN) {
  let id = 100;
  return startReceiver((req: Received) => {
    if (req.headers.get("authorization") !== `Bearer ${token}`) {
      return Response.json({ message: "invalid API key" }, { status: 401 });
    }
    if (req.path.endsWith("/api/annotations")) {
      return Response.json({ id: ++id, message: "Annotation added" });
    }
    return Response.json({ message: "Not found" }, { status: 404 });
  });
}

Deno.test("postGrafanaAnnotations() posts ms times, tags and a Bearer header, and returns Grafana's id", async () => {
  const server = grafana();
  try {
    const a = testAlert({ subject: "s.n1.Agg", start: 1_700_000_000_000, end: 1_700_003_600_000 });
    const fleet = testAlert({
      subject: "fleet:Probe",
      kind: "fleet",
      machine: undefined,
      aggregator: "Probe",
      severity: "medium",
      start: 1_700_000_000_000,
      escalatedFrom: "low",
    });
    const results = await postGrafanaAnnotations([a, fleet], {
      grafanaUrl: server.url + "/grafana/",
      token: TOKEN,
      dashboardUID: "presence",
      panelId: 4,
      sleep: noSleep,
    });
    assert.deepEqual(results.map((r) => [r.sink, r.ok, r.status, r.annotationId]), [
      ["grafana", true, 200, 101],
      ["grafana", true, 200, 102],
    ]);
    const [first, second] = server.requests;
    assert.equal(first.method, "POST");
    assert.equal(first.path, "/grafana/api/annotations");
    assert.equal(first.headers.get("authorization"), `Bearer ${TOKEN}`);
    assert.equal(first.headers.get("content-type"), "application/json");
    assert.deepEqual(JSON.parse(first.body), {
      time: 1_700_000_000_000,
      timeEnd: 1_700_003_600_000,
      tags: ["n1", "Agg", "high", "anomaly"],
      text: `${a.title}\n${a.summary}\nid ${a.id}`,
      dashboardUID: "presence",
      panelId: 4,
    });
    const body2 = JSON.parse(second.body);
    assert.deepEqual(body2.tags, ["Probe", "medium", "anomaly", "fleet"]);
    assert.match(body2.text, /^High: n1 · Agg \(escalated from low\)\n/);
  } finally {
    await server.stop();
  }
});

Deno.test("postGrafanaAnnotations() leaves out dashboardUID and panelId when not given", async () => {
  const server = grafana();
  try {
    await postGrafanaAnnotations([testAlert({ machine: "" })], {
      grafanaUrl: server.url,
      token: TOKEN,
      extraTags: ["detector"],
    });
    const body = JSON.parse(server.requests[0].body);
    assert.deepEqual(Object.keys(body).sort(), ["tags", "text", "time", "timeEnd"]);
    assert.deepEqual(body.tags, ["Agg", "high", "anomaly", "detector"], "no empty machine tag");
    assert.equal(server.requests[0].path, "/api/annotations");
  } finally {
    await server.stop();
  }
});

Deno.test("postGrafanaAnnotations() surfaces a wrong token's 401 without the token", async () => {
  const server = grafana("the-right-token");
  try {
    const results = await postGrafanaAnnotations(
      [testAlert({ subject: "a" }), testAlert({ subject: "b" })],
      { grafanaUrl: server.url, token: TOKEN, sleep: noSleep },
    );
    assert.deepEqual(results[0], {
      sink: "grafana",
      alertId: results[0].alertId,
      subject: "a",
      ok: false,
      status: 401,
      attempts: 1,
      error: "HTTP 401: invalid API key",
    });
    assert.equal(results[1].attempts, 0, "a wrong token is not tried again for every alert");
    assert.equal(results[1].error, "not sent: an earlier annotation got HTTP 401: invalid API key");
    assert.equal(server.requests.length, 1);
    assert.ok(!JSON.stringify(results).includes("s3cretT0ken"));
  } finally {
    await server.stop();
  }
});

Deno.test("postGrafanaAnnotations() surfaces Grafana's message on 4xx and retries 5xx", async () => {
  const server = startReceiver((_req, n) =>
    n === 0
      ? Response.json({ message: "Failed to save annotation" }, { status: 400 })
      : n < 3
      ? new Response("<html><body><h1>Bad gateway</h1></body></html>", { status: 502 })
      : Response.json({ id: 7, message: "Annotation added" })
  );
  try {
    const waits: number[] = [];
    const results = await postGrafanaAnnotations([testAlert({ subject: "a" }), testAlert({ subject: "b" })], {
      grafanaUrl: server.url,
      token: TOKEN,
      sleep: (ms) => (waits.push(ms), Promise.resolve()),
      random: () => 0,
    });
    assert.deepEqual(results.map((r) => [r.ok, r.status, r.attempts, r.error, r.annotationId]), [
      [false, 400, 1, "HTTP 400: Failed to save annotation", undefined],
      [true, 200, 3, undefined, 7],
    ]);
    assert.deepEqual(waits, [500, 1000]);
  } finally {
    await server.stop();
  }
});

Deno.test("postGrafanaAnnotations() keeps the token out of echoed bodies and connection errors", async () => {
  const echo = (_u: string | URL | Request, init?: RequestInit) =>
    Promise.resolve(
      Response.json({ message: `bad header ${new Headers(init?.headers).get("authorization")}` }, {
        status: 400,
      }),
    );
  const [r] = await postGrafanaAnnotations([testAlert()], {
    grafanaUrl: "http://g",
    token: TOKEN,
    fetch: echo,
  });
  assert.equal(r.error, "HTTP 400: bad header Bearer [redacted]");
  const throwing = () => Promise.reject(new Error(`refused; auth was Bearer ${TOKEN}`));
  const [r2] = await postGrafanaAnnotations([testAlert()], {
    grafanaUrl: "http://g",
    token: TOKEN,
    fetch: throwing,
    retries: 0,
  });
  assert.equal(r2.error, "connection error: refused; auth was Bearer [redacted]");
});

Deno.test("postGrafanaAnnotations() rejects a bad URL or token without showing the token", async () => {
  await assert.rejects(postGrafanaAnnotations([], { grafanaUrl: "grafana:3000", token: TOKEN }), {
    name: "TypeError",
    message:
      "Cannot post Grafana annotations: grafanaUrl must be an http(s) URL, current value is a string of 12 characters",
  });
  await assert.rejects(postGrafanaAnnotations([], { grafanaUrl: "http://g", token: "" }), {
    name: "TypeError",
    message: 'Cannot post Grafana annotations: token must be a non-empty string, current value is ""',
  });
  await assert.rejects(
    postGrafanaAnnotations([], { grafanaUrl: "http://g", token: TOKEN, retries: 1.5 }),
    {
      name: "RangeError",
      message: "Cannot post Grafana annotations: retries must be an integer >= 0, current value is 1.5",
    },
  );
});
