import assert from "node:assert/strict";
import { join } from "node:path";
import { ANOMALY_KINDS } from "../presence.ts";
import { loadLabels } from "./labels.ts";
import { parseLabels } from "./parse_labels.ts";

const GOOD = {
  series: "statsd.n1.gauges.aggregator.agg_length_behind_ratio.A",
  machine: "n1",
  aggregator: "A",
  kind: "stall",
  start: "2026-06-19T07:00:00.000Z",
  end: "2026-06-19T13:00:00.000Z",
};
const START = Date.UTC(2026, 5, 19, 7), END = Date.UTC(2026, 5, 19, 13);
const PARSED = { ...GOOD, start: START, end: END };

/** Writes `text` to a fresh temp file and returns its path. */
async function tempFile(text: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "labels_test_" });
  const path = join(dir, "labels.json");
  await Deno.writeTextFile(path, text);
  return path;
}

Deno.test("loadLabels() reads the labels file writeCorpus wrote to data/", async () => {
  const path = new URL("../../data/labels.json", import.meta.url).pathname;
  const raw = JSON.parse(await Deno.readTextFile(path));
  const labels = await loadLabels(path);
  assert.equal(labels.length, raw.labels.length);
  assert.ok(labels.length > 0);
  labels.forEach((label, i) => {
    assert.equal(label.series, raw.labels[i].series);
    assert.equal(label.kind, raw.labels[i].kind);
    assert.equal(label.start, Date.parse(raw.labels[i].start));
    assert.equal(label.end, Date.parse(raw.labels[i].end));
    assert.ok(ANOMALY_KINDS.includes(label.kind) && label.start <= label.end);
  });
});

Deno.test("loadLabels() accepts the object form and a bare array", async () => {
  for (
    const text of [
      JSON.stringify({ generator: { seed: 1 }, files: [], labels: [GOOD] }),
      JSON.stringify([GOOD]),
    ]
  ) {
    const path = await tempFile(text);
    assert.deepEqual(await loadLabels(path), [PARSED]);
    await Deno.remove(join(path, ".."), { recursive: true });
  }
});

Deno.test("parseLabels() reads zones, offsets, epoch ms, defaults and ignores extra fields", () => {
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ["Z without fraction", { start: "2026-06-19T07:00:00Z" }, { start: START }],
    ["+02:00 offset", { start: "2026-06-19T09:00:00+02:00" }, { start: START }],
    ["-0130 offset", { start: "2026-06-19T05:30-0130" }, { start: START }],
    ["space separator with Z", { start: "2026-06-19 07:00:00Z" }, { start: START }],
    ["epoch ms numbers", { start: START, end: END }, {}],
    ["start equal to end", { start: GOOD.end }, { start: END }],
    ["machine and aggregator default to empty", { machine: undefined, aggregator: undefined }, {
      machine: "",
      aggregator: "",
    }],
    ["extra fields are dropped", { note: "x" }, {}],
  ];
  for (const [name, patch, want] of cases) {
    const entry = JSON.parse(JSON.stringify({ ...GOOD, ...patch }));
    assert.deepEqual(parseLabels([entry], "f.json"), [{ ...PARSED, ...want }], name);
  }
  assert.deepEqual(parseLabels({ labels: [] }, "f.json"), []);
});

