/**
 * `deno task install [--root DIR] [--name NAME]`: installs the `graphite-anomaly` command on PATH with
 * `deno install --global`, so that every subcommand runs from any directory (`graphite-anomaly report --csv DIR`).
 *
 * The permissions are the ones the subcommands' tasks in deno.json grant (their union: one command runs them all;
 * `bench`, a harness in tests/bench/, stays a task of the checkout). Environment prefixes of those tasks, such as
 * `MALLOC_ARENA_MAX=2` for `watch`, are written into the installed shim for that subcommand (a user's own value
 * wins): glibc reads it when the process starts, so it cannot be set from inside. Relative paths are the user's,
 * from the directory the command runs in; the sample data (the default replay) is found beside the module.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { taskPermissions, unionPermissions, withTaskEnv } from "./_task_permissions.ts";

const CONFIG = new URL("../../deno.json", import.meta.url).pathname;
const MAIN = new URL("./main.ts", import.meta.url).pathname;

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { root: { type: "string" }, name: { type: "string", default: "graphite-anomaly" } },
  });
  const tasks = taskPermissions(JSON.parse(await Deno.readTextFile(CONFIG)))
    .filter((t) => !t.flags.includes("--allow-all"));
  const flags = unionPermissions(tasks.map((t) => t.flags));
  const args = [
    "install",
    "--global",
    "--force",
    "--name",
    values.name,
    ...(values.root ? ["--root", values.root] : []),
    "--config",
    CONFIG,
    ...flags,
    MAIN,
  ];
  const res = await new Deno.Command(Deno.execPath(), { args, stdout: "inherit", stderr: "inherit" })
    .output();
  if (res.code !== 0) Deno.exit(res.code);
  const root = values.root ?? Deno.env.get("DENO_INSTALL_ROOT") ?? join(Deno.env.get("HOME") ?? "", ".deno");
  const shim = join(root, "bin", values.name);
  await Deno.writeTextFile(shim, withTaskEnv(await Deno.readTextFile(shim), tasks));
  console.log(
    `installed ${shim}: ${tasks.map((t) => t.command).join(", ")} with ${flags.join(" ")}` +
      `; try: ${values.name} report --help`,
  );
}
