import assert from "node:assert/strict";
import { pushDashboard } from "./push_dashboard.ts";
import { grafanaDashboard } from "./grafana_dashboard.ts";
import { parseConfig } from "../sources/config.ts";

const dashboard = grafanaDashboard(parseConfig({}, "inline"));
const TOKEN = "glsa_unit-7c1d";
const noSleep = () => Promise.resolve();

Deno.test("pushDashboard() retries a 503, then reads Grafana's answer; a sub-path Grafana's URL is kept", async () => {
  let calls = 0;
  const fetch = (url: string | URL | Request) => {
    assert.equal(String(url), "https://host/grafana/api/dashboards/db");
    return Promise.resolve(
      ++calls === 1 ? new Response("busy", { status: 503 }) : Response.json({
        uid: "graphite-anomaly",
        url: "/grafana/d/graphite-anomaly/x",
        version: 7,
        status: "success",
      }),
    );
  };
  const out = await pushDashboard(dashboard, {
    grafanaUrl: "https://host/grafana",
    token: TOKEN,
    fetch,
    sleep: noSleep,
  });
  assert.deepEqual(out, {
    uid: "graphite-anomaly",
    url: "https://host/grafana/d/graphite-anomaly/x",
    status: "success",
    version: 7,
  });
  assert.equal(calls, 2);
});

Deno.test("pushDashboard() fails with Grafana's message and never the token, and refuses a bad URL or no token", async () => {
  const fetch = () =>
    Promise.resolve(Response.json({ message: `invalid API key ${TOKEN}` }, { status: 401 }));
  await assert.rejects(
    pushDashboard(dashboard, { grafanaUrl: "http://g:3000", token: TOKEN, fetch, sleep: noSleep }),
    (e: Error) => {
      assert.match(
        e.message,
        /^Cannot push the dashboard: HTTP 401.*invalid API key \[redacted\], current value is http:\/\/g:3000\/api\/dashboards\/db$/,
      );
      assert.ok(!e.message.includes(TOKEN));
      return true;
    },
  );
  await assert.rejects(pushDashboard(dashboard, { grafanaUrl: "ftp://g", token: TOKEN }), TypeError);
  await assert.rejects(pushDashboard(dashboard, { grafanaUrl: "http://g", token: "" }), {
    name: "TypeError",
    message: "Cannot push the dashboard: a Grafana token is needed (GRAFANA_TOKEN), current value is empty",
  });
});
