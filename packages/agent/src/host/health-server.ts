// The host agent's loopback endpoint: GET /healthz (a JSON report; 200 while the agent works, 503 once it stops)
// and GET /metrics (its own metrics in the Prometheus text format, the same instruments it exports over OTLP).
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { nodeHttp } from "../node-http.js";
import { UserError } from "../run/errors.js";

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export const DEFAULT_HEALTH_ADDRESS: ListenAddress = { host: "127.0.0.1", port: 4391 };

/** "127.0.0.1:4391", ":4391", "4391" → an address; throws a UserError (exit 2) for anything else. */
export function parseHealthAddress(text: string, flag = "--health"): ListenAddress {
  const m = /^(?:(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)?:)?(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || !(port >= 0 && port <= 65535)) {
    throw new UserError(`${flag} must be host:port or a port (e.g. 127.0.0.1:4391), got ${JSON.stringify(text)}`);
  }
  const host = (m[1] ?? "127.0.0.1").replace(/^\[|\]$/g, "");
  return { host, port };
}

export interface HealthServer {
  readonly url: string;
  /** From now on /healthz answers 503 (the agent is stopping). */
  stopping(): void;
  close(): Promise<void>;
}

export async function startHealthServer(o: {
  address: ListenAddress;
  report: () => Record<string, unknown> & { status: string };
  metrics?: PrometheusExporter;
}): Promise<HealthServer> {
  let stopping = false;
  const server: Server = nodeHttp().createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/healthz" || path === "/") {
      let body: Record<string, unknown>;
      try {
        body = o.report();
      } catch (err) {
        body = { status: "error", error: (err as Error).message };
      }
      if (stopping) body = { ...body, status: "stopping" };
      const ok = !stopping && body.status !== "error";
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" }).end(`${JSON.stringify(body)}\n`);
      return;
    }
    if (path === "/metrics" && o.metrics) {
      o.metrics.getMetricsRequestHandler(req, res);
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found: try /healthz or /metrics\n");
  });
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const why =
        err.code === "EADDRINUSE"
          ? "the address is in use (another agent?)"
          : err.code === "EACCES"
            ? "permission denied"
            : err.code === "EADDRNOTAVAIL"
              ? "no such local address"
              : err.message;
      reject(
        new UserError(
          `cannot serve /healthz on ${o.address.host}:${o.address.port}: ${why}; pick another with --health <host:port>, or --health off`,
        ),
      );
    };
    server.once("error", onError);
    server.listen(o.address.port, o.address.host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  server.unref();
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : o.address.port;
  const host = o.address.host.includes(":") ? `[${o.address.host}]` : o.address.host;
  return {
    url: `http://${host}:${port}`,
    stopping() {
      stopping = true;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
