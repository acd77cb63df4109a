import type { Severity } from "../detect/types.ts";
import type { AnomalyLabel } from "../presence.ts";
import type { KindDetection, SendSummary, SentAlert } from "./types.ts";

/** Options for {@link summarizeSends}. */
export interface SummarizeSendsOptions {
  /** The replay's first cycle, epoch ms: days are counted in 24 h from it. */
  from: number;
  /** The end of the replay, epoch ms. */
  until: number;
  /** Labelled anomalies (the `eval` format): time to detect and recall per kind. @default none */
  labels?: readonly AnomalyLabel[];
  /** How many of the noisiest series to list. @default 10 */
  top?: number;
}

const DAY = 86_400_000;

const median = (xs: readonly number[]) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function counted<K extends string>(
  name: K,
  items: Iterable<string>,
): Array<Record<K, string> & { alerts: number }> {
  const counts = new Map<string, number>();
  for (const x of items) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, n]) => ({ [name]: k, alerts: n }) as Record<K, string> & { alerts: number });
}

/**
 * Summarises what a replay sent: alerts per day (min, median and max over whole days, mean over the span), by
 * severity, by shard, by aggregator, the noisiest series, the share of fleet incidents and, with labels, per kind
 * the share of labelled anomalies that got an alert (one on their series, a fleet incident's members included,
 * whose interval overlaps the label) and how long after the label's start the first one went out.
 *
 * @param sent The alerts sent, from `replayAlerts`.
 * @param options See {@link SummarizeSendsOptions}.
 * @returns The summary.
 * @throws {RangeError} When the span is empty.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summarizeSends } from "./summarize_sends.ts";
 * const D = 86_400_000;
 * const alert = (at: number, subject: string) => ({ at, id: subject, subject, kind: "anomaly" as const, machine: "n1",
 *   aggregator: "A", series: [subject], severity: "low" as const, start: at, end: at });
 * const s = summarizeSends([alert(0.5 * D, "x"), alert(0.7 * D, "x"), alert(2.5 * D, "y")], { from: 0, until: 3 * D });
 * assert.deepEqual(s.perDay, [2, 0, 1]);
 * assert.deepEqual(s.alertsPerDay, { min: 0, median: 1, max: 2, mean: 1 });
 * assert.deepEqual(s.noisiest[0], { subject: "x", alerts: 2 });
 * ```
 */
export function summarizeSends(sent: readonly SentAlert[], options: SummarizeSendsOptions): SendSummary {
  const { from, until, labels, top = 10 } = options;
  if (!(until > from)) {
    throw new RangeError(
      `Cannot summarise a backtest: the span must be > 0, current value is ${from} .. ${until}`,
    );
  }
  const days = (until - from) / DAY;
  const perDay = new Array<number>(Math.max(1, Math.ceil(days - 1e-9))).fill(0);
  for (const a of sent) perDay[Math.min(perDay.length - 1, Math.max(0, Math.floor((a.at - from) / DAY)))]++;
  const whole = perDay.slice(0, Math.max(1, Math.floor(days + 1e-9)));
  const bySeverity: Record<Severity, number> = { low: 0, medium: 0, high: 0 };
  for (const a of sent) bySeverity[a.severity]++;
  const fleet = sent.filter((a) => a.kind === "fleet").length;
  const summary: SendSummary = {
    alerts: sent.length,
    escalations: sent.filter((a) => a.escalatedFrom).length,
    perDay,
    days: Number(days.toFixed(3)),
    alertsPerDay: {
      min: Math.min(...whole),
      median: median(whole),
      max: Math.max(...whole),
      mean: Number((sent.length / days).toFixed(3)),
    },
    bySeverity,
    byMachine: counted("machine", sent.map((a) => a.kind === "fleet" ? "fleet" : a.machine || a.subject)),
    byAggregator: counted("aggregator", sent.map((a) => a.aggregator)),
    noisiest: counted("subject", sent.map((a) => a.subject)).slice(0, top),
    fleetShare: sent.length ? Number((fleet / sent.length).toFixed(4)) : 0,
  };
  if (labels) summary.detection = detection(sent, labels, from, until);
  return summary;
}

function detection(sent: readonly SentAlert[], labels: readonly AnomalyLabel[], from: number, until: number) {
  const bySeries = new Map<string, SentAlert[]>();
  for (const a of sent) {
    for (const s of a.series) {
      let list = bySeries.get(s);
      if (!list) bySeries.set(s, list = []);
      list.push(a);
    }
  }
  const byKind = new Map<string, { labels: number; delays: number[] }>();
  for (const l of labels) {
    if (l.end < from || l.start > until) continue;
    let k = byKind.get(l.kind);
    if (!k) byKind.set(l.kind, k = { labels: 0, delays: [] });
    k.labels++;
    const first = (bySeries.get(l.series) ?? []).find((a) => a.start <= l.end && a.end >= l.start);
    if (first) k.delays.push(Math.max(0, first.at - l.start));
  }
  return [...byKind].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([kind, k]): KindDetection => ({
    kind,
    labels: k.labels,
    detected: k.delays.length,
    recall: Number((k.delays.length / k.labels).toFixed(4)),
    medianTimeToDetectMs: k.delays.length ? median(k.delays) : null,
    maxTimeToDetectMs: k.delays.length ? Math.max(...k.delays) : null,
  }));
}
