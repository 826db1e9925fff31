// The workflow-event receiver: Nextflow's weblog (`-with-weblog http://127.0.0.1:4390`) and the pipespan
// Snakemake logger plugin POST their events here. Served by `pipespan agent`, and by `pipespan run --listen`.
// Loopback by default. A good event is answered 200 at once (Snakemake and Nextflow wait for the answer); a
// bad one gets a 4xx with the reason, is counted, and changes nothing else.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { nodeHttp } from "../node-http.js";
import { parseWeblogEvent } from "./nextflow/weblog-schema.js";
import type { WeblogStore } from "./nextflow/weblog-store.js";
import { parseSnakemakeEvent } from "./snakemake/events.js";
import type { SnakemakeStore } from "./snakemake/store.js";

export interface ReceiverOptions {
  readonly host?: string;
  readonly port?: number;
  readonly weblog: WeblogStore;
  readonly snakemake: SnakemakeStore;
  /** Bodies larger than this are refused with 413 (default 8 MiB: a weblog `started` event is tens of KB). */
  readonly maxBodyBytes?: number;
  /** Called once per kind of refusal (further ones are counted). */
  readonly onWarning?: (line: string) => void;
}

export interface ReceiverStats {
  readonly accepted: number;
  readonly refused: number;
  readonly refusedByReason: Readonly<Record<string, number>>;
}

export const DEFAULT_RECEIVER_PORT = 4390;
const WEBLOG_PATHS = new Set(["/", "/nextflow", "/weblog"]);

/** Parses `host:port`, `:port`, `port` or `host` (default port) into a listen address; loopback by default. */
export function parseListenAddress(v: string | undefined | true): { host: string; port: number } {
  if (v === undefined || v === true || v === "") return { host: "127.0.0.1", port: DEFAULT_RECEIVER_PORT };
  const m = /^(?:\[([^\]]+)\]|([^:]*))?(?::(\d+))?$/.exec(v.trim());
  const bare = /^\d+$/.test(v.trim());
  const host = bare ? "127.0.0.1" : (m?.[1] ?? m?.[2] ?? "") || "127.0.0.1";
  const portText = bare ? v.trim() : m?.[3];
  const port = portText === undefined ? DEFAULT_RECEIVER_PORT : Number(portText);
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`not a listen address: ${v} (expected host:port, :port or port)`);
  return { host, port };
}

export class WorkflowReceiver {
  readonly #o: ReceiverOptions;
  #server: Server | undefined;
  #accepted = 0;
  #refused = 0;
  readonly #byReason = new Map<string, number>();

  constructor(o: ReceiverOptions) {
    this.#o = o;
  }

  stats(): ReceiverStats {
    return { accepted: this.#accepted, refused: this.#refused, refusedByReason: Object.fromEntries(this.#byReason) };
  }

  /** Starts listening; resolves with the base URL (`http://127.0.0.1:4390`). */
  async start(): Promise<{ url: string; host: string; port: number }> {
    const server = nodeHttp().createServer((req, res) => this.#handle(req, res));
    // A client that trickles its request must not hold a socket forever.
    server.requestTimeout = 15_000;
    server.headersTimeout = 10_000;
    server.keepAliveTimeout = 5_000;
    const host = this.#o.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.#o.port ?? DEFAULT_RECEIVER_PORT, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (e) => this.#o.onWarning?.(`workflow receiver: ${e.message}`));
    // The receiver serves while the process has work; it never keeps it alive on its own (an error path that
    // skips stop() cannot hang the command).
    server.unref();
    this.#server = server;
    const addr = server.address() as AddressInfo;
    const shown = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
    return { url: `http://${shown}:${addr.port}`, host: addr.address, port: addr.port };
  }

  async stop(): Promise<void> {
    const s = this.#server;
    if (!s) return;
    this.#server = undefined;
    s.closeIdleConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const kind = WEBLOG_PATHS.has(path) ? "weblog" : path === "/snakemake" ? "snakemake" : undefined;
    if (req.method === "GET" && (path === "/" || path === "/healthz")) {
      this.#answer(res, 200, { ok: true, receiver: "pipespan", accepts: ["/nextflow", "/snakemake"] });
      req.resume();
      return;
    }
    if (kind === undefined) {
      req.resume();
      this.#refuse(res, 404, `no such endpoint ${path.slice(0, 64)}: POST to /nextflow (weblog) or /snakemake`);
      return;
    }
    if (req.method !== "POST") {
      req.resume();
      this.#refuse(res, 405, `${req.method} is not accepted here: POST an event`);
      return;
    }
    const max = this.#o.maxBodyBytes ?? 8 * 1024 * 1024;
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > max) {
      req.resume();
      this.#refuse(res, 413, `event body of ${declared} bytes is over the ${max}-byte limit`);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > max) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on("error", () => {
      /* a client that went away: nothing to answer */
    });
    req.on("end", () => {
      if (over) {
        this.#refuse(res, 413, `event body over the ${max}-byte limit`);
        return;
      }
      this.#event(kind, Buffer.concat(chunks), res);
    });
  }

  #event(kind: "weblog" | "snakemake", body: Buffer, res: ServerResponse): void {
    let value: unknown;
    try {
      value = JSON.parse(body.toString("utf8"));
    } catch (e) {
      this.#refuse(res, 400, `the body is not JSON (${(e as Error).message.slice(0, 120)})`, kind);
      return;
    }
    if (kind === "weblog") {
      const r = parseWeblogEvent(value);
      if (!r.ok) {
        this.#refuse(res, 422, r.reason, kind);
        return;
      }
      this.#apply(() => this.#o.weblog.apply(r.event));
    } else {
      const r = parseSnakemakeEvent(value);
      if (!r.ok) {
        this.#refuse(res, 422, r.reason, kind);
        return;
      }
      this.#apply(() => this.#o.snakemake.apply(r.event));
    }
    this.#accepted++;
    this.#answer(res, 200, { ok: true });
  }

  #apply(f: () => void): void {
    try {
      f();
    } catch (e) {
      // A consumer's bug must not turn into a failed request for the workflow manager.
      this.#o.onWarning?.(`workflow receiver: an event could not be applied: ${(e as Error).message}`);
    }
  }

  #refuse(res: ServerResponse, status: number, why: string, kind?: string): void {
    // One line, bounded: the reason may quote the sender's input.
    const reason = why.replace(/\s+/g, " ").trim().slice(0, 300);
    this.#refused++;
    const key = `${status}`;
    const n = (this.#byReason.get(key) ?? 0) + 1;
    this.#byReason.set(key, n);
    if (n === 1)
      this.#o.onWarning?.(
        `workflow receiver: refused ${kind ? `a ${kind} event` : "a request"} (${status}): ${reason}`,
      );
    this.#answer(res, status, { error: reason });
  }

  #answer(res: ServerResponse, status: number, body: object): void {
    if (res.headersSent) return;
    const text = `${JSON.stringify(body)}\n`;
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  }
}
