import assert from "node:assert/strict";
import { fetchGraphite } from "./graphite.ts";

const KEY = "statsd.n200-primary-meraki-com.gauges.aggregator.agg_length_behind_ratio.A.b";
const noWait = { sleep: () => Promise.resolve() };

/** A fake graphite-web: `answer(target)` gives [status, body]; records every request. */
function fakeGraphite(answer: (target: string) => [number, string]) {
  const seen: { url: URL; init: RequestInit; target: string }[] = [];
  const fetch = (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const params = init.method === "POST" ? new URLSearchParams(String(init.body)) : url.searchParams;
    const target = params.get("target") ?? "";
    seen.push({ url, init, target });
    const [status, body] = answer(target);
    return Promise.resolve(new Response(body, { status }));
  };
  return { fetch, seen };
}

const series = (target: string, values: (number | null)[], t0 = 1_700_000_040) => ({
  target,
  datapoints: values.map((v, i) => [v, t0 + i * 60]),
});

Deno.test("fetchGraphite() records each outcome per target, never fatally", async () => {
  const { fetch, seen } = fakeGraphite((target) => {
    switch (target) {
      case KEY:
        return [200, JSON.stringify([series(KEY, [1, null, 3])])];
      case "unknown.path":
        return [200, "[]"];
      case "all.null":
        return [200, JSON.stringify([series("all.null", [null, null])])];
      case "bad.json":
        return [200, '[{"target": "bad.json", "datapoints": [[1, 2]'];
      case "html.500":
        return [500, "<html><body><p>Graphite encountered an unexpected error</p></body></html>"];
      default:
        return [400, "Invalid parameters"];
    }
  });
  const targets = [KEY, "unknown.path", "all.null", "bad.json", "html.500", "nosuchFunc(x)"];
  const out = await fetchGraphite(targets, { baseUrl: "http://g/", from: 0, until: 1, fetch, ...noWait });
  assert.equal(out.series.length, 1);
  assert.deepEqual(out.series[0].labels, { machine: "n200-primary-meraki-com", aggregator: "A.b" });
  assert.equal(out.series[0].start, 1_700_000_040_000);
  assert.equal(out.series[0].step, 60_000);
  assert.deepEqual([...out.series[0].values], [1, NaN, 3]);
  assert.deepEqual(out.failures.map((f) => [f.target, f.kind, f.status]), [
    ["unknown.path", "no-data", undefined],
    ["all.null", "all-null", undefined],
    ["bad.json", "malformed", undefined],
    ["html.500", "http", 500],
    ["nosuchFunc(x)", "http", 400],
  ]);
  assert.match(
    out.failures[3].reason,
    /^HTTP 500: Graphite encountered an unexpected error \(after 4 attempts\)$/,
  );
  assert.equal(out.requests, 6 + 3, "the 500 is retried three times, the 400 never");
  assert.equal(seen.filter((s) => s.target === "nosuchFunc(x)").length, 1);
});

Deno.test("fetchGraphite() sends the window in epoch seconds, the token as a Bearer header, and no gzip", async () => {
  const { fetch, seen } = fakeGraphite(() => [200, "[]"]);
  await fetchGraphite(["a.b"], {
    baseUrl: "http://grafana/api/datasources/proxy/uid/abc",
    token: "tok-123",
    from: 1_700_000_000_999,
    until: 1_700_086_400_000,
    maxDataPoints: 1440,
    fetch,
  });
  const { url, init } = seen[0];
  assert.equal(url.pathname, "/api/datasources/proxy/uid/abc/render");
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    target: "a.b",
    from: "1700000000",
    until: "1700086400",
    format: "pickle",
    maxDataPoints: "1440",
  });
  const headers = new Headers(init.headers);
  assert.equal(headers.get("accept"), "application/pickle, text/plain, application/json");
  assert.equal(headers.get("authorization"), "Bearer tok-123");
  assert.equal(headers.get("accept-encoding"), "identity");
});

Deno.test("fetchGraphite() never puts the token in a failure, even when the server echoes it", async () => {
  const { fetch } = fakeGraphite(() => [401, '{"message":"Unauthorized: Bearer tok-123"}']);
  const out = await fetchGraphite(["a.b"], {
    baseUrl: "http://g",
    token: "tok-123",
    from: 0,
    until: 1,
    fetch,
  });
  assert.equal(out.failures[0].status, 401);
  assert.ok(!JSON.stringify(out).includes("tok-123"));
});

