import type { WatchControl } from "../pipeline/run_watch.ts";

/**
 * Runs `fn` with SIGINT/SIGTERM wired to `control`: the first signal finishes the current cycle and stops, a
 * second one during a cycle abandons it (exit 130: the state file is only ever replaced whole, and the kernel
 * releases its lock as the process ends).
 */
export async function withStopSignals<T>(control: WatchControl, fn: () => Promise<T>): Promise<T> {
  const onSignal = () => {
    if (control.stopping && control.inCycle) {
      console.error("second signal: abandoning the cycle (the state file is never half-written)");
      Deno.exit(130);
    }
    control.stopping = true;
    console.error(control.inCycle ? "stopping after this cycle (signal again to abandon it)" : "stopping");
    control.wake?.();
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  try {
    return await fn();
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
  }
}
