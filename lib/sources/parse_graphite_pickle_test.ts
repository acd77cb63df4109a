import assert from "node:assert/strict";
import { parseGraphitePickle } from "./parse_graphite_pickle.ts";

/** A minimal protocol-2 pickler for plain data, as CPython would write it (without memo). */
function pickle(value: unknown): Uint8Array {
  const out: number[] = [0x80, 2];
  const enc = new TextEncoder();
  const u32 = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255];
  const write = (v: unknown): void => {
    if (v === null) out.push(0x4e);
    else if (typeof v === "string") {
      const b = enc.encode(v);
      out.push(0x58, ...u32(b.length), ...b);
    } else if (typeof v === "number" && Number.isInteger(v) && Math.abs(v) < 2 ** 31) {
      out.push(0x4a, ...u32(v >>> 0));
    } else if (typeof v === "number") {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, v, false);
      out.push(0x47, ...b);
    } else if (Array.isArray(v)) {
      out.push(0x5d, 0x28);
      v.forEach(write);
      out.push(0x65);
    } else {
      out.push(0x7d, 0x28);
      for (const [k, x] of Object.entries(v as object)) {
        write(k);
        write(x);
      }
      out.push(0x75);
    }
  };
  write(value);
  out.push(0x2e);
  return Uint8Array.from(out);
}

const KEY = "statsd.n200-primary-meraki-com.gauges.aggregator.agg_length_behind_ratio.A";

Deno.test("parseGraphitePickle() reads graphite-web's series: grid, None as NaN, labels, ints as values", () => {
  const body = pickle([
    {
      name: KEY,
      pathExpression: "statsd.*",
      start: 1700000040,
      end: 1700000220,
      step: 60,
      values: [0.5, null, 3],
    },
    { name: "other.x", start: 60, end: 120, step: 60, values: [null] },
  ]);
  const { series, failures } = parseGraphitePickle(body, { target: "t" });
  assert.equal(series.length, 1);
  assert.equal(series[0].key, KEY);
  assert.deepEqual(series[0].labels, { machine: "n200-primary-meraki-com", aggregator: "A" });
  assert.deepEqual([series[0].start, series[0].step], [1_700_000_040_000, 60_000]);
  assert.deepEqual([...series[0].values], [0.5, NaN, 3]);
  assert.deepEqual(failures, [{
    target: "t",
    series: "other.x",
    kind: "all-null",
    reason: "all 1 values are null",
  }]);
});

Deno.test("parseGraphitePickle() records an empty answer as no data", () => {
  assert.deepEqual(parseGraphitePickle(pickle([]), { target: "t" }).failures, [
    { target: "t", kind: "no-data", reason: "no data: Graphite returned no series for this target" },
  ]);
});

Deno.test("parseGraphitePickle() falls back to raw text and JSON for a server that ignores format=pickle", () => {
  const raw = parseGraphitePickle(new TextEncoder().encode("a.b,60,180,60|1.5,None\n"));
  assert.deepEqual([...raw.series[0].values], [1.5, NaN]);
  const json = parseGraphitePickle(
    new TextEncoder().encode('[{"target":"a.b","datapoints":[[2,60],[3,120]]}]'),
  );
  assert.deepEqual([...json.series[0].values], [2, 3]);
});

Deno.test("parseGraphitePickle() names what is wrong with a malformed or hostile answer", () => {
  const cases: [Uint8Array, RegExp][] = [
    [pickle({ name: "x" }), /malformed answer: the pickle is not a list of series/],
    [pickle([{ name: "x", start: 0, step: 0, values: [] }]), /finite numbers `start` and `step` > 0/],
    [pickle([{ name: "x", start: 0, step: Infinity, values: [1] }]), /finite numbers `start` and `step` > 0/],
    [pickle([{ name: "x", start: NaN, step: 60, values: [1] }]), /finite numbers `start` and `step` > 0/],
    [
      pickle([{ name: "x", start: 0, step: 60, values: ["1"] }]),
      /value 0 of x is not a number, current value is 1/,
    ],
    [pickle([{ name: "x", start: 0, step: 60, values: [1] }]).subarray(0, 20), /truncated|no STOP/],
    // pickle.dumps([datetime.date(2020, 1, 1)], protocol=4): would import and call.
    [
      Uint8Array.from(
        atob("gASVIwAAAAAAAABdlIwIZGF0ZXRpbWWUjARkYXRllJOUQwQH5AEBlIWUUpRhLg=="),
        (c) => c.charCodeAt(0),
      ),
      /opcode 0x93 is not plain data/,
    ],
  ];
  for (const [body, message] of cases) {
    const { series, failures } = parseGraphitePickle(body, { target: "t" });
    assert.deepEqual(series, []);
    assert.equal(failures.length, 1);
    assert.equal(failures[0].kind, "malformed");
    assert.match(failures[0].reason, message);
  }
});

Deno.test("parseGraphitePickle() refuses one series referred to many times (a small body, a huge allocation)", () => {
  // [d, d, d, …] with d memoised once: EMPTY_LIST, MARK, d (MEMOIZE), BINGET 0 × 2000, APPENDS, STOP.
  const one = pickle({ name: "x", start: 0, step: 60, values: Array(1000).fill(1.5) });
  const dict = one.subarray(2, one.length - 1); // without PROTO and STOP
  const bytes = Uint8Array.from([
    0x80,
    4,
    0x5d,
    0x28,
    ...dict,
    0x94,
    ...Array(2000).fill([0x68, 0]).flat(),
    0x65,
    0x2e,
  ]);
  const { series, failures } = parseGraphitePickle(bytes, { target: "t" });
  assert.deepEqual(series, []);
  assert.match(failures[0].reason, /series x appears twice/);
});

Deno.test("parseGraphitePickle() refuses a forged huge integer without spending minutes on it", () => {
  // LONG4 of 1 MB.
  const n = 1 << 20;
  const bytes = new Uint8Array(2 + 5 + n + 1);
  bytes.set([0x80, 2, 0x8b, n & 255, (n >> 8) & 255, (n >> 16) & 255, 0], 0);
  bytes[bytes.length - 1] = 0x2e;
  const { failures } = parseGraphitePickle(bytes, { target: "t" });
  assert.match(failures[0].reason, /an integer of 1048576 bytes \(at most 64 are read\)/);
});
