import assert from "node:assert/strict";
import { post } from "./_post.ts";
import { retryAfterMs } from "../http/request.ts";

function fakeFetch(answers: (() => Response | Promise<Response>)[]) {
  let n = 0;
  const fetch = (_url: string | URL | Request, _init?: RequestInit) => {
    const answer = answers[Math.min(n++, answers.length - 1)];
    return Promise.resolve(answer());
  };
  return { fetch, calls: () => n };
}

function recorder() {
  const waits: number[] = [];
  return { waits, sleep: (ms: number) => (waits.push(ms), Promise.resolve()) };
}

Deno.test("post() honours Retry-After on 429", async () => {
  const { fetch, calls } = fakeFetch([
    () => new Response("rate_limited", { status: 429, headers: { "retry-after": "3" } }),
    () => new Response("ok"),
  ]);
  const { waits, sleep } = recorder();
  const out = await post("http://x/", { body: "{}" }, { fetch, sleep });
  assert.deepEqual(out, {
    ok: true,
    status: 200,
    body: "ok",
    contentType: "text/plain;charset=UTF-8",
    attempts: 2,
  });
  assert.deepEqual(waits, [3000]);
  assert.equal(calls(), 2);
});

Deno.test("post() gives up on a Retry-After longer than maxRetryAfterMs", async () => {
  const { fetch, calls } = fakeFetch([
    () => new Response("", { status: 429, headers: { "retry-after": "3600" } }),
  ]);
  const { waits, sleep } = recorder();
  const out = await post("http://x/", { body: "{}" }, { fetch, sleep, maxRetryAfterMs: 60_000 });
  assert.equal(out.ok, false);
  assert.equal(out.reason, "HTTP 429; Retry-After 3600 s is longer than maxRetryAfterMs 60000");
  assert.deepEqual(waits, []);
  assert.equal(calls(), 1);
});

Deno.test("post() retries 5xx with exponential backoff and gives up after retries", async () => {
  const { fetch, calls } = fakeFetch([() => new Response("down", { status: 503 })]);
  const { waits, sleep } = recorder();
  const out = await post("http://x/", { body: "{}" }, {
    fetch,
    sleep,
    retries: 3,
    backoffMs: 100,
    random: () => 1,
  });
  assert.equal(out.ok, false);
  assert.equal(out.status, 503);
  assert.equal(out.reason, "HTTP 503: down (after 4 attempts)");
  assert.deepEqual(waits, [100, 200, 400]);
  assert.equal(calls(), 4);
});

Deno.test("post() never retries other 4xx", async () => {
  for (const status of [400, 401, 403, 404, 410]) {
    const { fetch, calls } = fakeFetch([() => new Response("no", { status })]);
    const out = await post("http://x/", { body: "{}" }, { fetch, sleep: () => Promise.resolve() });
    assert.equal(out.ok, false);
    assert.equal(out.attempts, 1, `status ${status}`);
    assert.equal(calls(), 1);
  }
});

Deno.test("post() times out a hung request and retries it", async () => {
  let n = 0;
  const fetch = (_url: string | URL | Request, init?: RequestInit) => {
    n++;
    if (n === 2) return Promise.resolve(new Response("ok"));
    return new Promise<Response>((_resolve, reject) => {
      init?.signal?.addEventListener("abort", () => reject(init.signal!.reason));
    });
  };
  const out = await post("http://x/", { body: "{}" }, {
    fetch,
    timeoutMs: 20,
    sleep: () => Promise.resolve(),
  });
  assert.equal(out.ok, true);
  assert.equal(out.attempts, 2);
  const hung = (_url: string | URL | Request, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      init?.signal?.addEventListener("abort", () => reject(init.signal!.reason));
    });
  const out2 = await post("http://x/", { body: "{}" }, {
    fetch: hung,
    timeoutMs: 10,
    retries: 1,
    sleep: () => Promise.resolve(),
  });
  assert.equal(out2.reason, "timeout: no complete answer within 10 ms (after 2 attempts)");
});

Deno.test("post() keeps secrets out of connection errors and bodies", async () => {
  // a closed port: the real fetch's error names the URL, whose path is the secret
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const url = `http://127.0.0.1:${port}/services/T0001/B0002/s3cretP4th`;
  const out = await post(url, { body: "{}" }, {
    retries: 1,
    sleep: () => Promise.resolve(),
    secrets: ["/services/T0001/B0002/s3cretP4th", url],
  });
  assert.equal(out.ok, false);
  assert.match(out.reason!, /^connection error: .*\(after 2 attempts\)$/);
  assert.ok(!out.reason!.includes("s3cretP4th"), out.reason);
  // older Deno releases named the URL in the error: that must not come through either
  const throwing = (u: string | URL | Request) =>
    Promise.reject(new TypeError(`error sending request for url (${u}): connection refused`));
  const out1 = await post(url, { body: "{}" }, {
    fetch: throwing,
    retries: 0,
    secrets: ["/services/T0001/B0002/s3cretP4th", url],
  });
  assert.equal(
    out1.reason,
    "connection error: error sending request for url ([redacted]): connection refused",
  );
  const { fetch } = fakeFetch([() => new Response(`bad token tok-123456 for ${url}`, { status: 401 })]);
  const out2 = await post(url, { body: "{}" }, { fetch, secrets: ["tok-123456", url] });
  assert.equal(out2.reason, "HTTP 401: bad token [redacted] for [redacted]");
  assert.ok(!out2.body.includes("tok-123456"));
});

Deno.test("retryAfterMs() reads seconds or an HTTP date relative to the answer's Date", () => {
  assert.equal(retryAfterMs(new Headers({ "retry-after": "1.5" })), 1500);
  assert.equal(
    retryAfterMs(
      new Headers({ "retry-after": "Wed, 21 Oct 2015 07:28:30 GMT", date: "Wed, 21 Oct 2015 07:28:00 GMT" }),
    ),
    30_000,
  );
  assert.equal(retryAfterMs(new Headers({ "retry-after": "Wed, 21 Oct 2015 07:28:30 GMT" })), undefined);
  assert.equal(retryAfterMs(new Headers({ "retry-after": "soon" })), undefined);
});
