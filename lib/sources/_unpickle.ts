/**
 * A safe reader for the subset of Python's pickle format (protocols 2–5) that plain data uses: lists, dicts,
 * tuples, strings, bytes, ints, floats, booleans and None. Anything that would import a module or call a function
 * (GLOBAL, STACK_GLOBAL, REDUCE, BUILD, NEWOBJ, INST, OBJ, PERSID, EXT) is refused, so an answer from a hostile
 * server can only ever produce data. Private to `lib/sources`.
 *
 * @module
 */

const MARK = Symbol("mark");
type Value = unknown;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Options of {@link unpickle}. */
export interface UnpickleOptions {
  /**
   * A list built only of floats and Nones comes back as a `Float64Array`, None as NaN: graphite-web's values,
   * read in one tight loop per batch into a typed array instead of a JavaScript array of numbers (several times
   * faster, and far less garbage). A list that receives anything else is an array as usual, but the Nones it
   * got in batches of floats are NaN there too. @default false
   */
  floatLists?: boolean;
}

/**
 * Decodes a pickle of plain data.
 *
 * @param bytes The pickle.
 * @param options See {@link UnpickleOptions}.
 * @returns The value (Python lists and tuples become arrays, dicts plain objects with string keys, None `null`,
 *   ints numbers — or bigints beyond 2^53 —, bytes `Uint8Array`).
 * @throws {SyntaxError} On a truncated pickle, an unknown or refused opcode, or a bad memo reference.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unpickle } from "./_unpickle.ts";
 * // pickle.dumps([{"a": 1.5, "b": None}], protocol=2)
 * const bytes = Uint8Array.from([0x80, 2, 0x5d, 0x71, 0, 0x7d, 0x71, 1, 0x28, 0x58, 1, 0, 0, 0, 0x61, 0x71, 2,
 *   0x47, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0x58, 1, 0, 0, 0, 0x62, 0x71, 3, 0x4e, 0x75, 0x61, 0x2e]);
 * assert.deepEqual(unpickle(bytes), [{ a: 1.5, b: null }]);
 * ```
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions = {}): Value {
  const floatLists = options.floatLists ?? false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  const stack: Value[] = [];
  const marks: number[] = [];
  const memo: Value[] = [];
  /**
   * With `floatLists`: the values of each list built so far only of float batches (the list itself stays empty;
   * one that held anything first is never typed).
   */
  const floats = new Map<Value[], { buf: Float64Array; len: number }>();
  let pos = 0;
  const fail = (detail: string): never => {
    throw new SyntaxError(`Cannot read the pickle: ${detail}, at byte ${pos} of ${n}`);
  };
  const need = (k: number) => {
    if (pos + k > n) fail(`truncated (${k} more bytes expected)`);
  };
  const u8 = () => {
    need(1);
    return bytes[pos++];
  };
  const u16 = () => {
    need(2);
    const v = view.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const u32 = () => {
    need(4);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail("a length beyond 2^53");
    return Number(v);
  };
  const text = (len: number) => {
    need(len);
    try {
      return utf8.decode(bytes.subarray(pos, pos += len));
    } catch {
      return fail("a string that is not UTF-8");
    }
  };
  const raw = (len: number) => {
    need(len);
    return bytes.slice(pos, pos += len);
  };
  const long = (len: number): number | bigint => {
    // Plain data has small integers; a forged megabyte-long one would take minutes to decode.
    if (len > 64) fail(`an integer of ${len} bytes (at most 64 are read)`);
    need(len);
    let v = 0n;
    for (let i = len - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[pos + i]);
    if (len > 0 && bytes[pos + len - 1] & 0x80) v -= 1n << BigInt(len * 8);
    pos += len;
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  const pop = () => {
    if (stack.length === 0 || (marks.length && stack.length <= marks[marks.length - 1] + 1)) {
      fail("stack underflow");
    }
    return stack.pop();
  };
  const top = () => {
    if (stack.length === 0) fail("stack underflow");
    return stack[stack.length - 1];
  };
  const popMark = (): Value[] => {
    const m = marks.pop();
    if (m === undefined) fail("no MARK");
    return stack.splice(m as number);
  };
  const get = (i: number) => {
    if (!(i in memo)) fail(`memo ${i} was never stored`);
    return memo[i];
  };
  const setItems = (dict: Value, items: Value[]) => {
    if (typeof dict !== "object" || dict === null || Array.isArray(dict) || dict instanceof Uint8Array) {
      fail("SETITEMS on something that is not a dict");
    }
    const d = dict as Record<string, Value>;
    for (let i = 0; i + 1 < items.length; i += 2) {
      const k = items[i];
      if (typeof k !== "string" && typeof k !== "number") fail("a dict key that is not a string or a number");
      Object.defineProperty(d, String(k), {
        value: items[i + 1],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  };
  /** A list's float batches so far, back in the list itself (it is about to receive something else). */
  const untype = (l: Value[]) => {
    const typed = floats.get(l);
    if (!typed) return;
    floats.delete(l);
    for (let i = 0; i < typed.len; i++) l.push(typed.buf[i]);
  };
  /**
   * After a MARK: a batch of floats and Nones (FRAME hints between them skipped) closed by APPENDS onto a list,
   * read in one loop. Returns false, having read nothing, for anything else.
   */
  const floatBatch = (): boolean => {
    let end = pos, count = 0;
    while (end < n) {
      const b = bytes[end];
      if (b === 0x47 && end + 9 <= n) {
        end += 9;
        count++;
      } else if (b === 0x4e) {
        end++;
        count++;
      } else if (b === 0x95 && end + 9 <= n) end += 9;
      else break;
    }
    const list = stack[stack.length - 1];
    if (count === 0 || end >= n || bytes[end] !== 0x65 || !Array.isArray(list)) return false;
    let typed = floats.get(list);
    if (!typed && list.length === 0) {
      floats.set(list, typed = { buf: new Float64Array(Math.max(1024, count)), len: 0 });
    }
    if (typed) {
      if (typed.len + count > typed.buf.length) {
        const grown = new Float64Array(Math.max(2 * typed.buf.length, typed.len + count));
        grown.set(typed.buf.subarray(0, typed.len));
        typed.buf = grown;
      }
      const buf = typed.buf;
      let k = typed.len;
      while (pos < end) {
        const b = bytes[pos];
        if (b === 0x47) {
          buf[k++] = view.getFloat64(pos + 1, false);
          pos += 9;
        } else if (b === 0x4e) {
          buf[k++] = NaN;
          pos++;
        } else pos += 9; // FRAME
      }
      typed.len = k;
    } else {
      while (pos < end) {
        const b = bytes[pos];
        if (b === 0x47) {
          list.push(view.getFloat64(pos + 1, false));
          pos += 9;
        } else if (b === 0x4e) {
          list.push(NaN);
          pos++;
        } else pos += 9;
      }
    }
    pos++; // the APPENDS
    return true;
  };
  /** With `floatLists`, the result with each list built only of float batches replaced by its typed array. */
  const typedIn = (root: Value): Value => {
    const done = new Map<Value, Float64Array>(); // one typed array per list, however often it is referred to
    const typed = (v: Value) => {
      const t = Array.isArray(v) ? floats.get(v) : undefined;
      if (!t) return v;
      let a = done.get(v);
      if (!a) done.set(v, a = t.len === t.buf.length ? t.buf : t.buf.slice(0, t.len));
      return a;
    };
    const seen = new Set<Value>();
    const todo: Value[] = [root];
    while (todo.length) {
      const v = todo.pop();
      if (typeof v !== "object" || v === null || ArrayBuffer.isView(v) || seen.has(v)) continue;
      seen.add(v);
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) todo.push(v[i] = typed(v[i]));
      } else {
        const d = v as Record<string, Value>;
        for (const k of Object.keys(d)) todo.push(d[k] = typed(d[k]));
      }
    }
    return typed(root);
  };
  const appendTo = (list: Value, items: Value[]) => {
    if (!Array.isArray(list)) fail("APPENDS on something that is not a list");
    const l = list as Value[];
    untype(l);
    for (let i = 0; i < items.length; i++) l.push(items[i]);
  };

  while (pos < n) {
    const op = bytes[pos++];
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail("a pickle protocol above 5");
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        if (stack.length !== 1 || marks.length) fail("STOP with a stack that is not one value");
        return floats.size ? typedIn(stack[0]) : stack[0];
      case 0x28: // MARK
        if (floatLists && floatBatch()) break;
        marks.push(stack.length);
        stack.push(MARK);
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push({});
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x61: { // APPEND
        const v = pop();
        appendTo(top(), [v]);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        items.shift(); // the MARK itself
        appendTo(top(), items);
        break;
      }
      case 0x6c: { // LIST
        const items = popMark();
        items.shift();
        stack.push(items);
        break;
      }
      case 0x74: { // TUPLE
        const items = popMark();
        items.shift();
        stack.push(items);
        break;
      }
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: { // TUPLE2
        const b = pop(), a = pop();
        stack.push([a, b]);
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop(), b = pop(), a = pop();
        stack.push([a, b, c]);
        break;
      }
      case 0x64: { // DICT
        const items = popMark();
        items.shift();
        const d = {};
        setItems(d, items);
        stack.push(d);
        break;
      }
      case 0x73: { // SETITEM
        const v = pop(), k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        items.shift();
        setItems(top(), items);
        break;
      }
      case 0x94: // MEMOIZE
        memo.push(top());
        break;
      case 0x71: // BINPUT
        memo[u8()] = top();
        break;
      case 0x72: // LONG_BINPUT
        memo[u32()] = top();
        break;
      case 0x68: // BINGET
        stack.push(get(u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(get(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(u8()));
        break;
      case 0x58: // BINUNICODE
        stack.push(text(u32()));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(u64()));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(raw(u8()));
        break;
      case 0x42: // BINBYTES
        stack.push(raw(u32()));
        break;
      case 0x8e: // BINBYTES8
        stack.push(raw(u64()));
        break;
      case 0x4a: // BININT (signed 32-bit)
        need(4);
        stack.push(view.getInt32(pos, true));
        pos += 4;
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(long(u8()));
        break;
      case 0x8b: // LONG4
        stack.push(long(u32()));
        break;
      case 0x47: // BINFLOAT (big-endian double)
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      default:
        pos--;
        fail(`opcode 0x${op.toString(16).padStart(2, "0")} is not plain data (refused or unknown)`);
    }
  }
  return fail("no STOP");
}
