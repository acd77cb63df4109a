/**
 * A loopback stand-in for the two Grafana APIs the sources use, in front of a real graphite-web:
 *
 * - `/api/datasources/proxy/uid/<uid>/<path>`: forwarded to graphite-web unchanged (method, query, body; the
 *   caller's `Authorization` is not passed on), answered with graphite-web's status, content type and body.
 * - `POST /api/ds/query`: each query's `target` asked from graphite-web's render API (JSON), answered in Grafana's
 *   shape: `{results: {<refId>: {status, frames: [{schema: {name, refId, fields: [time, value]}, data: {values:
 *   [[ms…], [v|null…]]}}]}}}`, the value field named by `config.displayNameFromDS`; a query for an unknown uid or
 *   one graphite-web refuses gets `error` and `status` in its own result, and the HTTP status is then 400, as
 *   Grafana does (its multi-status feature flag would give 207).
 * - `POST /api/dashboards/db`: `{dashboard, overwrite?, folderUid?, message?}` saved by the dashboard's uid and kept
 *   in `dashboards`; answered as Grafana does, `{id, uid, url: "/d/<uid>/<slug>", status: "success", version,
 *   slug}`; `400 {"message": …}` without a dashboard object or its title, `412` for an existing uid without
 *   `overwrite: true`.
 *
 * Every request needs `Authorization: Bearer <token>`, otherwise `401 {"message":"Unauthorized"}`. `inject()`
 * makes the next requests fail (a status with an HTML page, or a delay: timed, or until the test says so) for fault
 * tests.
 *
 * @module
 */

/** A fault for the next matching requests. */
export interface Fault {
  /** How many requests it applies to. @default 1 */
  count?: number;
  /** Only requests whose decoded path and query contain this. @default "" (all) */
  path?: string;
  /** Answer with this status and an HTML error page instead of doing the work. @default undefined */
  status?: number;
  /** Wait this long before answering (after which the request is served normally unless `status` is set).
   * @default 0 */
  delayMs?: number;
  /** Answer 200 with a JSON body cut in half. @default false */
  malformed?: boolean;
  /** Hold the request until this settles (then go on as above): a delay set by the test's own order of events,
   * not by the clock, so that it holds whatever the machine's load. @default undefined */
  until?: Promise<unknown>;
}

/** A running stand-in. */
export interface GrafanaStandin {
  /** Base URL, `http://127.0.0.1:PORT`. */
  url: string;
  /** The Graphite datasource's uid. */
  uid: string;
  /** The token it accepts. */
  token: string;
  /** Requests received, by path (`/api/ds/query`, `/api/datasources/proxy/...`), for assertions. */
  requests: string[];
  /** Bodies of the `POST /api/dashboards/db` requests that were authorised, parsed, with their headers. */
  dashboards: { headers: Headers; body: Record<string, unknown> }[];
  /** Queues a fault. */
  inject(fault: Fault): void;
  /** Drops every pending fault. */
  clearFaults(): void;
  /** Stops the server. */
  stop(): Promise<void>;
}

