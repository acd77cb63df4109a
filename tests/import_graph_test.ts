/**
 * The shape of `lib/`, checked on its real import graph (`deno info --json`, type-only imports included, test
 * files and doc examples aside): no module imports itself through others, no area imports another area's private
 * `_file.ts` (files at the root of `lib/`, like `_write_atomic.ts`, are shared by all), the core areas never
 * import `lib/display/` (results are plain data; display wraps them at the edge), nothing but `lib/cli/`
 * imports `lib/cli/`, and the areas themselves form no circle except the one named below.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath as fromFileUrl, pathToFileURL as toFileUrl } from "node:url";

const LIB = fromFileUrl(new URL("../lib/", import.meta.url));
const CORE = ["series", "sources", "detectors", "model", "detect", "hydrate", "fleet", "eval", "synth"];
/**
 * Area pairs allowed to import each other: none. (`detect` ↔ `model` was one until the ensemble's scoring,
 * which training also uses to calibrate, moved to `model/score_series.ts`.)
 */
const ALLOWED_AREA_CYCLES: string[][] = [];

interface Info {
  modules: Array<
    {
      specifier: string;
      dependencies?: Array<{ code?: { specifier: string }; type?: { specifier: string } }>;
    }
  >;
}

async function libFiles(dir = LIB): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) out.push(...await libFiles(path));
    else if (e.name.endsWith(".ts") && !e.name.endsWith("_test.ts")) out.push(path);
  }
  return out;
}

/** Edges `from → to` between files of lib/, as paths relative to lib/. */
async function importGraph(): Promise<Map<string, Set<string>>> {
  const entry = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    const files = await libFiles();
    await Deno.writeTextFile(entry, files.map((f) => `import "${toFileUrl(f).href}";`).join("\n"));
    const config = fromFileUrl(new URL("../deno.json", import.meta.url));
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--config", config, entry],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    const info: Info = JSON.parse(new TextDecoder().decode(stdout));
    const root = toFileUrl(LIB).href;
    const repo = new URL("..", root).href;
    const graph = new Map<string, Set<string>>();
    for (const m of info.modules) {
      if (!m.specifier.startsWith(root)) continue;
      const from = m.specifier.slice(root.length);
      const to = new Set<string>();
      for (const d of m.dependencies ?? []) {
        for (const s of [d.code?.specifier, d.type?.specifier]) {
          if (s?.startsWith(root)) to.add(s.slice(root.length));
          else if (s?.startsWith(repo)) to.add(`../${s.slice(repo.length)}`); // outside lib/: a failure below
        }
      }
      graph.set(from, to);
    }
    assert.ok(graph.size >= files.length, `deno info saw ${graph.size} of ${files.length} files`);
    return graph;
  } finally {
    await Deno.remove(entry);
  }
}

/** The area of a file relative to lib/ (`detect/detect.ts` → `detect`), `undefined` at the root. */
const areaOf = (file: string) => file.includes("/") ? file.slice(0, file.indexOf("/")) : undefined;
const base = (file: string) => file.slice(file.lastIndexOf("/") + 1);

/** Strongly connected components with more than one member (Tarjan). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(),
    low = new Map<string, number>(),
    stack: string[] = [],
    on = new Set();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index), low.set(v, index++), stack.push(v), on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) visit(w), low.set(v, Math.min(low.get(v)!, low.get(w)!));
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do (w = stack.pop()!, on.delete(w), c.push(w)); while (w !== v);
      if (c.length > 1 || graph.get(v)?.has(v)) out.push(c.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

const graph = await importGraph();
const edges = [...graph].flatMap(([from, to]) => [...to].map((t) => [from, t] as const));

Deno.test("lib/ has no import cycle between files (type imports included)", () => {
  assert.deepEqual(cycles(graph), []);
});

Deno.test("lib/ imports nothing of the repository outside lib/ (tests, notebooks)", () => {
  assert.deepEqual(edges.filter(([, to]) => to.startsWith("../")).map(([f, t]) => `${f} → ${t}`), []);
});

Deno.test("lib/ areas import no other area's _private file", () => {
  const bad = edges.filter(([from, to]) =>
    base(to).startsWith("_") && areaOf(to) !== undefined && areaOf(from) !== areaOf(to)
  );
  assert.deepEqual(bad.map(([f, t]) => `${f} → ${t}`), []);
});

Deno.test("lib/ core areas never import lib/display/ or lib/pipeline/, and only lib/cli/ imports lib/cli/", () => {
  const bad = edges.filter(([from, to]) =>
    (CORE.includes(areaOf(from)!) && ["display", "pipeline", "cli"].includes(areaOf(to)!)) ||
    (areaOf(to) === "cli" && areaOf(from) !== "cli")
  );
  assert.deepEqual(bad.map(([f, t]) => `${f} → ${t}`), []);
});

Deno.test("lib/ areas form no import circle", () => {
  const areas = new Map<string, Set<string>>();
  for (const [from, to] of edges) {
    const a = areaOf(from), b = areaOf(to);
    if (a === undefined || b === undefined || a === b) continue;
    if (ALLOWED_AREA_CYCLES.some(([x, y]) => (a === x && b === y) || (a === y && b === x))) continue;
    if (!areas.has(a)) areas.set(a, new Set());
    areas.get(a)!.add(b);
  }
  assert.deepEqual(cycles(areas), []);
});

Deno.test("lib/ import graph: the check sees type-only imports", () => {
  // detect/types.ts is imported as a type by hydrate/hydrate.ts: the graph must hold that edge.
  assert.ok(graph.get("hydrate/hydrate.ts")?.has("detect/types.ts"));
});
