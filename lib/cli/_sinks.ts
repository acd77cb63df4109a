/**
 * Alert sinks as the environment configures them (URLs and tokens only ever come from there): Slack
 * (SLACK_WEBHOOK_URL), Grafana annotations (GRAFANA_URL + GRAFANA_TOKEN), a generic JSON webhook
 * (ALERT_WEBHOOK_URL), and always the console (one line per alert on stdout). With a Grafana URL (GRAFANA_URL, else
 * the config's dashboard.grafanaUrl) every alert carries a link to the dashboard (`deno task dashboard`).
 *
 * @module
 */
import type { Config } from "../sources/config.ts";
import type { Alert, Sink } from "../alerts/types.ts";
import { sendSlack } from "../alerts/slack.ts";
import { postGrafanaAnnotations } from "../alerts/grafana_annotations.ts";
import { postWebhook } from "../alerts/webhook.ts";
import { dashboardLinker } from "../dashboard/dashboard_linker.ts";
import { linkAlerts } from "../dashboard/link_alerts.ts";

/** The sinks the environment turns on, the console first. A URL that is not http(s) is an error at once (named
 * by its variable; its value is a secret and never shown). */
export function sinksFromEnv(config: Config, print: (line: string) => void): Sink[] {
  const env = (name: string) => {
    const value = Deno.env.get(name) || undefined;
    if (value !== undefined && name.endsWith("_URL")) {
      let ok = false;
      try {
        ok = ["http:", "https:"].includes(new URL(value).protocol);
      } catch {
        // reported below
      }
      if (!ok) {
        throw new TypeError(`Cannot set up alerts: ${name} must be an http(s) URL, current value is not one`);
      }
    }
    return value;
  };
  const grafanaUrl = env("GRAFANA_URL"), token = env("GRAFANA_TOKEN");
  const dashboardBase = grafanaUrl ?? config.dashboard.grafanaUrl;
  const link = dashboardBase ? dashboardLinker(config, dashboardBase) : undefined;
  const linked = (alerts: readonly Alert[]) => link ? linkAlerts(alerts, link) : alerts;
  const sinks: Sink[] = [{
    name: "console",
    send(alerts) {
      for (const a of alerts) {
        const again = a.escalatedFrom ? ` (escalated from ${a.escalatedFrom})` : "";
        print(`ALERT ${a.title}${again} — ${a.summary.split("\n")[0]} [${a.id}]`);
      }
      return Promise.resolve(
        alerts.map((a) => ({ sink: "console", alertId: a.id, subject: a.subject, ok: true, attempts: 1 })),
      );
    },
  }];
  const slack = env("SLACK_WEBHOOK_URL");
  if (slack) {
    sinks.push({
      name: "slack",
      send: (alerts) => sendSlack(linked(alerts), { webhookUrl: slack, reportUrl: config.alerts.reportUrl }),
    });
  }
  if (grafanaUrl && token) {
    const { dashboardUID, panelId, tags } = config.alerts.grafana;
    sinks.push({
      name: "grafana",
      send: (alerts) =>
        postGrafanaAnnotations(linked(alerts), { grafanaUrl, token, dashboardUID, panelId, extraTags: tags }),
    });
  }
  const hook = env("ALERT_WEBHOOK_URL");
  if (hook) sinks.push({ name: "webhook", send: (alerts) => postWebhook(linked(alerts), { url: hook }) });
  return sinks;
}
