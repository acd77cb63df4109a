import assert from "node:assert/strict";
import { dashboardUrl } from "./dashboard_url.ts";

const H = 3_600_000;

Deno.test("dashboardUrl() keeps Grafana's sub-path and drops its query, and encodes the variables", () => {
  const url = new URL(
    dashboardUrl("https://host/grafana/?orgId=2#x", {
      machine: "web 1",
      aggregator: "P.a&b",
      start: 10 * H,
      end: 11 * H,
    }, { uid: "u-1", title: "Lag · Ops!", aggregators: ["P.a&b", "P.c"] }),
  );
  assert.equal(url.origin + url.pathname, "https://host/grafana/d/u-1/lag-ops");
  assert.equal(url.hash, "");
  assert.deepEqual([...url.searchParams.keys()], ["from", "to", "var-machine", "var-aggregator"]);
  assert.equal(url.searchParams.get("var-machine"), "web_1", "the node the written tree holds");
  assert.equal(url.searchParams.get("var-aggregator"), "a_b");
  assert.equal(Number(url.searchParams.get("from")), -2 * H);
  assert.equal(Number(url.searchParams.get("to")), 23 * H);
});

Deno.test("dashboardUrl() leaves out what it does not know, and keeps whole paths without a shared parent", () => {
  const url = new URL(
    dashboardUrl("http://g", { aggregator: "P.a", start: 0, end: 0 }, { aggregators: ["P.a", "b"] }),
  );
  assert.equal(url.searchParams.has("var-machine"), false);
  assert.equal(url.searchParams.get("var-aggregator"), "P.a");
});

Deno.test("dashboardUrl() refuses a URL that is not http(s) and a span that ends before it starts", () => {
  assert.throws(
    () => dashboardUrl("grafana.example.com", { start: 0, end: 0 }),
    {
      name: "TypeError",
      message: /Cannot build the dashboard link: .*current value is "grafana.example.com"/,
    },
  );
  assert.throws(() => dashboardUrl("http://g", { start: 5, end: 4 }), {
    name: "RangeError",
    message:
      "Cannot build the dashboard link: start and end must be epoch ms with end ≥ start, current value is 5–4",
  });
  assert.throws(() => dashboardUrl("http://g", { start: NaN, end: 4 }), RangeError);
});