Deno.test("fetchGraphite() switches to a POST form body when the GET URL would be too long", async () => {
  const { fetch, seen } = fakeGraphite(() => [200, "[]"]);
  const long = `statsd.{${Array.from({ length: 300 }, (_, i) => `n${i}-primary-meraki-com`).join(",")}}.x`;
  await fetchGraphite(["a.b", long], { baseUrl: "http://g", from: 0, until: 1, fetch });
  assert.deepEqual(seen.map((s) => s.init.method), ["GET", "POST"]);
  assert.equal(seen[1].target, long);
  assert.equal(seen[1].url.search, "");
});

Deno.test("fetchGraphite() keeps at most `concurrency` requests in flight", async () => {
  let inFlight = 0, most = 0;
  const fetch = async () => {
    most = Math.max(most, ++inFlight);
    await new Promise((resolve) => setTimeout(resolve, 2));
    inFlight--;
    return new Response("[]");
  };
  const out = await fetchGraphite(Array.from({ length: 20 }, (_, i) => `t${i}`), {
    baseUrl: "http://g",
    from: 0,
    until: 1,
    fetch,
    concurrency: 3,
  });
  assert.equal(most, 3);
  assert.equal(out.requests, 20);
});

Deno.test("fetchGraphite() rejects a bad window or base URL", async () => {
  await assert.rejects(() => fetchGraphite(["a"], { baseUrl: "http://g", from: 10, until: 10 }), {
    name: "RangeError",
    message: /from < until, current value is 10\.\.10/,
  });
  await assert.rejects(() => fetchGraphite(["a"], { baseUrl: "graphite", from: 0, until: 1 }), {
    name: "TypeError",
    message: /must be an http\(s\) URL, current value is "graphite"/,
  });
});

Deno.test("fetchGraphite() reads raw answers, and JSON ones from servers that ignore format=raw", async () => {
  const raw =
    "statsd.n1.gauges.aggregator.agg_length_behind_ratio.A,1700000000,1700000180,60|0.5,None,1e-05\n" +
    "sumSeries(a,b),1700000000,1700000120,60|None,None\n";
  const json = JSON.stringify([{ target: "x.y", datapoints: [[1, 1700000000], [null, 1700000060]] }]);
  for (
    const [body, keys] of [[raw, ["statsd.n1.gauges.aggregator.agg_length_behind_ratio.A"]], [json, [
      "x.y",
    ]]] as const
  ) {
    const { fetch } = fakeGraphite(() => [200, body]);
    const out = await fetchGraphite(["t"], { baseUrl: "http://g", from: 0, until: 1, fetch });
    assert.deepEqual(out.series.map((s) => s.key), keys);
    assert.equal(out.series[0].start, 1_700_000_000_000);
    assert.equal(out.series[0].step, 60_000);
  }
  const { fetch } = fakeGraphite(() => [200, raw]);
  const out = await fetchGraphite(["t"], { baseUrl: "http://g", from: 0, until: 1, fetch });
  assert.deepEqual(out.series[0].labels, { machine: "n1", aggregator: "A" });
  assert.deepEqual([...out.series[0].values], [0.5, NaN, 1e-5]);
  assert.deepEqual(out.failures.map((f) => [f.series, f.kind]), [["sumSeries(a,b)", "all-null"]]);
  const bad = fakeGraphite(() => [200, "no bar here\n"]);
  const b = await fetchGraphite(["t"], { baseUrl: "http://g", from: 0, until: 1, fetch: bad.fetch });
  assert.equal(b.failures[0].kind, "malformed");
});

Deno.test("fetchGraphite() fails only the target whose answer is over maxBytes, with a clear reason", async () => {
  const huge = JSON.stringify([series("huge.one", Array.from({ length: 5_000 }, (_, i) => i))]);
  const { fetch, seen } = fakeGraphite((target) =>
    target === "huge.one" ? [200, huge] : [200, JSON.stringify([series(KEY, [1, 2, 3])])]
  );
  const out = await fetchGraphite([KEY, "huge.one"], {
    baseUrl: "http://g/",
    from: 0,
    until: 1,
    format: "json",
    maxBytes: 10_000,
    fetch,
    ...noWait,
  });
  assert.deepEqual(out.series.map((s) => s.key), [KEY]);
  assert.deepEqual(out.failures, [{
    target: "huge.one",
    kind: "too_large",
    reason: "answer too large: more than 10000 bytes (maxBytes)",
    status: 200,
  }]);
  assert.equal(seen.filter((s) => s.target === "huge.one").length, 1, "not retried");
});