/** Options for `startGrafanaStandin()`. */
export interface GrafanaStandinOptions {
  /** The datasource uid. @default "graphite-test" */
  uid?: string;
  /** The accepted token. @default a random UUID */
  token?: string;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

const errorPage = (status: number) =>
  new Response(`<html><body><h1>Error ${status}</h1><p>stand-in fault</p></body></html>`, {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
  });

interface Query {
  refId?: string;
  datasource?: { uid?: string; type?: string };
  target?: string;
  maxDataPoints?: number;
  intervalMs?: number;
}

async function dsQuery(graphiteUrl: string, uid: string, request: Request): Promise<Response> {
  let body: { from?: string; to?: string; queries?: Query[] };
  try {
    body = await request.json();
  } catch {
    return json({ message: "bad request data", messageId: "plugin.requestFailureError" }, 400);
  }
  const from = Math.floor(Number(body.from) / 1000);
  const until = Math.floor(Number(body.to) / 1000);
  const results: Record<string, unknown> = {};
  let anyError = false;
  await Promise.all((body.queries ?? []).map(async (q) => {
    const refId = q.refId ?? "A";
    if (q.datasource?.uid !== uid) {
      anyError = true;
      results[refId] = { status: 404, error: `data source not found: ${q.datasource?.uid}`, frames: [] };
      return;
    }
    const params = new URLSearchParams({
      target: q.target ?? "",
      from: String(from),
      until: String(until),
      format: "json",
    });
    if (q.maxDataPoints) params.set("maxDataPoints", String(q.maxDataPoints));
    let res: Response, text: string;
    try {
      res = await fetch(`${graphiteUrl}/render`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "accept-encoding": "identity" },
        body: params.toString(),
      });
      text = await res.text();
    } catch (error) {
      anyError = true;
      results[refId] = { status: 502, error: `request failed: ${(error as Error).message}`, frames: [] };
      return;
    }
    if (!res.ok) {
      anyError = true;
      results[refId] = {
        status: res.status,
        error: `request failed, status: ${res.status}`,
        errorSource: "downstream",
        frames: [],
      };
      return;
    }
    const data = JSON.parse(text) as { target: string; datapoints: [number | null, number][] }[];
    results[refId] = {
      status: 200,
      frames: data.map((s) => ({
        schema: {
          name: s.target,
          refId,
          fields: [
            {
              name: "time",
              type: "time",
              typeInfo: { frame: "time.Time" },
              config: { interval: q.intervalMs },
            },
            {
              name: "value",
              type: "number",
              typeInfo: { frame: "float64", nullable: true },
              labels: {},
              config: { displayNameFromDS: s.target },
            },
          ],
        },
        data: { values: [s.datapoints.map((p) => p[1] * 1000), s.datapoints.map((p) => p[0])] },
      })),
    };
  }));
  return json({ results }, anyError ? 400 : 200);
}

/**
 * Starts the stand-in on a random port of 127.0.0.1 in front of `graphiteUrl`.
 *
 * @param graphiteUrl graphite-web's base URL.
 * @param options See {@link GrafanaStandinOptions}.
 * @returns The running stand-in.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startGrafanaStandin } from "./grafana_standin.ts";
 * const grafana = startGrafanaStandin("http://127.0.0.1:9");
 * const res = await fetch(`${grafana.url}/api/ds/query`, { method: "POST", body: "{}" });
 * assert.equal(res.status, 401);
 * assert.deepEqual(await res.json(), { message: "Unauthorized" });
 * await grafana.stop();
 * ```
 */
