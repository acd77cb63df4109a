/**
 * Grafana's base URL as a `URL` ending in `/` (so relative paths resolve under a sub-path). Private to
 * `lib/dashboard/`.
 *
 * @module
 */

/**
 * Parses Grafana's base URL; an error that names the action otherwise.
 *
 * @param grafanaUrl The configured URL.
 * @param action What needs it, for the message, e.g. `build the dashboard link`.
 * @param shown How the URL is shown in the message (credentials scrubbed where it may hold them).
 * @returns The URL, ending in `/`.
 * @throws {TypeError} When it is not an http(s) URL.
 */
export function grafanaBase(
  grafanaUrl: string,
  action: string,
  shown: (url: string) => string = (u) => u,
): URL {
  let base: URL | undefined;
  try {
    base = new URL(grafanaUrl.endsWith("/") ? grafanaUrl : grafanaUrl + "/");
  } catch {
    // reported below
  }
  if (!base || (base.protocol !== "http:" && base.protocol !== "https:")) {
    throw new TypeError(
      `Cannot ${action}: the Grafana URL must be an http(s) URL, current value is "${shown(grafanaUrl)}"`,
    );
  }
  return base;
}
