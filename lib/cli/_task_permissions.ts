/**
 * The permissions and environment of the subcommands' tasks in deno.json, for `deno task install`.
 *
 * @module
 */

/** What one subcommand's task in deno.json runs with. */
export interface TaskPermissions {
  /** The subcommand, e.g. `watch`. */
  command: string;
  /** Its `--allow-*` flags, as written. */
  flags: string[];
  /** Environment set before `deno run`, e.g. `{ MALLOC_ARENA_MAX: "2" }`. */
  env: Record<string, string>;
}

/**
 * Reads the `deno run … lib/cli/main.ts <command>` tasks of a deno.json.
 *
 * @param config The parsed deno.json.
 * @returns One entry per subcommand task, in the file's order.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { taskPermissions } from "./_task_permissions.ts";
 * const tasks = { watch: { command: "A=2 deno run --allow-read lib/cli/main.ts watch" } };
 * assert.deepEqual(taskPermissions({ tasks }), [{ command: "watch", flags: ["--allow-read"], env: { A: "2" } }]);
 * ```
 */
export function taskPermissions(
  config: { tasks?: Record<string, string | { command?: string }> },
): TaskPermissions[] {
  const out: TaskPermissions[] = [];
  for (const task of Object.values(config.tasks ?? {})) {
    const line = typeof task === "string" ? task : task.command ?? "";
    const m = line.match(
      /^((?:[A-Z_][A-Z0-9_]*=\S+\s+)*)deno run ((?:--[a-z-]+(?:=\S+)?\s+)*)lib\/cli\/main\.ts (\w+)$/,
    );
    if (!m) continue;
    const env = Object.fromEntries(
      m[1].trim().split(/\s+/).filter(Boolean).map((kv) => kv.split("=", 2) as [string, string]),
    );
    out.push({ command: m[3], flags: m[2].trim().split(/\s+/).filter(Boolean), env });
  }
  return out;
}

/**
 * The union of `--allow-*` flags: a flag granted without a list anywhere stays without one, otherwise the lists
 * are merged. Flags other than `--allow-*` are refused (the installed command must not differ from the tasks).
 *
 * @param flagSets The flags of each task.
 * @returns The merged flags, sorted.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unionPermissions } from "./_task_permissions.ts";
 * assert.deepEqual(
 *   unionPermissions([["--allow-read", "--allow-env=A"], ["--allow-env=B", "--allow-net"]]),
 *   ["--allow-env=A,B", "--allow-net", "--allow-read"],
 * );
 * ```
 */
export function unionPermissions(flagSets: string[][]): string[] {
  const lists = new Map<string, Set<string> | "all">();
  for (const flag of flagSets.flat()) {
    const m = flag.match(/^(--allow-[a-z-]+)(?:=(.*))?$/);
    if (!m) throw new RangeError(`Cannot install: a task runs with ${flag}, current value is ${flag}`);
    const [, name, list] = m;
    const had = lists.get(name);
    if (list === undefined) lists.set(name, "all");
    else if (had !== "all") lists.set(name, new Set([...(had ?? []), ...list.split(",")]));
  }
  return [...lists].map(([name, v]) => v === "all" ? name : `${name}=${[...v].sort().join(",")}`).sort();
}

/**
 * The shim with `export VAR="${VAR:-value}"` for the subcommands whose tasks set an environment, before its
 * `exec` line.
 *
 * @param shim The shell script `deno install` wrote.
 * @param tasks The subcommands' tasks.
 * @returns The script to write back.
 */
export function withTaskEnv(shim: string, tasks: TaskPermissions[]): string {
  const lines = shim.split("\n");
  const at = lines.findIndex((l) => /^exec deno /.test(l));
  if (at < 0 || lines.filter((l) => /^exec /.test(l)).length !== 1) {
    throw new SyntaxError(
      `Cannot install: the shim has no single "exec deno" line, current value is ${shim}`,
    );
  }
  const cases = tasks.filter((t) => Object.keys(t.env).length).map((t) =>
    `  ${t.command}) ${Object.entries(t.env).map(([k, v]) => `export ${k}="\${${k}:-${v}}"`).join("; ")} ;;`
  );
  if (!cases.length) return shim;
  const block = [
    "# the environment the subcommand's task sets (deno.json), unless already set",
    'case "$1" in',
  ]
    .concat(cases, ["esac"]);
  return [...lines.slice(0, at), ...block, ...lines.slice(at)].join("\n");
}
