import type { Config } from "../sources/config.ts";
import type { HydratedAnomaly } from "../hydrate/hydrate.ts";
import type { FleetIncident } from "../fleet/types.ts";
import { toAlerts } from "../alerts/to_alerts.ts";
import { planAlerts } from "../alerts/plan_alerts.ts";
import { recordDeliveries } from "../alerts/record_deliveries.ts";
import { withAlertState } from "../alerts/with_alert_state.ts";
import type { Alert, DeliveryResult, Sink } from "../alerts/types.ts";

/** What {@link alertOnce} takes besides the findings. */
export interface AlertOnceOptions {
  /** The config's alert settings. */
  alerts: Config["alerts"];
  /** The end of the window, epoch ms. */
  until: number;
  /** The model's step, ms. */
  step: number;
  /** When alerts are planned and sent, epoch ms. */
  now: number;
  /** Where alerts go. */
  sinks: readonly Sink[];
  /** The alert state file. */
  statePath: string;
  /** A line about a failed delivery. */
  print: (line: string) => void;
}

/** Delivers each sink what it is owed; a sink that throws must not cost the others their record. */
async function deliver(sinks: readonly Sink[], bySink: Record<string, Alert[]>): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = [];
  for (const sink of sinks) {
    const owed = bySink[sink.name] ?? [];
    if (!owed.length) continue;
    try {
      results.push(...await sink.send(owed));
    } catch (err) {
      // Recorded as failed (sent again next cycle); the sinks that delivered keep their record.
      const error = (err as Error).message;
      results.push(
        ...owed.map((a) => ({
          sink: sink.name,
          alertId: a.id,
          subject: a.subject,
          ok: false,
          attempts: 0,
          error,
        })),
      );
    }
  }
  return results;
}

/**
 * The alert decision of a watch cycle or a merge: alerts from the hydrated anomalies and the incidents, planned
 * against the state file (once per episode, escalations again, quiet hours), delivered to every sink and
 * recorded, all under the state file's lock. Private to `lib/pipeline/`.
 *
 * @param hydrated The anomalies, hydrated.
 * @param incidents The fleet incidents.
 * @param options See {@link AlertOnceOptions}.
 * @returns The plan, the delivery results and the failed ones.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { alertOnce } from "./_alert_once.ts";
 * import { parseConfig } from "../sources/config.ts";
 * const dir = await Deno.makeTempDir();
 * const { plan } = await alertOnce([], [], { alerts: parseConfig({}, "inline").alerts, until: 0, step: 60_000, now: 0,
 *   sinks: [], statePath: `${dir}/state.json`, print: () => {} });
 * assert.equal(plan.send.length, 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function alertOnce(
  hydrated: readonly HydratedAnomaly[],
  incidents: readonly FleetIncident[],
  options: AlertOnceOptions,
) {
  const { alerts: settings, until, step, now, sinks, statePath, print } = options;
  const alerts = toAlerts([...hydrated], { until, incidents: [...incidents], step });
  const { plan, results } = await withAlertState(statePath, async (state) => {
    const plan = planAlerts(state, alerts, {
      now,
      minSeverity: settings.minSeverity,
      quietHours: settings.quietHours,
      quietAllow: settings.quietAllow,
      sinks: sinks.map((s) => s.name),
    });
    const results = await deliver(sinks, plan.bySink);
    return { state: recordDeliveries(plan.state, plan.send, { results, now }), result: { plan, results } };
  }, { now });
  const errors = results.filter((r) => !r.ok);
  for (const e of errors) print(`delivery to ${e.sink} failed for ${e.subject}: ${e.error}`);
  return { plan, results, errors };
}
