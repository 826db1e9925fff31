// Runs the built `pipespan` CLI for a benchmark and reads back what the run wrote (run.json, spans, own rusage).
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_DIR, PIPESPAN_BIN, REPO_ROOT } from "./helpers.ts";

export interface PipespanRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly runDir: string;
  readonly pid: number;
  /** pipespan's own peak RSS and CPU (from its exit hook). */
  readonly self?: { readonly maxRssBytes: number; readonly userUs: number; readonly systemUs: number };
  readonly wallMs: number;
}

export interface PipespanRunOptions {
  readonly out: string;
  readonly runId: string;
  readonly source?: "ebpf" | "procfs";
  readonly command: readonly string[];
  readonly extraArgs?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long (ms, default 900 000): a benchmark never hangs. */
  readonly timeoutMs?: number;
  /** Called once pipespan is running, with its pid. */
  readonly onSpawn?: (pid: number) => void;
}

/** `pipespan run --source ebpf --quiet --no-findings --no-report …`; resolves when it exits. */
export function pipespanRun(o: PipespanRunOptions): Promise<PipespanRun> {
  const rusageBase = join(o.out, `rusage-${o.runId}`);
  const args = [
    PIPESPAN_BIN,
    "run",
    "--source",
    o.source ?? "ebpf",
    "--quiet",
    "--no-findings",
    "--no-report",
    "--out",
    o.out,
    "--run-id",
    o.runId,
    ...(o.extraArgs ?? []),
    "--",
    ...o.command,
  ];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        NO_COLOR: "1",
        NODE_OPTIONS: `--import ${join(BENCH_DIR, "lib/maxrss-hook.mjs")}`,
        PIPESPAN_BENCH_RUSAGE: rusageBase,
        ...o.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    const pid = child.pid ?? 0;
    o.onSpawn?.(pid);
    const timer = setTimeout(() => {
      stderr += `\nbench: pipespan killed after ${o.timeoutMs ?? 900_000} ms`;
      child.kill("SIGKILL");
    }, o.timeoutMs ?? 900_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      const file = `${rusageBase}.${pid}`;
      const self = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
      resolve({
        code,
        stdout,
        stderr,
        runDir: join(o.out, o.runId),
        pid,
        ...(self ? { self } : {}),
        wallMs: Date.now() - started,
      });
    });
  });
}

export type AttrValue = string | number | boolean;

export interface BenchSpan {
  readonly name: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly attributes: Record<string, AttrValue>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}

function value(v: OtlpValue): AttrValue {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  return "";
}

/** Every span of a run folder's traces.jsonl. */
export function readSpans(runDir: string): BenchSpan[] {
  const out: BenchSpan[] = [];
  const text = readFileSync(join(runDir, "traces.jsonl"), "utf8");
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const req = JSON.parse(line);
    for (const rs of req.resourceSpans ?? [])
      for (const ss of rs.scopeSpans ?? [])
        for (const s of ss.spans ?? []) {
          const attributes: Record<string, AttrValue> = {};
          for (const a of s.attributes ?? []) attributes[a.key] = value(a.value ?? {});
          out.push({
            name: s.name,
            spanId: s.spanId,
            ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
            startNs: BigInt(s.startTimeUnixNano),
            endNs: BigInt(s.endTimeUnixNano),
            attributes,
          });
        }
  }
  return out;
}

export function readRunJson(runDir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(runDir, "run.json"), "utf8"));
}
