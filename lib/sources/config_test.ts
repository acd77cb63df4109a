import assert from "node:assert/strict";
import { parseConfig } from "./config.ts";

Deno.test("quiet hours keep the config's time zone unless they name their own; an unknown one is refused", () => {
  const quiet = { start: "22:00", end: "07:00" };
  const metric = parseConfig({ timeZone: "America/New_York", alerts: { quietHours: quiet } }, "watch.json");
  assert.equal(metric.alerts.quietHours?.timeZone, "America/New_York");
  const own = parseConfig(
    { timeZone: "America/New_York", alerts: { quietHours: { ...quiet, timeZone: "Europe/Berlin" } } },
    "watch.json",
  );
  assert.equal(own.alerts.quietHours?.timeZone, "Europe/Berlin");
  assert.equal(
    parseConfig({ alerts: { quietHours: quiet } }, "watch.json").alerts.quietHours?.timeZone,
    undefined,
  );
  assert.throws(
    () => parseConfig({ alerts: { quietHours: { ...quiet, timeZone: "CEST" } } }, "watch.json"),
    /Cannot read config watch\.json: alerts\.quietHours\.timeZone: expected an IANA time zone/,
  );
});
