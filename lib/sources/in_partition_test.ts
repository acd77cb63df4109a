import assert from "node:assert/strict";
import { inPartition } from "./in_partition.ts";
import { parsePartition } from "./parse_partition.ts";

const partOf = (machine: string, count: number) =>
  Array.from({ length: count }, (_, i) => i).find((index) => inPartition(machine, { index, count }));

Deno.test("inPartition() assigns by the name alone, the same in every release", () => {
  // Pinned: a change of hash would move every machine of running deployments between parts.
  const names = [
    "n200-primary-meraki-com",
    "n201-primary-meraki-com",
    "n202-primary-meraki-com",
    "n203-primary-meraki-com",
    "n299-primary-meraki-com",
  ];
  assert.deepEqual(names.map((n) => partOf(n, 4)), [2, 3, 0, 1, 0]);
  assert.equal(partOf("anything", 1), 0);
});

Deno.test("inPartition() and parsePartition() refuse what is not a part of a whole", () => {
  assert.throws(
    () => inPartition("n1", { index: 4, count: 4 }),
    /index must be an integer in 0\.\.3, current value is 4/,
  );
  assert.throws(
    () => inPartition("n1", { index: 0, count: 0 }),
    /count must be an integer ≥ 1, current value is 0/,
  );
  const cases: [string, RegExp][] = [
    ["1", /expected i\/N .*current value is "1"/],
    ["-1/4", /expected i\/N/],
    ["1/0", /N must be in 1\.\.10000, current value is "1\/0"/],
    ["2/2", /index must be in 0\.\.1, current value is "2\/2"/],
  ];
  for (const [text, message] of cases) assert.throws(() => parsePartition(text), message, text);
  assert.deepEqual(parsePartition(" 3 / 8 "), { index: 3, count: 8 });
});
