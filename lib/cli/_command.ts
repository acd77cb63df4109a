import { parseArgs, type ParseArgsConfig } from "node:util";

/** One CLI subcommand: its help text and a runner that returns the exit code. */
export interface Command {
  help: string;
  run(args: string[]): Promise<number>;
}

/**
 * `parseArgs` from node:util in strict mode, with its errors reworded to one line.
 *
 * @param args The command's arguments.
 * @param options The option spec.
 * @returns The parsed values and positionals.
 */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(
  args: string[],
  options: T,
): {
  values: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; args: string[] }>>["values"];
  positionals: string[];
} {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (err) {
    throw new TypeError(`Cannot parse flags: ${(err as Error).message}`);
  }
}
