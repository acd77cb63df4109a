/**
 * The real CLI as a subprocess, the way `deno task` runs it: the project's deno.json, read/write permissions, and
 * only what a test grants besides (loopback network, named environment variables). The environment is cleared
 * but for what the test passes, `NO_COLOR=1` and `TZ=UTC`.
 *
 * @module
 */
import type { CycleLog } from "../../lib/pipeline/run_watch_cycle.ts";

const MAIN = new URL("../../lib/cli/main.ts", import.meta.url).pathname;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

/** What the subprocess may do and sees. */
export interface CliOptions {
  /** Environment variables it gets (and may read). @default {} */
  env?: Record<string, string>;
  /** Network access to 127.0.0.1. @default false */
  net?: boolean;
  /** Environment variables it may read besides those in `env`. @default [] */
  allowEnv?: string[];
}

/**
 * The arguments of `deno run` for the CLI with the given permissions, ahead of the command and its flags.
 *
 * @param options See {@link CliOptions}.
 * @returns The `deno` arguments up to and including `lib/cli/main.ts`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cliArgs } from "./cli.ts";
 * assert.ok(cliArgs({ net: true }).includes("--allow-net=127.0.0.1"));
 * ```
 */
export function cliArgs(options: CliOptions = {}): string[] {
  const { env = {}, net = false, allowEnv = [] } = options;
  const names = [...new Set([...Object.keys(env), ...allowEnv])].filter((n) =>
    n !== "NO_COLOR" && n !== "TZ"
  );
  return [
    "run",
    "--config",
    CONFIG,
    "--allow-read",
    "--allow-write",
    ...(net ? ["--allow-net=127.0.0.1"] : []),
    ...(names.length ? [`--allow-env=${names.join(",")}`] : []),
    MAIN,
  ];
}

/**
 * A `Deno.Command` for the CLI (spawn it, or collect its output with {@link runCli}).
 *
 * @param args The command and its flags, e.g. `["detect", "--out", "a.json"]`.
 * @param options See {@link CliOptions}.
 * @returns The command, stdout and stderr piped.
 */
export function cliCommand(args: string[], options: CliOptions = {}): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [...cliArgs(options), ...args],
    env: { NO_COLOR: "1", TZ: "UTC", ...(options.env ?? {}) },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
}

/**
 * Runs the CLI to the end.
 *
 * @param args The command and its flags.
 * @param options See {@link CliOptions}.
 * @returns Exit code, stdout and stderr.
 */
export async function runCli(
  args: string[],
  options: CliOptions = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await cliCommand(args, options).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/**
 * Reads a stream (a child's stderr, decoded) until `pattern` matches what was read, or the stream ends.
 *
 * @param reader The reader.
 * @param pattern What to wait for.
 * @returns Everything read so far.
 * @example
 * ```ts ignore
 * const err = await readUntil(child.stderr.pipeThrough(new TextDecoderStream()).getReader(), /cycle 1 /);
 * ```
 */
export async function readUntil(
  reader: ReadableStreamDefaultReader<string>,
  pattern: RegExp,
): Promise<string> {
  let text = "";
  while (!pattern.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  return text;
}

/**
 * The cycle logs `watch --log-json` prints on stdout, one parsed JSON line at a time as they arrive (other
 * lines skipped), so a test can act between cycles.
 *
 * @param stdout The watch process's stdout.
 * @returns The logs, in order.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cycleLogs } from "./cli.ts";
 * const stdout = ReadableStream.from(['{"cycle":1}\nALERT x\n{"cy', 'cle":2}\n'].map((s) => new TextEncoder().encode(s)));
 * const seen = [];
 * for await (const log of cycleLogs(stdout)) seen.push(log.cycle);
 * assert.deepEqual(seen, [1, 2]);
 * ```
 */
export async function* cycleLogs(stdout: ReadableStream<Uint8Array<ArrayBuffer>>): AsyncGenerator<CycleLog> {
  let buffered = "";
  for await (const chunk of stdout.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    for (const line of lines) if (line.startsWith("{")) yield JSON.parse(line);
  }
}
