import { type Command, parseFlags } from "./_command.ts";
import { parseProfile } from "./_io.ts";
import { grafanaToken, grafanaUrlFromEnv, resolveConfig } from "./_source.ts";
import { loadModel } from "../model/load_model.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import { writeTextAtomic } from "../_write_atomic.ts";
import { modelThreshold } from "../dashboard/model_threshold.ts";
import { grafanaDashboard } from "../dashboard/grafana_dashboard.ts";
import { grafanaAlertRules } from "../dashboard/grafana_alert_rules.ts";
import { pushDashboard } from "../dashboard/push_dashboard.ts";

const help = `Usage: deno task dashboard [--config FILE] [--model FILE] --out FILE [--push] [--folder-uid UID]
                           [--alert-rules FILE] [--alert-for 10m] [--profile strict|permissive]

Writes the Grafana dashboard of the written tree (<prefix>.<family>.<machine>.<aggregator>.<field>, see the
README's "Grafana" section) for the config: shard and aggregator variables from Graphite find queries, a fleet
panel, and per aggregator the source metric, expected value, band and score with the model's threshold.

Options:
  --config FILE       JSON config: writeBack.prefix, family, aggregators, template, dashboard (uid, title,
                      datasourceUid, grafanaUrl), alerts.grafana.tags
  --model FILE        the model whose threshold is drawn (default: the config's "model"; without one, no line)
  --profile P         strict | permissive (default: the config's, else the model's)
  --out FILE          where to write the dashboard JSON
  --push              save it in Grafana (POST /api/dashboards/db, overwriting by uid) and print its URL; the
                      URL comes from GRAFANA_URL or dashboard.grafanaUrl, the token from GRAFANA_TOKEN only
  --folder-uid UID    with --push: the Grafana folder to save it in
  --alert-rules FILE  also write a Grafana alerting provisioning file: the score above the threshold for
                      --alert-for (needs the model and dashboard.datasourceUid)
  --alert-for D       how long the score must stay above the threshold (default 10m)`;

/** `dashboard`: the Grafana dashboard JSON ({@link grafanaDashboard}), optionally pushed. */
export const command: Command = {
  help,
  async run(args) {
    const { values } = parseFlags(args, {
      config: { type: "string" },
      model: { type: "string" },
      profile: { type: "string" },
      out: { type: "string" },
      push: { type: "boolean" },
      "folder-uid": { type: "string" },
      "alert-rules": { type: "string" },
      "alert-for": { type: "string", default: "10m" },
    });
    if (!values.out) {
      throw new TypeError("Cannot write the dashboard: --out FILE is required, current value is undefined");
    }
    const profile = parseProfile("write the dashboard", values.profile);
    const forMs = parseDurationMs(values["alert-for"]!);
    const config = await resolveConfig({ config: values.config });
    const modelPath = values.model ?? config.model;
    const model = modelPath ? await loadModel(modelPath, { family: config.family }) : undefined;
    const threshold = model
      ? modelThreshold(model, config.family, profile ?? config.profile, parseDurationMs(config.step))
      : undefined;
    if (!threshold) {
      console.error(
        'dashboard: no model (--model FILE or "model" in the config): no threshold line is drawn',
      );
    }
    const dashboard = grafanaDashboard(config, { threshold });
    const rules = values["alert-rules"];
    if (rules && !threshold) {
      throw new TypeError(
        'Cannot write the alert rules: they need the model\'s threshold (--model FILE or "model" in the ' +
          "config), current value is undefined",
      );
    }
    const alertRules = rules && threshold ? grafanaAlertRules(config, { threshold, forMs }) : undefined;
    // Everything is checked before anything is written or sent.
    const grafanaUrl = values.push ? grafanaUrlFromEnv() ?? config.dashboard.grafanaUrl : undefined;
    const token = values.push ? grafanaToken() : undefined;
    if (values.push && !grafanaUrl) {
      throw new TypeError(
        "Cannot push the dashboard: no Grafana URL (GRAFANA_URL, or dashboard.grafanaUrl in the config), " +
          "current value is undefined",
      );
    }
    if (values.push && !token) {
      throw new TypeError(
        "Cannot push the dashboard: no Grafana token (the environment variable GRAFANA_TOKEN), current value " +
          "is undefined",
      );
    }
    await writeTextAtomic(values.out, JSON.stringify(dashboard, null, 2) + "\n");
    const where = threshold
      ? `${threshold.profile} threshold ${threshold.value.toFixed(3)} at the model's step`
      : "no threshold";
    console.log(
      `wrote ${values.out}: dashboard "${dashboard.title}" (uid ${dashboard.uid}), ` +
        `${dashboard.panels.length} panels, ${where}`,
    );
    if (rules && alertRules) {
      await writeTextAtomic(rules, JSON.stringify(alertRules, null, 2) + "\n");
      console.log(`wrote ${rules}: alert rule "${alertRules.groups[0].rules[0].title}"`);
    }
    if (values.push) {
      const pushed = await pushDashboard(dashboard, {
        grafanaUrl: grafanaUrl!,
        token: token!,
        folderUid: values["folder-uid"],
      });
      console.log(
        `pushed: ${pushed.url}${pushed.version !== undefined ? ` (version ${pushed.version})` : ""}`,
      );
    }
    return 0;
  },
};
