// Runs the OCB-built Collector (otelcol-pipespan) from a test: `validate`, `components`, or a short-lived
// instance of a shipped config on free loopback ports, stopped by the test.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../../support/cli.js";

const execFileP = promisify(execFile);

export const GATEWAY_CONFIG = join(REPO_ROOT, "collector-config/gateway.yaml");
/** local.yaml holds only what differs from gateway.yaml: the Collector runs the two, in this order. */
export const LOCAL_OVERLAY = join(REPO_ROOT, "collector-config/local.yaml");
export const LOCAL_CONFIGS: readonly string[] = [GATEWAY_CONFIG, LOCAL_OVERLAY];

/** `--config A --config B …` for one config file or an ordered set of them. */
export function configArgs(config: string | readonly string[]): string[] {
  return (typeof config === "string" ? [config] : config).flatMap((c) => ["--config", c]);
}

/** A free TCP port on 127.0.0.1 (bound, then released: the caller binds it again right away). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the Collector binary with `args` (e.g. validate --config X) and an environment of exactly `env`. */
export async function otelcol(bin: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await execFileP(bin, args, {
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: process.env["HOME"] ?? "/root", ...env },
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

export interface RunningCollector {
  /** host:port addresses this instance listens on. */
  otlpGrpc: string;
  health: string;
  prometheus: string;
  /** Folder of its file exporters (local.yaml) and its log. */
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts `config` on fresh loopback ports. Both shipped configs take their listen addresses from the
 * environment; `env` adds or overrides variables (backend endpoints, sampling knobs, API keys).
 */
export async function startCollector(
  bin: string,
  config: string | readonly string[],
  env: Record<string, string>,
): Promise<RunningCollector> {
  const dir = mkdtempSync(join(tmpdir(), "pipespan-otelcol-"));
  const [grpc, http, health, prom, telemetry, sink] = await Promise.all(Array.from({ length: 6 }, () => freePort()));
  const a = (p: number | undefined) => `127.0.0.1:${p}`;
  const files = typeof config === "string" ? [config] : config;
  // Both the gateway's and local.yaml's address variables: each file reads the ones it names (an overlay's
  // listeners replace the gateway's), so any combination of the shipped files listens only on these ports.
  const listen: Record<string, string> = {
    PIPESPAN_GATEWAY_OTLP_GRPC_ENDPOINT: a(grpc),
    PIPESPAN_GATEWAY_OTLP_HTTP_ENDPOINT: a(http),
    PIPESPAN_GATEWAY_HEALTH_ENDPOINT: a(health),
    PIPESPAN_GATEWAY_PROMETHEUS_ENDPOINT: a(prom),
    PIPESPAN_GATEWAY_TELEMETRY_PORT: String(telemetry),
    PIPESPAN_LOCAL_OTLP_GRPC_ENDPOINT: a(grpc),
    PIPESPAN_LOCAL_OTLP_HTTP_ENDPOINT: a(http),
    PIPESPAN_LOCAL_HEALTH_ENDPOINT: a(health),
    PIPESPAN_LOCAL_PROMETHEUS_ENDPOINT: a(prom),
    PIPESPAN_LOCAL_TELEMETRY_PORT: String(telemetry),
    PIPESPAN_LOCAL_HONEYCOMB_SINK_ENDPOINT: a(sink),
    PIPESPAN_LOCAL_FILE_DIR: dir,
  };
  const logPath = join(dir, "collector.log");
  const logStream = createWriteStream(logPath);
  const child: ChildProcess = spawn(bin, configArgs(config), {
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: process.env["HOME"] ?? "/root", ...listen, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(logStream);
  child.stderr?.pipe(logStream);
  let exited: number | null | undefined;
  child.on("exit", (code) => {
    exited = code;
  });
  const log = () => {
    try {
      return readFileSync(logPath, "utf8");
    } catch {
      return "";
    }
  };
  const stop = async () => {
    if (exited !== undefined) return;
    const done = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await done;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited !== undefined)
      throw new Error(`Collector ${files.join(" + ")} exited (${exited}) during startup:\n${log()}`);
    try {
      const res = await fetch(`http://${a(health)}/`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Collector ${files.join(" + ")} not healthy within 30 s:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { otlpGrpc: a(grpc), health: a(health), prometheus: a(prom), dir, log, stop };
}