Deno.test("parseLabels() names the file and the entry index for every bad entry", () => {
  const at = (i: number) => `entry ${i} of bad.json`;
  const cases: Array<[string, unknown, string, string]> = [
    [
      "not a labels document",
      { label: [] },
      "TypeError",
      'Cannot parse labels: bad.json is neither an array nor an object with a "labels" array, current value is {"label":[]}',
    ],
    [
      "null document",
      null,
      "TypeError",
      'Cannot parse labels: bad.json is neither an array nor an object with a "labels" array, current value is null',
    ],
    [
      "entry not an object",
      [GOOD, 3],
      "TypeError",
      `Cannot parse labels: ${at(1)} is not an object, current value is 3`,
    ],
    [
      "missing series",
      [{ ...GOOD, series: undefined }],
      "TypeError",
      `Cannot parse labels: ${at(0)} needs a non-empty "series" string, current value is undefined`,
    ],
    [
      "empty series",
      [GOOD, GOOD, { ...GOOD, series: "" }],
      "TypeError",
      `Cannot parse labels: ${at(2)} needs a non-empty "series" string, current value is ""`,
    ],
    [
      "numeric machine",
      [{ ...GOOD, machine: 7 }],
      "TypeError",
      `Cannot parse labels: ${at(0)} has a non-string "machine", current value is 7`,
    ],
    [
      "unknown kind",
      [GOOD, { ...GOOD, kind: "spkie" }],
      "TypeError",
      `Cannot parse labels: ${at(1)} has an unknown kind (expected one of spike, stall, flatline, dropout, ` +
      'level_shift, rhythm_loss), current value is "spkie"',
    ],
    [
      "time without a zone",
      [{ ...GOOD, start: "2026-06-19T07:00:00" }],
      "SyntaxError",
      `Cannot parse labels: ${at(0)} has a "start" that is not an ISO 8601 time with an explicit zone ` +
      '(e.g. 2026-01-01T00:00:00Z), current value is "2026-06-19T07:00:00"',
    ],
    [
      "impossible date",
      [{ ...GOOD, end: "2026-02-30T00:00:00Z" }],
      "SyntaxError",
      `Cannot parse labels: ${at(0)} has a "end" that is not an ISO 8601 time with an explicit zone ` +
      '(e.g. 2026-01-01T00:00:00Z), current value is "2026-02-30T00:00:00Z"',
    ],
    [
      "not a time",
      [{ ...GOOD, end: "tomorrow" }],
      "SyntaxError",
      `Cannot parse labels: ${at(0)} has a "end" that is not an ISO 8601 time with an explicit zone ` +
      '(e.g. 2026-01-01T00:00:00Z), current value is "tomorrow"',
    ],
    [
      "missing end",
      [{ ...GOOD, end: undefined }],
      "SyntaxError",
      `Cannot parse labels: ${at(0)} has a "end" that is not an ISO 8601 time with an explicit zone ` +
      "(e.g. 2026-01-01T00:00:00Z), current value is undefined",
    ],
    [
      "start after end",
      [{ ...GOOD, start: GOOD.end, end: GOOD.start }],
      "RangeError",
      `Cannot parse labels: ${
        at(0)
      } starts after it ends, current value is start "2026-06-19T13:00:00.000Z" > ` +
      'end "2026-06-19T07:00:00.000Z"',
    ],
  ];
  for (const [name, json, type, message] of cases) {
    assert.throws(() => parseLabels(json, "bad.json"), { name: type, message }, name);
  }
});

Deno.test("loadLabels() names the file for invalid JSON and bad entries", async () => {
  const notJson = await tempFile("{labels: [");
  await assert.rejects(loadLabels(notJson), (err: Error) => {
    assert.equal(err.name, "SyntaxError");
    assert.ok(
      err.message.startsWith(
        `Cannot load labels: ${notJson} is not valid JSON, current value is "{labels: ["`,
      ),
      err.message,
    );
    return true;
  });
  const badKind = await tempFile(JSON.stringify({ labels: [GOOD, { ...GOOD, kind: "blip" }] }));
  await assert.rejects(loadLabels(badKind), {
    name: "TypeError",
    message:
      `Cannot parse labels: entry 1 of ${badKind} has an unknown kind (expected one of spike, stall, ` +
      'flatline, dropout, level_shift, rhythm_loss), current value is "blip"',
  });
  await assert.rejects(loadLabels(join(notJson, "..", "missing.json")), Deno.errors.NotFound);
  for (const path of [notJson, badKind]) await Deno.remove(join(path, ".."), { recursive: true });
});
