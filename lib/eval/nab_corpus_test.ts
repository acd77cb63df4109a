import assert from "node:assert/strict";
import { join } from "node:path";
import { type NabFile, readNabCorpus } from "./nab_corpus.ts";
import { nabRowLabels } from "./nab_row_labels.ts";
import { nabWindowRows } from "./nab_window_rows.ts";
import { writeNabResults } from "./nab_write_results.ts";

const utc = (text: string) => Date.parse(text.replace(" ", "T") + "Z");

/** Writes a corpus `{name: csv text}` with labels into a fresh temp dir; returns the data dir and labels path. */
async function corpus(
  files: Record<string, string>,
  labels: unknown,
): Promise<{ root: string; data: string; labels: string }> {
  const root = await Deno.makeTempDir({ prefix: "nab_corpus_test_" });
  for (const [name, text] of Object.entries(files)) {
    const path = join(root, "data", ...name.split("/"));
    await Deno.mkdir(join(path, ".."), { recursive: true });
    await Deno.writeTextFile(path, text);
  }
  const labelsPath = join(root, "labels.json");
  await Deno.writeTextFile(labelsPath, typeof labels === "string" ? labels : JSON.stringify(labels));
  return { root, data: join(root, "data"), labels: labelsPath };
}

Deno.test("readNabCorpus() reads files sorted by name, UTC timestamps, NaN for empty cells, windows", async () => {
  const { root, data, labels } = await corpus(
    {
      "realB/z.csv": "timestamp,value\r\n2014-04-01 00:00:00,1\r\n2014-04-01 00:07:00,-2.5e1\r\n",
      "artA/a.csv": "timestamp,value\n2013-12-31 23:55:00,\n2014-01-01 00:00:00,0.5\n2014-01-01 01:00:00,3",
      "artA/b.csv": "timestamp,value\n",
      "artA/notes.txt": "ignored",
    },
    {
      "artA/a.csv": [["2014-01-01 00:00:00.000000", "2014-01-01 01:00:00.000000"]],
      "artA/b.csv": [],
      "realB/z.csv": [],
      "other/not_here.csv": [["2014-01-01 00:00:00.000000", "2014-01-01 01:00:00.000000"]],
    },
  );
  const files = await readNabCorpus(data, labels);
  assert.deepEqual(files.map((f) => f.name), ["artA/a.csv", "artA/b.csv", "realB/z.csv"]);
  const [a, b, z] = files;
  // Parsed as UTC whatever TZ is: 2013-12-31 23:55:00 UTC, uneven spacing kept as is.
  assert.deepEqual([...a.timestamps], [
    Date.UTC(2013, 11, 31, 23, 55),
    Date.UTC(2014, 0, 1),
    Date.UTC(2014, 0, 1, 1),
  ]);
  assert.deepEqual([...a.values], [NaN, 0.5, 3]);
  assert.deepEqual(a.windows, [[Date.UTC(2014, 0, 1), Date.UTC(2014, 0, 1, 1)]]);
  assert.equal(b.timestamps.length, 0);
  assert.deepEqual([...z.values], [1, -25]);
  assert.deepEqual(z.timestamps[1] - z.timestamps[0], 7 * 60_000);
  await Deno.remove(root, { recursive: true });
});

