import { parseHTML } from "linkedom";

/**
 * A server-side DOM document (linkedom) for the charts, which are pure functions of a `document`: in a notebook
 * or a script there is no browser `document` to hand them.
 *
 * @returns An empty HTML document.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createDocument } from "./create_document.ts";
 * const document = createDocument();
 * assert.equal(document.createElement("p").outerHTML, "<p></p>");
 * ```
 */
export function createDocument(): Document {
  const { document } = parseHTML('<!DOCTYPE html><html lang="en"><head></head><body></body></html>');
  return document as unknown as Document;
}
