import assert from "node:assert/strict";
import { parseFlags } from "./_command.ts";

const OPTIONS = {
  from: { type: "string" },
  until: { type: "string" },
  start: { type: "string" },
  data: { type: "string", multiple: true },
  once: { type: "boolean" },
} as const;

Deno.test("parseFlags() takes a relative time after a string flag as its value, as Graphite writes it", () => {
  const cases: Array<[string[], Record<string, unknown>, string[]]> = [
    [["--from", "-24h"], { from: "-24h" }, []],
    [["--from", "-72h", "--until", "-1h"], { from: "-72h", until: "-1h" }, []],
    [["--start", "-3d"], { start: "-3d" }, []],
    [["--from", "-5min", "--until", "-1mon"], { from: "-5min", until: "-1mon" }, []],
    [["--from=-72h"], { from: "-72h" }, []],
    [["--from", "now-24h"], { from: "now-24h" }, []],
    [["--data", "-1", "--data", "x"], { data: ["-1", "x"] }, []],
    [["--once", "--from", "-2d", "file"], { once: true, from: "-2d" }, ["file"]],
    // after "--" everything is positional, as before
    [["--", "--from", "-24h"], {}, ["--from", "-24h"]],
  ];
  for (const [args, want, positionals] of cases) {
    const got = parseFlags(args, OPTIONS);
    assert.deepEqual({ ...got.values }, want, JSON.stringify(args));
    assert.deepEqual(got.positionals, positionals, JSON.stringify(args));
  }
});

Deno.test("parseFlags() keeps refusing unknown flags, values for booleans and dashed words as values", () => {
  const cases: Array<[string[], RegExp]> = [
    [["--nope", "-24h"], /^Cannot parse flags: Unknown option '--nope'/],
    [["--once", "-24h"], /^Cannot parse flags: --once takes no value, current value is "-24h"$/],
    [["--from", "-x"], /^Cannot parse flags: Option '--from' argument is ambiguous\. Did you forget/],
    [["--from", "--until"], /^Cannot parse flags: Option '--from' argument is ambiguous\. Did you forget/],
    [["--from"], /^Cannot parse flags: Option '--from <value>' argument missing/],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => parseFlags(args, OPTIONS), { name: "TypeError", message }, JSON.stringify(args));
  }
});
