/**
 * Graphite node names: what a node can hold.
 *
 * @module
 */

const UNSAFE = /[\s\p{Cc}/\\*?[\]{}(),;='"~^$|<>&]/gu;

/**
 * One Graphite node made safe: unsafe characters become `_`, dots too (a node holds no separator), and an
 * empty node is `_`.
 *
 * @param text The node's text.
 * @returns The node.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { graphiteNode } from "./graphite_node.ts";
 * assert.equal(graphiteNode("n200-primary-meraki-com"), "n200-primary-meraki-com");
 * assert.equal(graphiteNode("a b/c*d.e"), "a_b_c_d_e");
 * assert.equal(graphiteNode(""), "_");
 * ```
 */
export function graphiteNode(text: string): string {
  const s = text.replace(UNSAFE, "_").replaceAll(".", "_");
  return s === "" ? "_" : s;
}
