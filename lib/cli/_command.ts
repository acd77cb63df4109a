import { parseArgs, type ParseArgsConfig } from "node:util";

/** One CLI subcommand: its help text and a runner that returns the exit code. */
export interface Command {
  help: string;
  run(args: string[]): Promise<number>;
}

/** A value that starts with a dash and a digit: a relative time (`-24h`, `-3d`) or a negative number. */
const DASH_DIGIT = /^-\d/;

/**
 * `parseArgs` from node:util in strict mode, with its errors reworded to one line. A string-valued flag also
 * takes a following argument that starts with a dash and a digit, as Graphite writes relative times:
 * `--from -24h` is `--from=-24h` (node:util alone refuses it as ambiguous). Boolean flags never take a value,
 * and an unknown flag is still an error.
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
    const parsed = parseArgs({
      args: joinDashValues(args, options),
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (err) {
    if (err instanceof TypeError && err.message.startsWith("Cannot parse flags:")) throw err;
    throw new TypeError(`Cannot parse flags: ${(err as Error).message.replace(/\s*\n\s*/g, " ")}`);
  }
}

/** `--name -24h` → `--name=-24h` for string-valued flags; everything after `--` is left as it is. */
function joinDashValues(args: string[], options: NonNullable<ParseArgsConfig["options"]>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i], next = args[i + 1];
    if (arg === "--") {
      out.push(...args.slice(i));
      break;
    }
    const name = arg.startsWith("--") && !arg.includes("=") ? arg.slice(2) : undefined;
    const spec = name !== undefined && Object.hasOwn(options, name) ? options[name] : undefined;
    if (spec && next !== undefined && DASH_DIGIT.test(next)) {
      if (spec.type === "boolean") {
        throw new TypeError(`Cannot parse flags: ${arg} takes no value, current value is "${next}"`);
      }
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}
