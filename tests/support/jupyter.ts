/**
 * Real Jupyter for the notebook tests and `deno task notebooks`: Debian's nbclient executes a notebook on the Deno
 * kernel (`deno jupyter --install`) through `run_notebook.py`, which keeps listening to each cell until the kernel
 * has been quiet for a moment, so outputs the kernel sends after reporting a cell done still land in that cell
 * (DESIGN §7). The executed copy is normalised (no timing metadata, sorted keys) so that re-running unchanged
 * notebooks changes nothing.
 *
 * Tests use `requireOrSkip()`: without Jupyter or the Deno kernel a developer machine skips with a message, while CI
 * (`CI=true`) fails.
 *
 * @module
 */
import { dirname, join } from "node:path";

const RUNNER = new URL("./run_notebook.py", import.meta.url).pathname;

/** A notebook as nbformat 4 JSON (the parts looked at here). */
export interface Notebook {
  cells: {
    cell_type: string;
    id?: string;
    source: string | string[];
    metadata: { tags?: string[]; [k: string]: unknown };
    outputs?: {
      output_type: string;
      name?: string;
      text?: string | string[];
      ename?: string;
      evalue?: string;
    }[];
  }[];
  metadata: Record<string, unknown>;
}

/** One notebook run. */
export interface NotebookRun {
  /** The executed, normalised notebook. */
  notebook: Notebook;
  /** Its text as written (what `deno task notebooks` commits). */
  text: string;
  /** Wall time of the execution, kernel start included, s. */
  seconds: number;
  /** Cells whose outputs arrived after the kernel reported them done (caught and filed in the right cell). */
  late: [number, number][];
  /** A failure of the run itself (timeout, dead kernel), if any. */
  error: string | null;
}

function python(): string {
  return Deno.env.get("JUPYTER_PYTHON") ?? "/usr/bin/python3";
}

let cached: { ok: boolean; reason: string } | undefined;

/** Whether Debian's nbclient and the Deno kernel are installed, and if not, why. */
export function jupyterAvailable(): { ok: boolean; reason: string } {
  if (cached) return cached;
  const probe = [
    "import nbclient, nbformat",
    "from jupyter_client.kernelspec import KernelSpecManager",
    "print(KernelSpecManager().get_kernel_spec('deno').argv[0])",
  ].join("\n");
  try {
    const out = new Deno.Command(python(), { args: ["-c", probe], stdout: "piped", stderr: "piped" })
      .outputSync();
    const err = new TextDecoder().decode(out.stderr);
    if (out.code === 0) cached = { ok: true, reason: "" };
    else if (/No module named/.test(err)) {
      cached = {
        ok: false,
        reason: `${python()} lacks nbclient (apt-get install jupyter-nbconvert python3-nbclient)`,
      };
    } else if (/NoSuchKernel|No such kernel/.test(err)) {
      cached = { ok: false, reason: "the Deno kernel is not registered (deno jupyter --install)" };
    } else cached = { ok: false, reason: `Jupyter probe failed: ${err.trim().split("\n").pop()}` };
  } catch (e) {
    cached = { ok: false, reason: `${python()} cannot run (${(e as Error).message})` };
  }
  return cached;
}

let skipNoticeShown = false;

/**
 * `{ ignore }` for `Deno.test`: skip (with one message) when Jupyter or the Deno kernel is missing, except under
 * `CI=true`, where the test runs and fails.
 *
 * @returns Whether to ignore the test.
 */
export function requireOrSkip(): { ignore: boolean } {
  const got = jupyterAvailable();
  if (got.ok || Deno.env.get("CI") === "true") return { ignore: false };
  if (!skipNoticeShown) {
    skipNoticeShown = true;
    console.warn(`Skipping notebook tests: ${got.reason}. Under CI=true this is a failure.`);
  }
  return { ignore: true };
}

/**
 * Executes a notebook with real Jupyter on the Deno kernel and returns the executed, normalised copy.
 *
 * @param path The notebook.
 * @param options `out`: also write the executed copy there; `timeoutSeconds`: per cell (default 60).
 * @returns The run.
 */
export async function runNotebook(
  path: string,
  options: { out?: string; timeoutSeconds?: number } = {},
): Promise<NotebookRun> {
  const { timeoutSeconds = 60 } = options;
  const available = jupyterAvailable();
  if (!available.ok) throw new Error(`Cannot run ${path}: ${available.reason}`);
  const tmp = await Deno.makeTempDir({ prefix: "notebook-" });
  const out = join(tmp, "executed.ipynb");
  try {
    const cmd = new Deno.Command(python(), {
      args: [RUNNER, path, out, "--timeout", String(timeoutSeconds)],
      // No colours in text outputs; UTC for anything that formats a date.
      env: { NO_COLOR: "1", TZ: "UTC" },
      cwd: dirname(path),
      stdout: "piped",
      stderr: "piped",
    });
    const res = await cmd.output();
    const stdout = new TextDecoder().decode(res.stdout).trim();
    const stderr = new TextDecoder().decode(res.stderr);
    if (res.code !== 0 || !stdout) {
      throw new Error(`Cannot run ${path}: the runner exited with ${res.code}\n${stderr.slice(-2000)}`);
    }
    const summary = JSON.parse(stdout.split("\n").pop()!) as Omit<NotebookRun, "notebook" | "text">;
    const text = await Deno.readTextFile(out);
    if (options.out) await Deno.writeTextFile(options.out, text);
    return { notebook: JSON.parse(text), text, ...summary };
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

const joinText = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join("") : t ?? "");

/**
 * What is wrong with an executed notebook: an error output, anything written to stderr, a code cell without
 * output (unless tagged `no-output`), a cell tagged `no-output` that has some (an output from elsewhere landed in
 * it), a run error, or a run over the time limit.
 *
 * @param run The run.
 * @param options `maxSeconds`: the time limit (default 60).
 * @returns One line per problem, empty when all is well.
 */
export function notebookProblems(run: NotebookRun, options: { maxSeconds?: number } = {}): string[] {
  const { maxSeconds = 60 } = options;
  const problems: string[] = [];
  if (run.error) problems.push(`the run failed: ${run.error}`);
  if (run.seconds > maxSeconds) problems.push(`took ${run.seconds.toFixed(1)} s, over ${maxSeconds} s`);
  let n = 0;
  for (const cell of run.notebook.cells) {
    if (cell.cell_type !== "code") continue;
    n++;
    const where = `code cell ${n} (${joinText(cell.source).split("\n")[0].slice(0, 60)})`;
    const outputs = cell.outputs ?? [];
    const quiet = cell.metadata.tags?.includes("no-output") ?? false;
    for (const o of outputs) {
      if (o.output_type === "error") problems.push(`${where}: ${o.ename}: ${o.evalue}`);
      if (o.output_type === "stream" && o.name === "stderr") {
        problems.push(`${where}: wrote to stderr: ${joinText(o.text).trim().slice(0, 300)}`);
      }
    }
    if (!quiet && outputs.length === 0) problems.push(`${where}: no output (lost, or filed in another cell)`);
    if (quiet && outputs.length > 0) {
      problems.push(`${where}: tagged no-output but has ${outputs.length} outputs`);
    }
  }
  return problems;
}

/** The notebooks in `notebooks/`, in order. */
export async function listNotebooks(
  dir = new URL("../../notebooks/", import.meta.url).pathname,
): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && /^\d\d_.*\.ipynb$/.test(e.name)) names.push(e.name);
  }
  return names.sort().map((n) => join(dir, n));
}
