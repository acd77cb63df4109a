import type { FeedbackDecision, FeedbackLine, FeedbackUndo } from "./types.ts";

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === "object" && !Array.isArray(v);

/** Checks one parsed line; a message naming the file and line otherwise. */
function check(v: unknown, where: string): FeedbackLine {
  const fail = (detail: string, current: unknown): never => {
    throw new TypeError(
      `Cannot read feedback: ${where}: ${detail}, current value is ${JSON.stringify(current)}`,
    );
  };
  if (!isObject(v)) return fail("expected an object", v);
  if (typeof v.id !== "string" || !v.id) fail("id must be a non-empty string", v.id);
  if (typeof v.by !== "string") fail("by must be a string", v.by);
  if (typeof v.at !== "string" || Number.isNaN(Date.parse(v.at))) fail("at must be an ISO time", v.at);
  if ("undo" in v) {
    if (typeof v.undo !== "string" || !v.undo) fail("undo must be a decision id", v.undo);
    return v as unknown as FeedbackUndo;
  }
  if (v.decision !== "not_anomalous" && v.decision !== "anomalous") {
    fail('decision must be "not_anomalous" or "anomalous"', v.decision);
  }
  if (!Array.isArray(v.spans) || v.spans.length === 0) fail("spans must be a non-empty array", v.spans);
  (v.spans as unknown[]).forEach((s, k) => {
    if (
      !isObject(s) || typeof s.series !== "string" || !Number.isFinite(s.from) || !Number.isFinite(s.until)
    ) {
      fail(`spans[${k}] must be {series, from, until} (epoch ms)`, s);
    }
  });
  if (v.expires !== undefined && (typeof v.expires !== "string" || Number.isNaN(Date.parse(v.expires)))) {
    fail("expires must be an ISO time", v.expires);
  }
  return v as unknown as FeedbackDecision;
}

/**
 * Reads a feedback file (JSON lines, one decision or withdrawal per line; blank lines are skipped). A missing
 * file is no feedback.
 *
 * @param path The feedback file.
 * @returns Its lines, in order.
 * @throws {SyntaxError} On a line that is not JSON, naming the file and line.
 * @throws {TypeError} On a line of the wrong shape, naming the file, the line and the field.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readFeedback } from "./read_feedback.ts";
 * assert.deepEqual(await readFeedback("/nonexistent/feedback.jsonl"), []);
 * ```
 */
export async function readFeedback(path: string): Promise<FeedbackLine[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  const out: FeedbackLine[] = [];
  text.split("\n").forEach((line, k) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new SyntaxError(
        `Cannot read feedback: ${path} line ${k + 1} is not JSON, current value is ${
          JSON.stringify(line.slice(0, 60))
        }`,
      );
    }
    out.push(check(v, `${path} line ${k + 1}`));
  });
  return out;
}
