/**
 * Command-line entry point: `deno run lib/cli/main.ts <command> [flags]`.
 * Every command lives in its own thin file and exports a {@link Command}.
 *
 * @module
 */
import type { Command } from "./_command.ts";

const loaders: Record<string, () => Promise<Command>> = {
  report: async () => (await import("./report.ts")).command,
  inspect: async () => (await import("./inspect.ts")).command,
  synth: async () => (await import("./synth.ts")).command,
  train: async () => (await import("./train.ts")).command,
  detect: async () => (await import("./detect.ts")).command,
  hydrate: async () => (await import("./hydrate.ts")).command,
  eval: async () => (await import("./eval.ts")).command,
  nab: async () => (await import("./nab.ts")).command,
  watch: async () => (await import("./watch.ts")).command,
  dashboard: async () => (await import("./dashboard.ts")).command,
  feedback: async () => (await import("./feedback.ts")).command,
  backtest: async () => (await import("./backtest.ts")).command,
  merge: async () => (await import("./merge.ts")).command,
};

function usage(): string {
  return [
    "Usage: main.ts <command> [flags]   (each command takes --help)",
    "",
    "Commands:",
    ...Object.keys(loaders).map((name) => `  ${name}`),
  ].join("\n");
}

/**
 * Runs one subcommand and returns its exit code. Errors are printed as one line on stderr.
 *
 * @param argv The arguments after the script name.
 * @returns The process exit code.
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name ? 0 : 1;
  }
  const load = loaders[name];
  if (!load) {
    console.error(`error: unknown command "${name}"; known: ${Object.keys(loaders).join(", ")}`);
    return 1;
  }
  const command = await load();
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`error: ${message.replaceAll("\n", " ")}`);
    return 1;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
