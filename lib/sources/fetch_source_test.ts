import assert from "node:assert/strict";
import { fetchSource } from "./fetch_source.ts";
import { parseConfig } from "./config.ts";
import { machineNames } from "./machines.ts";

/** A fake fetch that records every request's URL and Authorization header, and answers "no data". */
function recorder() {
  const seen: { url: string; auth: string | null }[] = [];
  const fetch = (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    seen.push({ url, auth: headers.get("authorization") });
    const body = url.includes("/api/ds/query") ? JSON.stringify({ results: {} }) : "[]";
    return Promise.resolve(
      new Response(body, { status: 200, headers: { "content-type": "application/json" } }),
    );
  };
  return { seen, fetch: fetch as typeof globalThis.fetch };
}

Deno.test("fetchSource() sends Grafana's token to Grafana only, never to a graphite-web", async () => {
  const base = { machines: ["n1"], aggregators: ["A"], retries: 0 };
  const window = { from: Date.UTC(2026, 0, 1), until: Date.UTC(2026, 0, 2), token: "t0ken" };
  const cases: Array<[Record<string, unknown>, string | null]> = [
    [{ source: "graphite", url: "http://graphite.example:8080" }, null],
    [{ source: "grafana", url: "http://grafana.example", datasourceUid: "g" }, "Bearer t0ken"],
    [{ source: "grafana-query", url: "http://grafana.example", datasourceUid: "g" }, "Bearer t0ken"],
  ];
  for (const [config, auth] of cases) {
    const r = recorder();
    const { run } = await fetchSource(parseConfig({ ...base, ...config }, "test"), {
      ...window,
      fetch: r.fetch,
    });
    assert.ok(r.seen.length > 0, String(config.source));
    for (const s of r.seen) assert.equal(s.auth, auth, `${config.source}: ${s.url}`);
    assert.equal(run.failed, 1, `${config.source}: the one series had no data`);
  }
});

Deno.test("fetchSource() never puts URL credentials in what it reports", async () => {
  const r = recorder();
  const config = parseConfig(
    { source: "graphite", url: "https://svc:s3cret@graphite.example/", machines: ["n1"], aggregators: ["A"] },
    "test",
  );
  const { run } = await fetchSource(config, { from: 0, until: 3_600_000, fetch: r.fetch });
  assert.equal(run.source, "graphite https://graphite.example/");
  assert.ok(!JSON.stringify(run).includes("s3cret"));
});

Deno.test("fetchSource() with a partition asks Graphite for its machines only, before fetching", async () => {
  const machines = { prefix: "n", from: 200, to: 299, suffix: "-primary" };
  const asked = new Set<string>();
  for (const index of [0, 1, 2, 3]) {
    const r = recorder();
    const config = parseConfig(
      {
        source: "graphite",
        url: "http://g",
        machines,
        aggregators: ["A", "B"],
        partition: { index, count: 4 },
      },
      "test",
    );
    const { run } = await fetchSource(config, { from: 0, until: 3_600_000, fetch: r.fetch });
    const mine = machineNames(config.machines, config.partition);
    assert.equal(run.asked, 2 * mine.length, "every aggregator of each of its machines");
    const targets = r.seen.map((s) => decodeURIComponent(new URL(s.url).searchParams.get("target") ?? ""));
    assert.equal(targets.length, 2, "one brace request per aggregator");
    for (const target of targets) {
      const listed = target.match(/\{([^}]*)\}/)?.[1].split(",") ?? [];
      assert.deepEqual(listed.sort(), [...mine].sort(), target);
      for (const m of listed) {
        assert.ok(!asked.has(`${m} ${target.at(-1)}`), `${m} asked by two partitions`);
        asked.add(`${m} ${target.at(-1)}`);
      }
    }
  }
  assert.equal(asked.size, 200, "the four parts ask for the whole fleet, once");
});