const badCsv: Array<[string, string, RegExp]> = [
  ["wrong header", "time,value\n2014-04-01 00:00:00,1\n", /a\.csv: line 1 must be the header/],
  [
    "too many fields",
    "timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,1,2\n",
    /a\.csv line 3: expected 2 fields, current value is "2014-04-01 00:05:00,1,2"/,
  ],
  ["too few fields", "timestamp,value\n2014-04-01 00:00:00\n", /a\.csv line 2: expected 2 fields/],
  [
    "blank line inside",
    "timestamp,value\n2014-04-01 00:00:00,1\n\n2014-04-01 00:10:00,1\n",
    /a\.csv line 3: expected 2 fields/,
  ],
  [
    "impossible date",
    "timestamp,value\n2014-02-30 00:00:00,1\n",
    /a\.csv line 2: bad timestamp .* current value is "2014-02-30 00:00:00"/,
  ],
  ["other date format", "timestamp,value\n04/01/2014 00:00,1\n", /a\.csv line 2: bad timestamp/],
  ["hour 24", "timestamp,value\n2014-04-01 24:00:00,1\n", /a\.csv line 2: bad timestamp/],
  [
    "text value",
    "timestamp,value\n2014-04-01 00:00:00,abc\n",
    /a\.csv line 2: value is not a number, current value is "abc"/,
  ],
  ["NaN text", "timestamp,value\n2014-04-01 00:00:00,NaN\n", /a\.csv line 2: value is not a number/],
  ["hex value", "timestamp,value\n2014-04-01 00:00:00,0x10\n", /a\.csv line 2: value is not a number/],
];
for (const [what, text, message] of badCsv) {
  Deno.test(`readNabCorpus() throws SyntaxError naming file and line: ${what}`, async () => {
    const { root, data, labels } = await corpus({ "cat/a.csv": text }, { "cat/a.csv": [] });
    await assert.rejects(readNabCorpus(data, labels), (err: Error) => {
      assert.ok(err instanceof SyntaxError, `${err}`);
      assert.match(err.message, /^Cannot parse NAB file /);
      assert.match(err.message, message);
      return true;
    });
    await Deno.remove(root, { recursive: true });
  });
}

const badLabels: Array<[string, unknown, ErrorConstructor, RegExp]> = [
  ["not JSON", "{", SyntaxError, /Cannot parse NAB labels .*labels\.json: .*current value is invalid JSON/],
  ["an array", [], SyntaxError, /expected an object .* current value is an array/],
  [
    "windows not a list",
    { "cat/a.csv": "x" },
    SyntaxError,
    /entry "cat\/a\.csv": expected a list of windows/,
  ],
  [
    "bad window timestamp",
    { "cat/a.csv": [["2014-04-01", "2014-04-02 00:00:00"]] },
    SyntaxError,
    /entry "cat\/a\.csv" window 0/,
  ],
  [
    "end before start",
    { "cat/a.csv": [["2014-04-02 00:00:00", "2014-04-01 00:00:00"]] },
    RangeError,
    /windows must be ordered/,
  ],
  [
    "overlapping windows",
    {
      "cat/a.csv": [["2014-04-01 00:00:00", "2014-04-01 02:00:00"], [
        "2014-04-01 01:00:00",
        "2014-04-01 03:00:00",
      ]],
    },
    RangeError,
    /window 1: windows must be ordered, disjoint/,
  ],
  [
    "no entry for a file",
    { "cat/b.csv": [] },
    RangeError,
    /data file has no entry in .*current value is "cat\/a\.csv"/,
  ],
];
for (const [what, json, type, message] of badLabels) {
  Deno.test(`readNabCorpus() refuses bad labels: ${what}`, async () => {
    const { root, data, labels } = await corpus(
      { "cat/a.csv": "timestamp,value\n2014-04-01 00:00:00,1\n" },
      json,
    );
    await assert.rejects(readNabCorpus(data, labels), (err: Error) => {
      assert.ok(err instanceof type, `${err}`);
      assert.match(err.message, message);
      return true;
    });
    await Deno.remove(root, { recursive: true });
  });
}

const t0 = utc("2014-04-01 00:00:00");
const min = 60_000;
const windowCases: Array<[string, number[], Array<[number, number]>, Array<[number, number]>, number[]]> = [
  ["exact bounds", [0, 5, 10, 15, 20], [[5, 15]], [[1, 3]], [0, 1, 1, 1, 0]],
  ["bounds between rows", [0, 5, 10, 15, 20], [[3, 12]], [[1, 2]], [0, 1, 1, 0, 0]],
  ["two windows, one row each", [0, 5, 10, 15, 20], [[0, 0], [20, 25]], [[0, 0], [4, 4]], [1, 0, 0, 0, 1]],
  ["uneven spacing", [0, 1, 7, 8, 30], [[7, 29]], [[2, 3]], [0, 0, 1, 1, 0]],
  // A file that repeats an hour (as NAB's machine_temperature does): NAB leaves at the first row equal to the end.
  ["repeated times", [0, 5, 10, 5, 10, 15], [[5, 10]], [[1, 2]], [0, 1, 1, 0, 0, 0]],
];
for (const [what, minutes, windowMinutes, rows, labels] of windowCases) {
  Deno.test(`nabWindowRows() and nabRowLabels(): ${what}`, () => {
    const file: NabFile = {
      name: "cat/a.csv",
      timestamps: Float64Array.from(minutes, (m) => t0 + m * min),
      values: new Float64Array(minutes.length),
      windows: windowMinutes.map(([s, e]) => [t0 + s * min, t0 + e * min]),
    };
    assert.deepEqual(nabWindowRows(file), rows);
    assert.deepEqual([...nabRowLabels(file)], labels);
  });
}

