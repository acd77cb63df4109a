/**
 * Every notebook in `notebooks/` runs top to bottom with real Jupyter on the Deno kernel (tests/support/jupyter.ts):
 * no error output, nothing on stderr, every code cell has its output (unless tagged `no-output`), each under 60 s.
 * Without Jupyter or the kernel a developer machine skips with a message; under CI=true that is a failure.
 */
import assert from "node:assert/strict";
import { basename } from "node:path";
import { listNotebooks, notebookProblems, requireOrSkip, runNotebook } from "./support/jupyter.ts";

const notebooks = await listNotebooks();

Deno.test("notebooks/ holds the five numbered notebooks", async () => {
  assert.deepEqual(notebooks.map((p) => basename(p)), [
    "01_explore.ipynb",
    "02_train.ipynb",
    "03_live_inference.ipynb",
    "04_hydrate.ipynb",
    "05_report.ipynb",
  ]);
  for (const path of notebooks) {
    const nb = JSON.parse(await Deno.readTextFile(path));
    const code = nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code")
      .map((c: { source: string[] }) => c.source.join(""));
    const imports = code.join("\n").match(/from "\.\.?\/[^"]*"/g) ?? [];
    assert.deepEqual(
      [...new Set(imports)],
      ['from "../lib/mod.ts"'],
      `${basename(path)} imports only ../lib/mod.ts`,
    );
    assert.equal(nb.cells[0].cell_type, "markdown", `${basename(path)} opens with what it is for`);
    assert.match(
      nb.cells.at(-1).source.join(""),
      /## Next/,
      `${basename(path)} ends with what to look at next`,
    );
  }
});

Deno.test("the notebooks' extras live in notebooks/deno.json, out of the root import map and lockfile", async () => {
  const read = async (path: string) => JSON.parse(await Deno.readTextFile(new URL(path, import.meta.url)));
  const root = (await read("../deno.json")).imports as Record<string, string>;
  const nb = (await read("../notebooks/deno.json")).imports as Record<string, string>;
  const extras = ["danfojs-node", "plotly.js-dist-min"];
  // `deno task` / `deno run` install every npm package of the import map in effect (a workspace's members
  // included), so the notebooks' map is a separate config, not a workspace member: the report, train, detect,
  // hydrate and watch paths never fetch danfo (and tfjs-node under it) or plotly.
  for (const name of extras) assert.equal(root[name], undefined, `${name} is not in the root import map`);
  assert.deepEqual(
    Object.fromEntries(Object.entries(nb).filter(([k]) => !extras.includes(k))),
    root,
    "notebooks/deno.json pins every root import at the root's version (lib/ resolves through it there)",
  );
  for (const name of extras) assert.match(nb[name], /^npm:[^@]+@\d+\.\d+\.\d+$/, `${name} pinned`);
  const rootLock = await read("../deno.lock");
  const nbLock = await read("../notebooks/deno.lock");
  for (const pkg of ["danfojs-node", "@tensorflow/tfjs-node", "plotly.js-dist-min"]) {
    assert.ok(
      !Object.keys(rootLock.npm ?? {}).some((k) => k.startsWith(`${pkg}@`)),
      `${pkg} is not in the root deno.lock`,
    );
  }
  for (const name of extras) {
    assert.ok(nb[name] in (nbLock.specifiers ?? {}), `${nb[name]} is locked in notebooks/deno.lock`);
  }
});

for (const path of notebooks) {
  Deno.test({
    name: `${basename(path)} runs top to bottom on the Deno kernel, every output in its cell, under 60 s`,
    ...requireOrSkip(),
    async fn() {
      const run = await runNotebook(path);
      assert.deepEqual(
        notebookProblems(run, { maxSeconds: 60 }),
        [],
        `${basename(path)} (${run.seconds.toFixed(1)} s)`,
      );
    },
  });
}

Deno.test("notebookProblems() flags a missing, a misplaced and an error output", () => {
  const cell = (outputs: object[], tags?: string[]) => ({
    cell_type: "code",
    source: ["x"],
    metadata: tags ? { tags } : {},
    outputs,
  });
  const run = {
    notebook: {
      metadata: {},
      cells: [
        cell([]),
        cell([{ output_type: "execute_result" }], ["no-output"]),
        cell([{ output_type: "error", ename: "TypeError", evalue: "boom" }]),
        cell([{ output_type: "stream", name: "stderr", text: ["warn"] }]),
        cell([], ["no-output"]),
        cell([{ output_type: "display_data" }]),
      ],
    },
    text: "",
    seconds: 61,
    late: [],
    error: null,
  } as Parameters<typeof notebookProblems>[0];
  const problems = notebookProblems(run);
  assert.equal(problems.length, 5);
  assert.match(problems[0], /over 60 s/);
  assert.match(problems[1], /code cell 1 .*no output/);
  assert.match(problems[2], /code cell 2 .*tagged no-output but has 1/);
  assert.match(problems[3], /code cell 3 .*TypeError: boom/);
  assert.match(problems[4], /code cell 4 .*stderr/);
});
