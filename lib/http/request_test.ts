import assert from "node:assert/strict";
import { request } from "./request.ts";

/** A fake fetch answering from a script, one entry per call; records the calls. */
function scripted(script: Array<number | "throw" | "hang">) {
  const calls: RequestInit[] = [];
  const fetch = (_url: string | URL | Request, init?: RequestInit) => {
    calls.push(init ?? {});
    const step = script[Math.min(calls.length - 1, script.length - 1)];
    if (step === "throw") return Promise.reject(new TypeError("error sending request: Connection refused"));
    if (step === "hang") {
      return new Promise<Response>((_, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal!.reason));
      });
    }
    return Promise.resolve(new Response(step >= 500 ? "<html><b>boom</b></html>" : "[]", { status: step }));
  };
  return { fetch, calls };
}

Deno.test("request() retries 5xx with exponential backoff and jitter, then succeeds", async () => {
  const { fetch, calls } = scripted([500, 502, 503, 200]);
  const waits: number[] = [];
  const out = await request("http://x/", {}, {
    fetch,
    sleep: (ms) => (waits.push(ms), Promise.resolve()),
    random: () => 0.5,
    backoffMs: 100,
  });
  assert.ok(out.ok);
  assert.equal(out.attempts, 4);
  assert.equal(calls.length, 4);
  assert.deepEqual(waits, [75, 150, 300]); // half fixed + half × random of 100, 200, 400
});

Deno.test("request() jitter stays within [cap/2, cap] and the cap bounds the wait", async () => {
  for (const r of [0, 0.999]) {
    const waits: number[] = [];
    await request("http://x/", {}, {
      fetch: scripted([500]).fetch,
      retries: 6,
      backoffMs: 100,
      maxBackoffMs: 1000,
      random: () => r,
      sleep: (ms) => (waits.push(ms), Promise.resolve()),
    });
    const caps = [100, 200, 400, 800, 1000, 1000];
    waits.forEach((w, i) => assert.ok(w >= caps[i] / 2 && w <= caps[i], `wait ${i}: ${w}`));
  }
});

Deno.test("request() gives up after the retries with the last 5xx and a readable reason", async () => {
  const { fetch, calls } = scripted([500]);
  const out = await request("http://x/", {}, { fetch, retries: 2, sleep: () => Promise.resolve() });
  assert.ok(!out.ok);
  assert.equal(out.kind, "http");
  assert.equal(out.status, 500);
  assert.equal(calls.length, 3);
  assert.equal(out.reason, "HTTP 500: boom (after 3 attempts)");
});

Deno.test("request() never retries a 4xx but 429", async () => {
  for (const status of [400, 401, 403, 404]) {
    const { fetch, calls } = scripted([status]);
    const out = await request("http://x/", {}, { fetch, sleep: () => Promise.resolve() });
    assert.ok(!out.ok && out.status === status && out.attempts === 1);
    assert.equal(calls.length, 1);
  }
});

Deno.test("request() retries connection errors and timeouts", async () => {
  const refused = scripted(["throw", "throw", 200]);
  const ok = await request("http://x/", {}, {
    fetch: refused.fetch,
    sleep: () => Promise.resolve(),
  });
  assert.ok(ok.ok && ok.attempts === 3);

  const down = scripted(["throw"]);
  const failed = await request("http://x/", {}, {
    fetch: down.fetch,
    sleep: () => Promise.resolve(),
  });
  assert.ok(!failed.ok);
  assert.equal(failed.kind, "network");
  assert.match(failed.reason, /^connection error: .*Connection refused \(after 4 attempts\)$/);

  const slow = scripted(["hang", "hang", 200]);
  const late = await request("http://x/", {}, {
    fetch: slow.fetch,
    timeoutMs: 20,
    sleep: () => Promise.resolve(),
  });
  assert.ok(late.ok && late.attempts === 3);

  const hung = scripted(["hang"]);
  const out = await request("http://x/", {}, {
    fetch: hung.fetch,
    timeoutMs: 10,
    retries: 1,
    sleep: () => Promise.resolve(),
  });
  assert.ok(!out.ok);
  assert.equal(out.kind, "timeout");
  assert.equal(out.reason, "timeout: no complete answer within 10 ms (after 2 attempts)");
});

Deno.test("request() removes the secret from reasons and bodies", async () => {
  const fetch = () => Promise.resolve(new Response("bad token s3cr3t", { status: 401 }));
  const out = await request("http://x/", {}, { fetch, secrets: ["s3cr3t"] });
  assert.ok(!out.ok);
  assert.ok(!JSON.stringify(out).includes("s3cr3t"));
  assert.match(out.reason, /\[redacted\]/);
});

Deno.test("request() rejects bad options with a RangeError", async () => {
  await assert.rejects(() => request("http://x/", {}, { retries: -1 }), {
    name: "RangeError",
    message: /retries must be an integer >= 0, current value is -1/,
  });
  await assert.rejects(() => request("http://x/", {}, { timeoutMs: 0 }), { name: "RangeError" });
});

Deno.test("request() fails an answer over maxBytes as too_large, without retrying, declared or streamed", async () => {
  const big = "x".repeat(5_000);
  for (
    const answer of [
      () => new Response(big), // a body of known length
      () =>
        new Response(
          ReadableStream.from([new TextEncoder().encode(big.slice(0, 3000)), new TextEncoder().encode(big)]),
        ),
    ]
  ) {
    let calls = 0;
    const fetch = () => (calls++, Promise.resolve(answer()));
    const out = await request("http://x/", {}, { fetch, maxBytes: 4_096, sleep: () => Promise.resolve() });
    assert.ok(!out.ok);
    assert.equal(out.kind, "too_large");
    assert.equal(out.reason, "answer too large: more than 4096 bytes (maxBytes)");
    assert.equal(calls, 1);
  }
  const small = await request("http://x/", {}, {
    fetch: () => Promise.resolve(new Response(big)),
    maxBytes: 5_000,
  });
  assert.ok(small.ok && small.body === big);
});

Deno.test("request() asks isRetriable which failures to retry", async () => {
  const { fetch, calls } = scripted([404, 200]);
  const out = await request("http://x/", {}, {
    fetch,
    sleep: () => Promise.resolve(),
    isRetriable: (f) => f.status === 404,
  });
  assert.ok(out.ok && out.attempts === 2);
  assert.equal(calls.length, 2);
});
