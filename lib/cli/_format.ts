/** Formats rows as an aligned plain-text table (numbers right-aligned). */
export function formatTable(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((r) => r.map((c) => typeof c === "number" ? formatNumber(c) : c));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === "number"));
  const line = (r: string[]) =>
    r.map((c, i) => numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

/** A number in at most 4 significant digits, `-` for NaN. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "-";
  if (Number.isInteger(v) && Math.abs(v) < 1e7) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e7)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** An epoch-ms time as `YYYY-MM-DD HH:MM` UTC. */
export function formatTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 16).replace("T", " ") : "-";
}

/** A step in ms as `60s`, `5m`, `1h`, `1d`. */
export function formatStep(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** Event metrics for a JSON file: the lists of false and missed events as their counts. */
export function counted<M extends { falseEvents: unknown[]; missed: unknown[] }>(metrics: M) {
  return { ...metrics, falseEvents: metrics.falseEvents.length, missed: metrics.missed.length };
}
