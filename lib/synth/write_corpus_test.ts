import assert from "node:assert/strict";
import { generateCorpus } from "./generate.ts";
import { writeCorpus } from "./write_corpus.ts";

const corpus = generateCorpus({ shards: 3, days: 45, seed: 9 });
const aggregators = corpus.options.aggregators;

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "synth_test_" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Splits a CSV written by formatGrafanaCsv into its optional sep line, header cells and rows of cells. */
function parse(text: string): { sep: boolean; crlf: boolean; header: string[]; rows: string[][] } {
  const crlf = text.includes("\r\n");
  const lines = text.split(crlf ? "\r\n" : "\n");
  assert.equal(lines.pop(), "", "file ends with a newline");
  const sep = lines[0] === "sep=,";
  if (sep) lines.shift();
  const header = lines.shift()!.split('","').map((cell) => cell.replace(/^"|"$/g, ""));
  return { sep, crlf, header, rows: lines.map((line) => line.split(",")) };
}

function cellValue(cell: string): number {
  if (cell === "") return NaN;
  return cell.endsWith("%") ? Number(cell.slice(0, -1)) / 100 : Number(cell);
}

Deno.test("writeCorpus() writes one CSV per aggregator plus labels.json, and nothing else", async () => {
  await withDir(async (dir) => {
    const result = await writeCorpus(corpus, `${dir}/out`);
    const names = aggregators.map((a) => `${a}.csv`).concat("labels.json");
    assert.deepEqual(result.files.map((f) => f.path), names.map((name) => `${dir}/out/${name}`));
    const listed = [...Deno.readDirSync(`${dir}/out`)].map((e) => e.name).sort();
    assert.deepEqual(listed, [...names].sort(), "no temporary files left behind");
    let total = 0;
    for (const file of result.files) {
      const info = await Deno.stat(file.path);
      assert.equal(file.bytes, info.size);
      if (Deno.build.os !== "windows") assert.equal(info.mode! & 0o777, 0o644, file.path);
      total += info.size;
    }
    assert.equal(result.bytes, total);
  });
});

Deno.test("writeCorpus() CSVs hold every series of their aggregator, values as generated", async () => {
  await withDir(async (dir) => {
    await writeCorpus(corpus, dir);
    const n = corpus.series[0].values.length;
    const formats: string[] = [];
    for (const [index, aggregator] of aggregators.entries()) {
      const text = await Deno.readTextFile(`${dir}/${aggregator}.csv`);
      const { sep, crlf, header, rows } = parse(text);
      const percent = rows.some((row) => row.slice(1).some((cell) => cell.endsWith("%")));
      const iso = rows[0][0].endsWith("Z");
      formats.push(
        `${sep ? "sep" : "-"}/${percent ? "%" : "num"}/${crlf ? "crlf" : "lf"}/${iso ? "iso" : "grafana"}`,
      );
      const series = corpus.series.filter((s) => s.labels.aggregator === aggregator);
      assert.deepEqual(header, ["Time", ...series.map((s) => s.key)], `${aggregator} header`);
      assert.equal(rows.length, n, `${aggregator} rows`);
      const tolerance = percent ? 5e-4 : 5e-6;
      for (const [c, s] of series.entries()) {
        for (let i = 0; i < n; i++) {
          const expected = s.values[i];
          const actual = cellValue(rows[i][c + 1]);
          if (Number.isNaN(expected)) {
            assert.equal(rows[i][c + 1], "", `${s.key} row ${i}: missing is an empty cell`);
          } else {
            assert.ok(
              Math.abs(actual - expected) <= tolerance * expected,
              `${s.key} row ${i}: ${actual} vs ${expected}`,
            );
          }
        }
      }
      const first = new Date(corpus.series[0].start).toISOString();
      assert.equal(
        rows[0][0],
        iso ? first.replace(".000Z", "Z") : first.slice(0, 19).replace("T", " "),
        `${index}`,
      );
    }
    assert.deepEqual(formats, [
      "sep/%/crlf/grafana",
      "-/num/lf/iso",
      "sep/%/crlf/grafana",
      "-/num/lf/grafana",
      "sep/%/crlf/grafana",
      "-/num/lf/grafana",
    ]);
  });
});

Deno.test("writeCorpus() keeps a flatline exactly constant in the text", async () => {
  await withDir(async (dir) => {
    await writeCorpus(corpus, dir);
    const flatlines = corpus.labels.filter((l) => l.kind === "flatline");
    assert.ok(flatlines.length > 0);
    for (const label of flatlines) {
      const { header, rows } = parse(await Deno.readTextFile(`${dir}/${label.aggregator}.csv`));
      const column = header.indexOf(label.series);
      const s = corpus.series.find((x) => x.key === label.series)!;
      const cells = rows.slice((label.start - s.start) / s.step, (label.end - s.start) / s.step + 1).map((
        r,
      ) => r[column]);
      assert.ok(cells.length >= 3 && cells.every((cell) => cell === cells[0] && cell !== ""), cells.join());
    }
  });
});

Deno.test("writeCorpus() labels.json records the generator and every label with ISO times", async () => {
  await withDir(async (dir) => {
    await writeCorpus(corpus, dir);
    const json = JSON.parse(await Deno.readTextFile(`${dir}/labels.json`));
    assert.deepEqual(Object.keys(json), ["generator", "files", "labels"]);
    const { generator } = json;
    assert.equal(generator.seed, 9);
    assert.equal(generator.shards, 3);
    assert.equal(generator.days, 45);
    assert.equal(generator.step, 3_600_000);
    assert.equal(generator.end, "2026-11-24T00:00:00.000Z");
    assert.equal(generator.start, new Date(corpus.series[0].start).toISOString());
    assert.equal(generator.points, 45 * 24);
    assert.deepEqual(generator.aggregators, aggregators);
    assert.deepEqual(generator.machines, [
      "n200-primary-meraki-com",
      "n201-primary-meraki-com",
      "n202-primary-meraki-com",
    ]);
    assert.equal(json.files.length, aggregators.length);
    assert.deepEqual(json.files[0], {
      file: `${aggregators[0]}.csv`,
      aggregator: aggregators[0],
      sep: true,
      percent: true,
      digits: 4,
      time: "grafana",
      newline: "\r\n",
    });
    assert.equal(json.labels.length, corpus.labels.length);
    assert.deepEqual(
      json.labels,
      corpus.labels.map((l) => ({
        ...l,
        start: new Date(l.start).toISOString(),
        end: new Date(l.end).toISOString(),
      })),
    );
  });
});

Deno.test("writeCorpus() with one format writes every file that way, replacing old files", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/${aggregators[0]}.csv`, "old");
    await Deno.writeTextFile(`${dir}/notes.txt`, "keep me");
    await writeCorpus(corpus, dir, { format: { time: "epochMs", newline: "\n" } });
    for (const aggregator of aggregators) {
      const { sep, crlf, rows } = parse(await Deno.readTextFile(`${dir}/${aggregator}.csv`));
      assert.equal(sep, false);
      assert.equal(crlf, false);
      assert.equal(rows[0][0], String(corpus.series[0].start));
    }
    assert.equal(await Deno.readTextFile(`${dir}/notes.txt`), "keep me");
  });
});

Deno.test("writeCorpus() rejects aggregator names that are not safe file names", async () => {
  const bad = generateCorpus({ shards: 1, days: 3, aggregators: [".hidden"], recent: false });
  await withDir(async (dir) => {
    await assert.rejects(writeCorpus(bad, dir), {
      name: "TypeError",
      message: 'Cannot write corpus: aggregator name is not a safe file name, current value is ".hidden"',
    });
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});
