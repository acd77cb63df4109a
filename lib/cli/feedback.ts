import { type Command, parseFlags } from "./_command.ts";
import { writeJsonAtomic } from "./_io.ts";
import { resolveConfig } from "./_source.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import { parseWhen } from "../series/parse_when.ts";
import { readFeedback } from "../feedback/read_feedback.ts";
import { appendFeedback } from "../feedback/append_feedback.ts";
import { activeDecisions } from "../feedback/active_decisions.ts";
import { exportLabels } from "../feedback/export_labels.ts";
import { recordFeedback } from "../pipeline/record_feedback.ts";

const help =
  `Usage: deno task feedback --not-anomalous ID|--anomalous ID [--reason TEXT] [--by NAME] [--expires 90d]
       deno task feedback --not-anomalous|--anomalous --series KEY --from T --until T [...]
       deno task feedback --list | --undo DECISION_ID | --export-labels FILE       [--config FILE]

Appends a decision to the feedback file (config "feedback", default models/feedback.jsonl), which the next
detect / watch cycle applies: later episodes like one marked normal are dismissed (README "Feedback"); a span
confirmed anomalous stays out of training.

Options:
  --not-anomalous ID   an anomaly (a-...) or fleet incident (f-..., all its members) is normal behaviour
  --anomalous ID       confirm it (left out of the normal-behaviour statistics at the next train)
  --series KEY --from T --until T   a series over a time range instead of an id
  --reason TEXT        why, in your words
  --by NAME            who (default: the user name)
  --expires D          not-anomalous decisions stop applying after D (default 90d; "never" keeps them)
  --kind K             for --anomalous: the anomaly kind of the exported label (default from its detectors)
  --anomalies FILE     result files holding the id (repeatable; default reports/{anomalies,watch}.json)
  --list               the decisions in force
  --undo DECISION_ID   withdraw a decision (appends a withdrawal; the file keeps both)
  --export-labels FILE the confirmed anomalies as a labels file for \`deno task eval --labels\``;

/** `--not-anomalous` / `--anomalous` may be given no id (then --series/--from/--until say what). */
const allowBare = (args: string[]) =>
  args.flatMap((a, i) => /^--(not-)?anomalous$/.test(a) && !/^[^-]/.test(args[i + 1] ?? "-") ? [a, ""] : [a]);

/** `feedback`: record, list, withdraw or export operators' decisions. */
export const command: Command = {
  help,
  async run(args) {
    const { values } = parseFlags(allowBare(args), {
      config: { type: "string" },
      "not-anomalous": { type: "string" },
      anomalous: { type: "string" },
      series: { type: "string" },
      from: { type: "string" },
      until: { type: "string" },
      reason: { type: "string" },
      by: { type: "string" },
      expires: { type: "string", default: "90d" },
      kind: { type: "string" },
      anomalies: { type: "string", multiple: true },
      list: { type: "boolean" },
      undo: { type: "string" },
      "export-labels": { type: "string" },
    });
    const config = await resolveConfig({ config: values.config });
    const path = config.feedback, now = Date.now();
    const by = values.by ?? Deno.env.get("USER") ?? Deno.env.get("LOGNAME") ?? "unknown";
    const newId = () => `fb-${now.toString(36)}${crypto.randomUUID().slice(0, 4)}`;
    if (values.list) {
      for (const d of activeDecisions(await readFeedback(path), now)) {
        const what = d.anomaly ?? d.spans.map((s) => s.series).join(", ");
        console.log(`${d.id}  ${d.decision}  ${what}  by ${d.by} at ${d.at}  ${d.reason ?? ""}`.trimEnd());
      }
      return 0;
    }
    if (values.undo) {
      const line = { id: newId(), undo: values.undo, by, at: new Date(now).toISOString() };
      await appendFeedback(path, line, { now });
      console.log(`withdrew ${values.undo} (${path})`);
      return 0;
    }
    if (values["export-labels"]) {
      const out = exportLabels(activeDecisions(await readFeedback(path), now));
      await writeJsonAtomic(values["export-labels"], out);
      console.log(`${out.labels.length} labels to ${values["export-labels"]}`);
      return 0;
    }
    const decision = values["not-anomalous"] !== undefined
      ? "not_anomalous"
      : values.anomalous !== undefined
      ? "anomalous"
      : undefined;
    if (!decision) {
      throw new TypeError(
        `Cannot record feedback: give --not-anomalous, --anomalous, --list, --undo or --export-labels, current value is none of them`,
      );
    }
    const id = (values["not-anomalous"] ?? values.anomalous)!;
    const { series, from, until } = values;
    const line = await recordFeedback(config, {
      decision,
      id: id || undefined,
      span: !id && series && from && until
        ? { series, from: parseWhen("--from", from, now), until: parseWhen("--until", until, now) }
        : undefined,
      results: values.anomalies,
      decisionId: newId(),
      by,
      now,
      reason: values.reason,
      expires: decision === "not_anomalous" && values.expires !== "never"
        ? now + parseDurationMs(values.expires!)
        : undefined,
      kind: values.kind,
    });
    console.log(
      `${line.id}: ${decision.replace("_", " ")} ${
        line.anomaly ?? line.spans[0].series
      } (${line.spans.length} span${line.spans.length > 1 ? "s" : ""}) → ${path}`,
    );
    return 0;
  },
};
