import assert from "node:assert/strict";
import { clockHint, clockHintText } from "./clock_hint.ts";
import { generateCorpus } from "../synth/generate.ts";
import { train } from "../model/train.ts";

const fleet = (end: string, step: number, timeZone?: string, noise = 1) =>
  generateCorpus({ seed: 5, shards: 6, days: 30, end: Date.parse(`${end}T00:00:00Z`), step, timeZone, noise })
    .series;

Deno.test("clockHint names the zone whose change the rhythm followed, at every step, spring and autumn", () => {
  const cases: [end: string, step: number, zone: string, day: string][] = [
    ["2026-03-20", 3_600_000, "America/New_York", "2026-03-08"],
    ["2026-04-10", 300_000, "Europe/Berlin", "2026-03-29"],
    ["2026-11-10", 60_000, "America/New_York", "2026-11-01"],
    ["2026-10-20", 300_000, "Australia/Sydney", "2026-10-03"], // 02:00 on the 4th in Sydney
  ];
  for (const [end, step, zone, day] of cases) {
    const hint = clockHint(fleet(end, step, zone));
    assert.equal(hint?.zone, zone, `${zone} ${end}`);
    assert.equal(new Date(hint!.change).toISOString().slice(0, 10), day);
    assert.ok(hint!.ratio < 1 && hint!.better / hint!.read >= 0.75);
  }
});

Deno.test("clockHint says nothing for a rhythm on UTC's clock, a zone without changes, or too few series", () => {
  for (
    const [end, step, zone] of [["2026-03-20", 3_600_000], ["2026-04-10", 300_000], ["2026-11-10", 60_000], [
      "2026-10-20",
      300_000,
      "Asia/Tokyo",
    ]] as const
  ) {
    assert.equal(clockHint(fleet(end, step, zone)), undefined, `${zone ?? "UTC"} ${end}`);
  }
  // One series cannot tell a clock from chance.
  assert.equal(clockHint(fleet("2026-03-20", 3_600_000, "America/New_York").slice(0, 1)), undefined);
});

Deno.test("train records the hint when it was given no zone, and not when it was", () => {
  const series = fleet("2026-03-20", 3_600_000, "America/New_York");
  const utc = train(series);
  assert.equal(utc.clockHint?.zone, "America/New_York");
  assert.match(clockHintText(utc.clockHint!), /--timezone America\/New_York/);
  assert.equal(train(series, { timeZone: "America/New_York" }).clockHint, undefined);
});
