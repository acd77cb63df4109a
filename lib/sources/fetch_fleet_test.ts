import assert from "node:assert/strict";
import { fetchFleet } from "./fetch_fleet.ts";

const template = "s.{machine}.{aggregator}";
const point = (target: string) => ({ target, datapoints: [[1, 60], [2, 120]] });

/** A fake Graphite that expands `{a,b}` and `*` over the machines it knows; `fail(target)` forces a status. */
function fakeGraphite(known: string[], fail: (target: string) => number = () => 0) {
  const targets: string[] = [];
  const fetch = (input: string | URL | Request) => {
    const target = new URL(String(input)).searchParams.get("target")!;
    targets.push(target);
    const status = fail(target);
    if (status) return Promise.resolve(new Response("<html>error</html>", { status }));
    const m = /^s\.(\{[^}]*\}|\*|[^.]+)\.(.+)$/.exec(target)!;
    const machines = m[1] === "*" ? known : m[1].startsWith("{") ? m[1].slice(1, -1).split(",") : [m[1]];
    return Promise.resolve(
      Response.json(machines.filter((x) => known.includes(x)).map((x) => point(`s.${x}.${m[2]}`))),
    );
  };
  return { fetch, targets };
}

const base = { baseUrl: "http://g", from: 0, until: 180_000, sleep: () => Promise.resolve() };

Deno.test("fetchFleet() asks one brace-list wildcard per aggregator and reports absent machines as no data", async () => {
  const { fetch, targets } = fakeGraphite(["m1", "m2"]);
  const out = await fetchFleet({ machines: ["m1", "m2", "m3"], aggregators: ["A", "B.c"], template }, {
    ...base,
    fetch,
  });
  assert.deepEqual(targets, ["s.{m1,m2,m3}.A", "s.{m1,m2,m3}.B.c"]);
  assert.deepEqual([out.asked, out.answered, out.failed, out.requests, out.wildcardRequests], [
    6,
    4,
    2,
    2,
    2,
  ]);
  assert.deepEqual(out.series.map((s) => s.key), ["s.m1.A", "s.m1.B.c", "s.m2.A", "s.m2.B.c"]);
  assert.deepEqual(
    out.entries.filter((e) => e.status === "failed").map((e) => [e.key, e.kind, e.reason]),
    [
      ["s.m3.A", "no-data", "no data: absent from the wildcard answer"],
      ["s.m3.B.c", "no-data", "no data: absent from the wildcard answer"],
    ],
  );
});

Deno.test("fetchFleet() with `star` ignores machines that were not asked", async () => {
  const { fetch, targets } = fakeGraphite(["m1", "m2", "m9"]);
  const out = await fetchFleet({ machines: ["m1", "m2"], aggregators: ["A"], template }, {
    ...base,
    fetch,
    wildcard: "star",
  });
  assert.deepEqual(targets, ["s.*.A"]);
  assert.deepEqual(out.series.map((s) => s.key), ["s.m1.A", "s.m2.A"]);
});

Deno.test("fetchFleet() falls back to per-series requests when a wildcard request fails", async () => {
  const { fetch, targets } = fakeGraphite(["m1", "m2"], (t) => t.includes("{") && t.endsWith(".B") ? 500 : 0);
  const out = await fetchFleet({ machines: ["m1", "m2"], aggregators: ["A", "B"], template }, {
    ...base,
    fetch,
    retries: 1,
  });
  assert.deepEqual([out.answered, out.failed], [4, 0]);
  assert.deepEqual(out.fallbacks.map((f) => f.aggregator), ["B"]);
  assert.match(out.fallbacks[0].reason, /HTTP 500.*2 attempts/);
  assert.equal(out.requests, 1 + 2 + 2);
  assert.deepEqual(targets.slice(-2), ["s.m1.B", "s.m2.B"]);
  assert.deepEqual(out.entries.map((e) => e.via), ["wildcard", "single", "wildcard", "single"]);
});

Deno.test("fetchFleet() does not fall back on 401/403 and fails every series with the reason", async () => {
  const { fetch, targets } = fakeGraphite(["m1"], () => 401);
  const out = await fetchFleet({ machines: ["m1", "m2"], aggregators: ["A"], template }, { ...base, fetch });
  assert.equal(targets.length, 1);
  assert.deepEqual(out.entries.map((e) => [e.status, e.kind]), [["failed", "http"], ["failed", "http"]]);
  assert.deepEqual(out.failures.map((f) => f.series), ["s.m1.A", "s.m2.A"]);
});

Deno.test("fetchFleet() with `none` asks one request per series, and per-series failures keep their reason", async () => {
  const { fetch, targets } = fakeGraphite(["m1"], (t) => t === "s.m2.A" ? 404 : 0);
  const out = await fetchFleet({ machines: ["m1", "m2", "m3"], aggregators: ["A"], template }, {
    ...base,
    fetch,
    wildcard: "none",
  });
  assert.deepEqual(targets, ["s.m1.A", "s.m2.A", "s.m3.A"]);
  assert.deepEqual(out.entries.map((e) => e.kind ?? e.status), ["answered", "http", "no-data"]);
});

Deno.test("fetchFleet() rejects a template without {machine} or {aggregator}", async () => {
  await assert.rejects(
    () => fetchFleet({ machines: ["m"], aggregators: ["A"], template: "s.{machine}" }, base),
    {
      name: "TypeError",
      message: /must have a \{aggregator\} placeholder/,
    },
  );
  await assert.rejects(() => fetchFleet({ machines: [], aggregators: ["A"] }, base), { name: "RangeError" });
});

Deno.test("fetchFleet() onAnswer sees every answered series once, as answers arrive, fallbacks included", async () => {
  // Aggregator B's wildcard fails (500) and is fetched per series; m9 answers for `*` but was not asked.
  const { fetch } = fakeGraphite(["m1", "m2", "m9"], (t) => t.includes("{") && t.endsWith(".B") ? 500 : 0);
  const batches: string[][] = [];
  const out = await fetchFleet({ machines: ["m1", "m2", "m3"], aggregators: ["A", "B"], template }, {
    ...base,
    fetch,
    retries: 0,
    onAnswer: (series) => batches.push(series.map((s) => s.key)),
  });
  assert.deepEqual(out.fallbacks.map((f) => f.aggregator), ["B"]);
  assert.deepEqual(batches.flat().sort(), out.series.map((s) => s.key).sort());
  assert.deepEqual(batches[0], ["s.m1.A", "s.m2.A"], "the wildcard answer in one batch");
  assert.equal(batches.length, 1 + 3, "then one per series of the fallback (m3's empty)");
});
