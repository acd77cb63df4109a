/**
 * `deno task notebooks [NAME...]`: executes every notebook in `notebooks/` (or the ones named) with real Jupyter on
 * the Deno kernel and writes the executed copy back in place, so the committed notebooks carry their outputs.
 * Re-running on unchanged inputs changes nothing (timing metadata is dropped, keys are sorted). Exits 1 when a
 * notebook has a problem (an error, a cell without its output, over 60 s); the copy is still written, to look at.
 *
 * @module
 */
import { basename } from "node:path";
import { listNotebooks, notebookProblems, runNotebook } from "./jupyter.ts";

const all = await listNotebooks();
const wanted = Deno.args.length
  ? all.filter((p) =>
    Deno.args.some((a) => basename(p) === a || basename(p, ".ipynb") === a || basename(p).startsWith(a))
  )
  : all;
if (!wanted.length) {
  console.error(
    `notebooks: nothing matches ${Deno.args.join(" ")}; have ${all.map((p) => basename(p)).join(", ")}`,
  );
  Deno.exit(1);
}
let failed = 0;
for (const path of wanted) {
  const run = await runNotebook(path, { out: path });
  const problems = notebookProblems(run);
  const late = run.late.length ? `, late outputs caught in ${run.late.length} cells` : "";
  console.log(`${basename(path)}: ${run.seconds.toFixed(1)} s${late}${problems.length ? "" : ", ok"}`);
  for (const p of problems) console.log(`  ${p}`);
  if (problems.length) failed++;
}
if (failed) {
  console.error(`notebooks: ${failed} of ${wanted.length} had problems`);
  Deno.exit(1);
}
