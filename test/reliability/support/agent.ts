// Starting `pipespan agent` for a test (optionally under setpriv with a reduced set of capabilities) and talking
// to its loopback endpoint.
import { type ChildProcess, spawn } from "node:child_process";
import { PIPESPAN_BIN, REPO_ROOT } from "../../support/cli.js";

export interface RunningAgent {
  child: ChildProcess;
  /** http://127.0.0.1:<port> of /healthz and /metrics. */
  url: string;
  /** The agent's folder (agent-<time>). */
  dir: string;
  stderr: () => string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export interface StartAgentOptions {
  out: string;
  env?: NodeJS.ProcessEnv;
  args?: string[];
  /** Run under `setpriv` as nobody with exactly these capabilities (e.g. ["bpf", "perfmon"]). */
  caps?: string[];
}

export async function startAgent(o: StartAgentOptions): Promise<RunningAgent> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...o.env };
  for (const k of ["PIPESPAN_RUN_DIR", "TRACEPARENT", "PIPESPAN_RUN_ID", "PIPESPAN_TASK_NAME"]) delete env[k];
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  // --no-listen: the workflow-event receiver's fixed port is not what these tests are about.
  const args = [PIPESPAN_BIN, "agent", "--out", o.out, "--health", "127.0.0.1:0", "--no-listen", ...(o.args ?? [])];
  const child = o.caps
    ? spawn(
        "setpriv",
        [
          "--reuid=nobody",
          "--regid=nogroup",
          "--clear-groups",
          `--inh-caps=-all${o.caps.map((c) => `,+${c}`).join("")}`,
          `--ambient-caps=-all${o.caps.map((c) => `,+${c}`).join("")}`,
          `--bounding-set=-all${o.caps.map((c) => `,+${c}`).join("")}`,
          process.execPath,
          ...args,
        ],
        { cwd: "/tmp", env, stdio: ["ignore", "ignore", "pipe"] },
      )
    : spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr?.on("data", (d) => {
    err += d;
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((r) =>
    child.once("close", (code) => {
      exitCode = code;
      r(code);
    }),
  );
  const deadline = Date.now() + 30_000;
  while (!/following the host/.test(err) && exitCode === undefined && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = /health on (http:\/\/127\.0\.0\.1:\d+)\/healthz/.exec(err)?.[1] ?? "";
  const dir = /writing (\S+);/.exec(err)?.[1] ?? "";
  return {
    child,
    url,
    dir,
    stderr: () => err,
    async stop() {
      if (exitCode === undefined) child.kill("SIGTERM");
      return exited;
    },
  };
}

export async function health(url: string): Promise<Record<string, unknown> & { status: string }> {
  const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
  return (await res.json()) as Record<string, unknown> & { status: string };
}

export async function metricsText(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) });
  return res.text();
}

/** A fresh W3C traceparent, as the SDK or `pipespan task` would set for a task elsewhere. */
export function newTraceparent(): { traceparent: string; traceId: string; spanId: string } {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join("");
  const traceId = hex(32);
  const spanId = hex(16);
  return { traceparent: `00-${traceId}-${spanId}-01`, traceId, spanId };
}