export function startGrafanaStandin(
  graphiteUrl: string,
  options: GrafanaStandinOptions = {},
): GrafanaStandin {
  const { uid = "graphite-test", token = crypto.randomUUID() } = options;
  const faults: (Required<Omit<Fault, "until">> & Pick<Fault, "until">)[] = [];
  const requests: string[] = [];
  const dashboards: GrafanaStandin["dashboards"] = [];
  const versions = new Map<string, number>();
  const proxyPrefix = "/api/datasources/proxy/uid/";
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const url = new URL(request.url);
    requests.push(url.pathname);
    if (request.headers.get("authorization") !== `Bearer ${token}`) {
      await request.body?.cancel();
      return json({ message: "Unauthorized" }, 401);
    }
    const where = decodeURIComponent(url.pathname + url.search);
    const fi = faults.findIndex((f) => where.includes(f.path));
    if (fi >= 0) {
      const fault = faults[fi];
      if (--fault.count <= 0) faults.splice(fi, 1);
      if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault.until) await fault.until.catch(() => {});
      if (fault.status) {
        await request.body?.cancel();
        return errorPage(fault.status);
      }
      if (fault.malformed) {
        await request.body?.cancel();
        return new Response('[{"target": "statsd.x", "datapoints": [[1.0, 1700000000], [2.', {
          status: 200,
          headers: { "content-type": "application/json" },
        });
      }
    }
    if (url.pathname.startsWith(proxyPrefix)) {
      const rest = url.pathname.slice(proxyPrefix.length);
      const slash = rest.indexOf("/");
      const dsUid = slash < 0 ? rest : rest.slice(0, slash);
      if (dsUid !== uid) {
        await request.body?.cancel();
        return json({ message: "Data source not found" }, 404);
      }
      const headers = new Headers({
        "accept-encoding": request.headers.get("accept-encoding") ?? "identity",
      });
      const contentType = request.headers.get("content-type");
      if (contentType) headers.set("content-type", contentType);
      let upstream: Response;
      try {
        upstream = await fetch(`${graphiteUrl}${slash < 0 ? "/" : rest.slice(slash)}${url.search}`, {
          method: request.method,
          headers,
          body: request.method === "GET" || request.method === "HEAD"
            ? undefined
            : await request.arrayBuffer(),
        });
      } catch {
        return errorPage(502); // Grafana's proxy answers 502 Bad Gateway when the datasource is unreachable
      }
      return new Response(upstream.body, {
        status: upstream.status,
        headers: { "content-type": upstream.headers.get("content-type") ?? "application/octet-stream" },
      });
    }
    if (url.pathname === "/api/ds/query" && request.method === "POST") {
      return await dsQuery(graphiteUrl, uid, request);
    }
    if (url.pathname === "/api/dashboards/db" && request.method === "POST") {
      let body: Record<string, unknown>;
      try {
        body = await request.json();
      } catch {
        return json({ message: "bad request data" }, 400);
      }
      dashboards.push({ headers: request.headers, body });
      const dashboard = body.dashboard as { uid?: unknown; title?: unknown } | undefined;
      if (!dashboard || typeof dashboard !== "object") return json({ message: "Dashboard is required" }, 400);
      if (typeof dashboard.title !== "string" || !dashboard.title.trim()) {
        return json({ message: "Dashboard title cannot be empty" }, 400);
      }
      const dashUid = typeof dashboard.uid === "string" ? dashboard.uid : crypto.randomUUID().slice(0, 9);
      if (versions.has(dashUid) && body.overwrite !== true) {
        return json({ message: "A dashboard with the same uid already exists", status: "name-exists" }, 412);
      }
      const version = (versions.get(dashUid) ?? 0) + 1;
      versions.set(dashUid, version);
      const slug = dashboard.title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
      return json({ id: 1, uid: dashUid, url: `/d/${dashUid}/${slug}`, status: "success", version, slug });
    }
    await request.body?.cancel();
    return json({ message: "Not found" }, 404);
  });
  const addr = server.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${addr.port}`,
    uid,
    token,
    requests,
    dashboards,
    inject(fault: Fault) {
      faults.push({ count: 1, path: "", status: 0, delayMs: 0, malformed: false, ...fault });
    },
    clearFaults() {
      faults.length = 0;
    },
    async stop() {
      await server.shutdown();
    },
  };
}

// Standalone, in its own process as Grafana is (the live benchmark): `deno run --allow-net grafana_standin.ts
// GRAPHITE_URL [DELAY_MS]` prints {"url","uid","token"} as one line, then serves until killed or stdin closes;
// DELAY_MS > 0 makes every request wait that long first, as a Grafana across a network would.
if (import.meta.main) {
  const [graphiteUrl, delay = "0"] = Deno.args;
  const grafana = startGrafanaStandin(graphiteUrl);
  if (Number(delay) > 0) grafana.inject({ delayMs: Number(delay), count: Number.MAX_SAFE_INTEGER });
  console.log(JSON.stringify({ url: grafana.url, uid: grafana.uid, token: grafana.token }));
  for await (const _ of Deno.stdin.readable) { /* wait for stdin to close */ }
  await grafana.stop();
}
