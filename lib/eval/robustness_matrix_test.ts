import assert from "node:assert/strict";
import { robustnessMatrix } from "./robustness_matrix.ts";
import { robustnessMatrixTable } from "./robustness_matrix_table.ts";
import { parseCells } from "./parse_cells.ts";

const HOUR = 3_600_000;

Deno.test("robustnessMatrix() runs a tiny cell and returns well-formed figures", () => {
  const seen: number[] = [];
  const result = robustnessMatrix({
    steps: [HOUR],
    historyDays: [9],
    weekly: [true],
    noise: [1, 2],
    labelsPerKind: 1,
    onCell: (_, i, total) => seen.push(i, total),
  });
  assert.deepEqual(seen, [0, 2, 1, 2]);
  assert.equal(result.seed, 2718);
  assert.equal(result.cells.length, 2);
  for (const c of result.cells) {
    assert.deepEqual(c.kinds, ["spike", "stall", "flatline", "dropout", "level_shift", "rhythm_loss"]);
    assert.equal(c.evalDays, 2);
    assert.equal(c.series, 6);
    assert.equal(c.seriesDays, 12);
    assert.equal(c.points, 6 * 11 * 24);
    assert.equal(c.metrics.labels, 6);
    for (const kind of c.kinds) assert.equal(c.metrics.perKind[kind].labels, 1);
    for (const v of [c.metrics.recall, c.metrics.precision, c.metrics.f1]) assert.ok(v >= 0 && v <= 1);
    assert.ok(c.metrics.falseEventsPerSeriesMonth >= 0);
    assert.equal(c.pass, c.failures.length === 0);
    assert.ok(c.ms > 0);
  }
  assert.equal(result.passed, result.cells.filter((c) => c.pass).length);
  const table = robustnessMatrixTable(result);
  assert.equal(table.split("\n").filter((l) => l.startsWith("| 1 h | 9 d | on |")).length, 2);
  assert.match(table, /cells pass .* generator seed 2718/);
});

Deno.test("robustnessMatrix() leaves rhythm loss out under a week of history and refuses bad axes", () => {
  const [cell] = robustnessMatrix({
    steps: [HOUR],
    historyDays: [3],
    weekly: [false],
    noise: [1],
    labelsPerKind: 1,
  }).cells;
  assert.deepEqual(cell.kinds, ["spike", "stall", "flatline", "dropout", "level_shift"]);
  assert.ok(!("rhythm_loss" in cell.metrics.perKind));
  assert.equal(cell.metrics.labels, cell.series);
  assert.throws(() => robustnessMatrix({ steps: [] }), /steps must not be empty/);
  assert.throws(() => robustnessMatrix({ historyDays: [2] }), /history must be at least 3 days/);
});

Deno.test("parseCells() picks axes; a key repeated keeps both values; unknown keys are refused", () => {
  assert.deepEqual(parseCells("step=1m,history=3d"), {
    steps: [60_000],
    historyDays: [3],
    weekly: undefined,
    noise: undefined,
  });
  assert.deepEqual(parseCells("step=5m,step=1h,weekly=off,noise=2,history=6mo"), {
    steps: [300_000, HOUR],
    historyDays: [182],
    weekly: [false],
    noise: [2],
  });
  assert.throws(() => parseCells("steps=1m"), /unknown key "steps"/);
  assert.throws(() => parseCells("history=4d"), /history must be one of 3d 9d 30d 6mo/);
});