Deno.test("nabWindowRows() throws when a window holds no row", () => {
  const file = {
    name: "cat/a.csv",
    timestamps: new Float64Array([0, 10, 20]),
    windows: [[11, 19]] as Array<[number, number]>,
  };
  assert.throws(() => nabWindowRows(file), {
    name: "RangeError",
    message: "Cannot map NAB window 0 of cat/a.csv to rows: no row lies inside it, current value is " +
      "[1970-01-01T00:00:00.011Z, 1970-01-01T00:00:00.019Z]",
  });
});

Deno.test("writeNabResults() round-trips through readNabCorpus() and leaves no temp file", async () => {
  const text = "timestamp,value\n2014-04-01 00:00:00,1.25\n2014-04-01 00:05:00,\n2014-04-01 00:13:00,-3\n";
  const { root, data, labels } = await corpus(
    { "cat/a.csv": text },
    { "cat/a.csv": [["2014-04-01 00:05:00.000000", "2014-04-01 00:05:00.000000"]] },
  );
  const [file] = await readNabCorpus(data, labels);
  const out = join(root, "out");
  const rows = {
    timestamps: file.timestamps,
    values: file.values,
    scores: new Float64Array([0, 0.75, NaN]),
    labels: nabRowLabels(file),
    isAnomaly: new Uint8Array([0, 1, 0]),
  };
  await writeNabResults(out, file.name, { ...rows, scores: new Float64Array(3) }); // overwritten below
  const path = await writeNabResults(out, file.name, rows);
  assert.equal(path, join(out, "cat", "a.csv"));
  assert.equal(
    await Deno.readTextFile(path),
    [
      "timestamp,value,anomaly_score,label,is_anomaly",
      "2014-04-01 00:00:00,1.25,0,0,0",
      "2014-04-01 00:05:00,,0.75,1,1",
      "2014-04-01 00:13:00,-3,,0,0",
      "",
    ].join("\n"),
  );
  const names = [];
  for await (const entry of Deno.readDir(join(out, "cat"))) names.push(entry.name);
  assert.deepEqual(names, ["a.csv"]);
  await Deno.remove(root, { recursive: true });
});

const badWrites: Array<[string, string, number, ErrorConstructor, RegExp]> = [
  ["no category", "a.csv", 2, TypeError, /name must be "<category>\/<file>\.csv", current value is "a\.csv"/],
  ["path traversal", "../a.csv", 2, TypeError, /name must be/],
  ["not csv", "cat/a.txt", 2, TypeError, /name must be/],
  [
    "short column",
    "cat/a.csv",
    1,
    TypeError,
    /cat\/a\.csv: values has 1 rows but timestamps has 2, current value is 1/,
  ],
];
for (const [what, name, valuesLength, type, message] of badWrites) {
  Deno.test(`writeNabResults() refuses bad input: ${what}`, async () => {
    const rows = {
      timestamps: new Float64Array([0, 1000]),
      values: new Float64Array(valuesLength),
      scores: new Float64Array(2),
      labels: new Uint8Array(2),
      isAnomaly: new Uint8Array(2),
    };
    const out = await Deno.makeTempDir();
    await assert.rejects(writeNabResults(out, name, rows), (err: Error) => {
      assert.ok(err instanceof type, `${err}`);
      assert.match(err.message, message);
      return true;
    });
    await Deno.remove(out, { recursive: true });
  });
}
