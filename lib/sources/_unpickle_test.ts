import assert from "node:assert/strict";
import { unpickle } from "./_unpickle.ts";

const b64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

// Made with CPython 3.11:
//   shared = {"k": "v"}
//   obj = [{"name": "statsd.n1.é", "start": 1700000000, "end": 1700000180, "step": 60,
//            "values": [1.5, None, -2.25, 0, 7, 300, 70000, -5, 2**40, -(2**70), float("inf")] + [0] * 1001,
//            "tags": shared, "again": shared, "flags": (True, False), "t3": (1, 2, 3), "tn": (1, 2, 3, 4),
//            "b": b"xy", "e": ()}]
//   base64.b64encode(pickle.dumps(obj, protocol=P))
const FIXTURES: Record<number, string> = {
  3: "gANdcQB9cQEoWAQAAABuYW1lcQJYDAAAAHN0YXRzZC5uMS7DqXEDWAUAAABzdGFydHEESgDxU2VYAwAAAGVuZHEFSrTxU2VYBAAAAHN0ZXBxBks8WAYAAAB2YWx1ZXNxB11xCChHP/gAAAAAAABOR8ACAAAAAAAASwBLB00sAUpwEQEASvv///+KBgAAAAAAAYoJAAAAAAAAAADAR3/wAAAAAAAASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAGUoSwBLAEsASwBLAEsASwBLAEsASwBLAEsAZVgEAAAAdGFnc3EJfXEKWAEAAABrcQtYAQAAAHZxDHNYBQAAAGFnYWlucQ1oClgFAAAAZmxhZ3NxDoiJhnEPWAIAAAB0M3EQSwFLAksDh3ERWAIAAAB0bnESKEsBSwJLA0sEdHETWAEAAABicRRDAnh5cRVYAQAAAGVxFil1YS4=",
  5: "gAWVswgAAAAAAABdlH2UKIwEbmFtZZSMDHN0YXRzZC5uMS7DqZSMBXN0YXJ0lEoA8VNljANlbmSUSrTxU2WMBHN0ZXCUSzyMBnZhbHVlc5RdlChHP/gAAAAAAABOR8ACAAAAAAAASwBLB00sAUpwEQEASvv///+KBgAAAAAAAYoJAAAAAAAAAADAR3/wAAAAAAAASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAEsASwBLAGUoSwBLAEsASwBLAEsASwBLAEsASwBLAEsAZYwEdGFnc5R9lIwBa5SMAXaUc4wFYWdhaW6UaAqMBWZsYWdzlIiJhpSMAnQzlEsBSwJLA4eUjAJ0bpQoSwFLAksDSwR0lIwBYpRDAnh5lIwBZZQpdWEu",
};

for (const protocol of [3, 5]) {
  Deno.test(`unpickle() reads CPython's protocol ${protocol}: lists, dicts, tuples, memo, ints, floats, bytes`, () => {
    const [d] = unpickle(b64(FIXTURES[protocol])) as Record<string, unknown>[];
    assert.equal(d.name, "statsd.n1.é");
    assert.deepEqual([d.start, d.end, d.step], [1700000000, 1700000180, 60]);
    const values = d.values as unknown[];
    assert.equal(values.length, 11 + 1001, "APPENDS batches of 1000 all land");
    assert.deepEqual(values.slice(0, 10), [1.5, null, -2.25, 0, 7, 300, 70000, -5, 2 ** 40, -(2n ** 70n)]);
    assert.equal(values[10], Infinity);
    assert.ok(values.slice(11).every((v) => v === 0));
    assert.equal(d.tags, d.again, "a memoised object is the same object");
    assert.deepEqual({ ...(d.tags as object) }, { k: "v" });
    assert.deepEqual(d.flags, [true, false]);
    assert.deepEqual(d.t3, [1, 2, 3]);
    assert.deepEqual(d.tn, [1, 2, 3, 4]);
    assert.deepEqual(d.b, new Uint8Array([0x78, 0x79]));
    assert.deepEqual(d.e, []);
  });
}

Deno.test("unpickle() refuses anything that would import or call (GLOBAL, STACK_GLOBAL, REDUCE)", () => {
  // pickle.dumps([datetime.date(2020, 1, 1)], protocol=4): STACK_GLOBAL then REDUCE.
  const date = b64("gASVIwAAAAAAAABdlIwIZGF0ZXRpbWWUjARkYXRllJOUQwQH5AEBlIWUUpRhLg==");
  assert.throws(() => unpickle(date), {
    name: "SyntaxError",
    message:
      /^Cannot read the pickle: opcode 0x93 is not plain data \(refused or unknown\), at byte \d+ of 46$/,
  });
  // Protocol 0 "cos\nsystem\n(S'ls'\ntR.": GLOBAL.
  assert.throws(
    () => unpickle(new TextEncoder().encode("cos\nsystem\n(S'ls'\ntR.")),
    /opcode 0x63 is not plain data/,
  );
});

Deno.test("unpickle() names truncation, a missing STOP, bad memo references and bad UTF-8", () => {
  const whole = b64(FIXTURES[5]);
  assert.throws(
    () => unpickle(whole.subarray(0, 500)),
    /^SyntaxError: Cannot read the pickle: truncated|no STOP/,
  );
  assert.throws(() => unpickle(Uint8Array.from([0x80, 2, 0x5d])), /no STOP, at byte 3 of 3/);
  assert.throws(() => unpickle(Uint8Array.from([0x80, 2, 0x68, 7, 0x2e])), /memo 7 was never stored/);
  assert.throws(() => unpickle(Uint8Array.from([0x80, 2, 0x8c, 1, 0xff, 0x2e])), /not UTF-8/);
  assert.throws(() => unpickle(Uint8Array.from([0x80, 2, 0x61, 0x2e])), /stack underflow/);
  assert.throws(
    () => unpickle(Uint8Array.from([0x80, 2, 0x28, 0x4e, 0x2e])),
    /STOP with a stack that is not one value/,
  );
  assert.throws(() => unpickle(Uint8Array.from([0x80, 9])), /protocol above 5/);
});

