/**
 * End-to-end: the dashboard links alerts and the report carry, from real `deno task watch` and `deno task report`
 * processes (the sample replayed) to loopback stand-ins for Slack, a webhook and Grafana's annotations: each link
 * is parsed and must open the configured dashboard on the alert's shard and aggregator, the 24 h around it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cliCommand, runCli } from "./support/cli.ts";
import { startReceiver } from "./support/alert_receiver.ts";
import { PRESENCE_AGGREGATORS } from "../lib/presence.ts";

const HOUR = 3_600_000;
const decode = (b: Uint8Array) => new TextDecoder().decode(b);
const unescapeHtml = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** Asserts a link opens the dashboard `uid` under `base` on a shard and aggregator of the sample, 12 h each side
 * of `start`–`end`; returns its variables. */
function checkLink(
  link: string,
  base: string,
  want: { machine?: string; aggregator: string; start: number; end: number },
): URL {
  const url = new URL(link);
  assert.equal(url.origin + url.pathname, `${base}/d/ops-anomaly/ops-anomalies`, link);
  assert.equal(Number(url.searchParams.get("from")), want.start - 12 * HOUR, `from of ${link}`);
  assert.equal(Number(url.searchParams.get("to")), want.end + 12 * HOUR, `to of ${link}`);
  if (want.machine) assert.equal(url.searchParams.get("var-machine"), want.machine, link);
  else assert.match(url.searchParams.get("var-machine") ?? "", /^n2\d\d-primary-meraki-com$/);
  // The presence aggregators share their parent: the variable holds the last node.
  assert.ok(PRESENCE_AGGREGATORS.includes(want.aggregator), want.aggregator);
  assert.equal(url.searchParams.get("var-aggregator"), want.aggregator.split(".").pop(), link);
  return url;
}

const CONFIG = {
  dashboard: { uid: "ops-anomaly", title: "Ops anomalies", grafanaUrl: "https://grafana.example.com/sub" },
};

Deno.test("deno task watch: Slack, the webhook and Grafana's annotations link to the dashboard on the shard, aggregator and time", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "alert-links-" });
  const token = "grafana-token-link-3e1f";
  const slack = startReceiver(), hook = startReceiver();
  let id = 0;
  const grafana = startReceiver(() => Response.json({ id: ++id, message: "Annotation added" }));
  try {
    const config = join(tmp, "config.json");
    await Deno.writeTextFile(config, JSON.stringify(CONFIG));
    const env = {
      SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/x`,
      ALERT_WEBHOOK_URL: `${hook.url}/hook`,
      GRAFANA_URL: grafana.url,
      GRAFANA_TOKEN: token,
    };
    const args = [
      "--config",
      config,
      "--start",
      "now-2d",
      "--interval",
      "3h",
      "--state",
      join(tmp, "s.json"),
      "--out",
      join(tmp, "w.json"),
    ];
    const out = await cliCommand(["watch", ...args], { env, net: true, allowEnv: Object.keys(env) }).output();
    assert.equal(out.code, 0, decode(out.stderr));

    // The webhook holds every alert with its link (GRAFANA_URL overrides the config's dashboard.grafanaUrl).
    const alerts = hook.requests.flatMap((r) => JSON.parse(r.body).alerts) as {
      title: string;
      kind: string;
      machine?: string;
      machines?: string[];
      aggregator: string;
      start: number;
      end: number;
      dashboardUrl: string;
    }[];
    assert.ok(alerts.length >= 2, `alerts sent: ${alerts.length}`);
    for (const a of alerts) {
      checkLink(a.dashboardUrl, grafana.url, { ...a, machine: a.machine || a.machines?.[0] });
    }
    const byTitle = new Map(alerts.map((a) => [a.title, a]));

    // Slack: the same link, in the blocks and in the fallback text.
    assert.equal(slack.requests.length, alerts.length);
    for (const r of slack.requests) {
      const body = JSON.parse(r.body) as { text: string; blocks: { text?: { text: string } }[] };
      const title = body.text.split("\n")[0].replace(/ — escalated.*$/, "");
      const alert = byTitle.get(title);
      assert.ok(alert, `a Slack message for an alert the webhook got: ${title}`);
      const inText = body.text.match(/<([^|>]+)\|Open in Grafana>/)?.[1];
      const inBlocks = body.blocks.map((b) => b.text?.text ?? "").join("\n").match(
        /<([^|>]+)\|Open in Grafana>/,
      )?.[1];
      assert.equal(inText, alert.dashboardUrl);
      assert.equal(inBlocks, alert.dashboardUrl);
    }

    // Annotations: a link in the text, for the annotation's own shard, aggregator and span.
    assert.equal(grafana.requests.length, alerts.length);
    for (const r of grafana.requests) {
      const a = JSON.parse(r.body) as { time: number; timeEnd: number; tags: string[]; text: string };
      const href = a.text.match(/<a href="([^"]+)">Open in Grafana<\/a>$/)?.[1];
      assert.ok(href, a.text);
      const fleet = a.tags.includes("fleet");
      const aggregator = a.tags.find((t) => PRESENCE_AGGREGATORS.includes(t))!;
      checkLink(unescapeHtml(href), grafana.url, {
        machine: fleet ? undefined : a.tags[0],
        aggregator,
        start: a.time,
        end: a.timeEnd,
      });
    }
    for (const text of [decode(out.stdout), decode(out.stderr)]) assert.ok(!text.includes(token));
  } finally {
    await Promise.all([slack.stop(), hook.stop(), grafana.stop()]);
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("deno task report: with dashboard.grafanaUrl configured, each anomaly of the table links to the dashboard", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "report-links-" });
  try {
    const config = join(tmp, "config.json"), dir = join(tmp, "out");
    await Deno.writeTextFile(config, JSON.stringify(CONFIG));
    const { code, stderr } = await runCli(["report", "--config", config, "--out", dir]);
    assert.equal(code, 0, stderr);
    const html = await Deno.readTextFile(join(dir, "index.html"));
    const { anomalies } = JSON.parse(await Deno.readTextFile(join(dir, "anomalies.json"))) as {
      anomalies: { machine: string; aggregator: string; start: number; end: number }[];
    };
    const links = [...html.matchAll(/<a [^>]*class="grafana"[^>]*>Grafana ↗<\/a>/g)]
      .map((m) => unescapeHtml(m[0].match(/href="([^"]+)"/)![1]));
    assert.ok(anomalies.length > 0);
    assert.equal(links.length, anomalies.length, "one link per anomaly");
    const unmatched = new Set(anomalies);
    for (const link of links) {
      const url = new URL(link);
      const from = Number(url.searchParams.get("from")), to = Number(url.searchParams.get("to"));
      const a = [...unmatched].find((a) =>
        a.machine === url.searchParams.get("var-machine") &&
        a.aggregator.split(".").pop() === url.searchParams.get("var-aggregator") &&
        a.start - 12 * HOUR === from && a.end + 12 * HOUR === to
      );
      assert.ok(a, `the anomaly ${link} opens on`);
      unmatched.delete(a);
      checkLink(link, "https://grafana.example.com/sub", a);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
