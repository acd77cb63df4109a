/**
 * Parses `HOST:PORT` (IPv6 in brackets).
 *
 * @param target The text.
 * @returns Host and port.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseHostPort } from "./parse_host_port.ts";
 * assert.deepEqual(parseHostPort("127.0.0.1:2003"), { hostname: "127.0.0.1", port: 2003 });
 * assert.throws(() => parseHostPort("carbon"), /HOST:PORT/);
 * ```
 */
export function parseHostPort(target: string): { hostname: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(target);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 1 && port <= 65535)) {
    throw new RangeError(
      `Cannot write back: carbon's plaintext receiver must be HOST:PORT (e.g. 127.0.0.1:2003), current value is "${target}"`,
    );
  }
  return { hostname: m[1] ?? m[2], port };
}
