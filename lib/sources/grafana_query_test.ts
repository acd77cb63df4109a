import assert from "node:assert/strict";
import { fetchGrafanaQuery } from "./grafana_query.ts";

const frame = (refId: string, name: string, values: (number | null)[]) => ({
  schema: {
    name,
    refId,
    fields: [{ name: "time", type: "time" }, {
      name: "value",
      type: "number",
      config: { displayNameFromDS: name },
    }],
  },
  data: { values: [values.map((_, i) => 60_000 * (i + 1)), values] },
});

function fakeGrafana(respond: (body: { queries: { refId: string; target: string }[] }) => Response) {
  const bodies: { from: string; to: string; queries: Record<string, unknown>[] }[] = [];
  const headers: Headers[] = [];
  const fetch = (_input: string | URL | Request, init: RequestInit = {}) => {
    const body = JSON.parse(String(init.body));
    bodies.push(body);
    headers.push(new Headers(init.headers));
    return Promise.resolve(respond(body));
  };
  return { fetch, bodies, headers };
}

const base = {
  baseUrl: "http://grafana",
  uid: "ds1",
  from: 0,
  until: 240_000,
  sleep: () => Promise.resolve(),
};

Deno.test("fetchGrafanaQuery() sends Grafana's query body and reads frames", async () => {
  const { fetch, bodies, headers } = fakeGrafana(() =>
    Response.json({ results: { A: { frames: [frame("A", "a.b", [1, null, 3])] } } })
  );
  const out = await fetchGrafanaQuery(["a.b"], { ...base, token: "t0k", fetch, template: "{x}.{y}" });
  assert.deepEqual(bodies[0], {
    from: "0",
    to: "240000",
    queries: [{
      refId: "A",
      datasource: { uid: "ds1", type: "graphite" },
      target: "a.b",
      maxDataPoints: 5,
      intervalMs: 60_000,
    }],
  });
  assert.equal(headers[0].get("authorization"), "Bearer t0k");
  assert.equal(out.series[0].key, "a.b");
  assert.deepEqual(out.series[0].labels, { x: "a", y: "b" });
  assert.equal(out.series[0].start, 60_000);
  assert.deepEqual([...out.series[0].values], [1, NaN, 3]);
});

Deno.test("fetchGrafanaQuery() records per-refId errors, empty and all-null results, keeping the others", async () => {
  const { fetch } = fakeGrafana(() =>
    Response.json({
      results: {
        A: { frames: [frame("A", "good", [1, 2])] },
        B: { status: 404, error: "data source not found", frames: [] },
        C: { frames: [] },
        D: { frames: [frame("D", "dead", [null, null])] },
      },
    }, { status: 400 })
  );
  const out = await fetchGrafanaQuery(["good", "bad", "none", "dead"], { ...base, fetch });
  assert.deepEqual(out.series.map((s) => s.key), ["good"]);
  assert.deepEqual(out.failures.map((f) => [f.target, f.kind, f.status]), [
    ["bad", "query", 404],
    ["none", "no-data", undefined],
    ["dead", "all-null", undefined],
  ]);
  assert.equal(out.requests, 1, "a 400 with results is not retried");
});

Deno.test("fetchGrafanaQuery() fails every target of a failed request, after retries for 5xx only", async () => {
  let calls = 0;
  const html = fakeGrafana(() => (calls++, new Response("<h1>Bad Gateway</h1>", { status: 502 })));
  const out = await fetchGrafanaQuery(["a", "b"], { ...base, fetch: html.fetch, retries: 2 });
  assert.equal(calls, 3);
  assert.deepEqual(out.failures.map((f) => [f.target, f.kind, f.status]), [["a", "http", 502], [
    "b",
    "http",
    502,
  ]]);

  const denied = fakeGrafana(() => Response.json({ message: "Unauthorized" }, { status: 401 }));
  const no = await fetchGrafanaQuery(["a"], { ...base, fetch: denied.fetch, token: "secret-x" });
  assert.deepEqual([no.requests, no.failures[0].status], [1, 401]);
  assert.ok(!JSON.stringify(no).includes("secret-x"));

  const garbage = fakeGrafana(() => new Response("not json"));
  const bad = await fetchGrafanaQuery(["a"], { ...base, fetch: garbage.fetch });
  assert.equal(bad.failures[0].kind, "malformed");
});

Deno.test("fetchGrafanaQuery() batches queries with refIds A..Z, AA..", async () => {
  const { fetch, bodies } = fakeGrafana((body) =>
    Response.json({
      results: Object.fromEntries(
        body.queries.map((q) => [q.refId, { frames: [frame(q.refId, q.target, [1])] }]),
      ),
    })
  );
  const targets = Array.from({ length: 30 }, (_, i) => `t${i}`);
  const out = await fetchGrafanaQuery(targets, { ...base, fetch, batchSize: 28 });
  assert.equal(bodies.length, 2);
  assert.deepEqual(bodies[0].queries.slice(25, 28).map((q) => q.refId), ["Z", "AA", "AB"]);
  assert.deepEqual(out.series.map((s) => s.key), targets);
  assert.equal(out.requests, 2);
});