Deno.test("unpickle() keys of a hostile dict cannot reach Object.prototype", () => {
  // {"__proto__": {"polluted": 1}} in protocol 2: EMPTY_DICT, MARK, key, EMPTY_DICT, MARK, key, 1, SETITEMS, SETITEMS, STOP
  const enc = new TextEncoder();
  const str = (s: string) => [0x58, s.length, 0, 0, 0, ...enc.encode(s)];
  const bytes = Uint8Array.from([
    0x80,
    2,
    0x7d,
    0x28,
    ...str("__proto__"),
    0x7d,
    0x28,
    ...str("polluted"),
    0x4b,
    1,
    0x75,
    0x75,
    0x2e,
  ]);
  const d = unpickle(bytes) as Record<string, unknown>;
  assert.deepEqual(Object.keys(d), ["__proto__"]);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

/** Protocol-5 opcodes for `[{"values": floats}, …]`, a FRAME hint put where `frameAt(i)` says within the floats. */
function floatListsPickle(
  lists: (number | null)[][],
  frameAt: (list: number, i: number) => boolean,
): Uint8Array {
  const out: number[] = [0x80, 5, 0x5d, 0x28];
  const f = new Uint8Array(8);
  const fv = new DataView(f.buffer);
  lists.forEach((values, l) => {
    out.push(0x7d, 0x8c, 6, ...new TextEncoder().encode("values"), 0x5d);
    for (let b = 0; b < values.length; b += 1000) {
      out.push(0x28);
      for (let i = b; i < Math.min(b + 1000, values.length); i++) {
        if (frameAt(l, i)) out.push(0x95, 0, 0, 1, 0, 0, 0, 0, 0);
        const v = values[i];
        if (v === null) out.push(0x4e);
        else {
          fv.setFloat64(0, v, false);
          out.push(0x47, ...f);
        }
      }
      out.push(0x65);
    }
    out.push(0x73); // SETITEM
  });
  out.push(0x65, 0x2e);
  return Uint8Array.from(out);
}

Deno.test("unpickle() with floatLists reads batches of floats and Nones into Float64Arrays, across FRAME hints", () => {
  const lists = [
    Array.from({ length: 2500 }, (_, i) => (i % 97 === 5 ? null : Math.sin(i) * 1e3)),
    [null, null, -0, Infinity, -1.5e-300],
    [],
  ];
  // FRAME hints inside a batch (as protocol 5 writes them every 64 KB, wherever a frame ends).
  const bytes = floatListsPickle(lists, (l, i) => l === 0 && (i === 17 || i === 1500));
  const plain = unpickle(bytes) as { values: unknown[] }[];
  const typed = unpickle(bytes, { floatLists: true }) as { values: unknown }[];
  assert.equal(typed.length, 3);
  for (let l = 0; l < 2; l++) {
    assert.ok(typed[l].values instanceof Float64Array, `list ${l} is typed`);
    assert.deepEqual(
      [...(typed[l].values as Float64Array)],
      plain[l].values.map((v) => (v === null ? NaN : v)),
      `list ${l}: the same values, None as NaN`,
    );
  }
  assert.ok(Object.is((typed[1].values as Float64Array)[2], -0));
  assert.deepEqual(typed[2].values, [], "an empty list stays a list");
});

Deno.test("unpickle() with floatLists leaves a list with anything but floats a plain array, and one list one object", () => {
  // The CPython fixture's values mix floats and ints: not typed, and the same as without the option.
  const [d] = unpickle(b64(FIXTURES[5]), { floatLists: true }) as Record<string, unknown>[];
  const [p] = unpickle(b64(FIXTURES[5])) as Record<string, unknown>[];
  assert.ok(Array.isArray(d.values));
  assert.deepEqual(d.values, p.values);
  // A batch of floats, then a batch holding a string: an array, the floats first.
  const floats = floatListsPickle([[1.5, 2.5]], () => false);
  const body = [...floats.subarray(0, floats.length - 3)]; // before SETITEM, APPENDS, STOP
  body.push(0x28, 0x8c, 1, 0x78, 0x65, 0x73, 0x65, 0x2e);
  const [mixed] = unpickle(Uint8Array.from(body), { floatLists: true }) as { values: unknown }[];
  assert.deepEqual(mixed.values, [1.5, 2.5, "x"]);
  // One list memoised and referred to twice: one Float64Array, twice.
  const twice = Uint8Array.from([
    0x80,
    5,
    0x5d,
    0x94,
    0x28,
    0x47,
    0x3f,
    0xf8,
    0,
    0,
    0,
    0,
    0,
    0,
    0x65,
    0x5d,
    0x28,
    0x68,
    0,
    0x68,
    0,
    0x65,
    0x86,
    0x2e,
  ]);
  const [first, pair] = unpickle(twice, { floatLists: true }) as [Float64Array, unknown[]];
  assert.ok(first instanceof Float64Array);
  assert.deepEqual([...first], [1.5]);
  assert.equal(pair[0], first);
  assert.equal(pair[1], first);
});
