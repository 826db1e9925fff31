// Options and endings shared by `pipespan run` and `pipespan agent`: the kernel maps' sizes, and the last
// stretch of the remote export (one "exporting to … (Ctrl-C to skip)" line when it takes a while).
import type { KernelMapSizes, RunExport } from "@pipespan/agent";
import { Option } from "commander";
import { InvalidArgument, positiveInt } from "../errors.js";

/** --max-processes, --max-threads, --ring-buffer (the eBPF source's kernel maps). */
export function mapSizeOptions(): Option[] {
  return [
    new Option(
      "--max-processes <n>",
      "eBPF: processes followed at once (tracked set and counters map; default 16384)",
    ).argParser(positiveInt("--max-processes", 16, 4_194_304)),
    new Option("--max-threads <n>", "eBPF: threads with scheduler state at once (default 65536)").argParser(
      positiveInt("--max-threads", 64, 4_194_304),
    ),
    new Option("--ring-buffer <MiB>", "eBPF: lifecycle ring buffer in MiB, a power of two (default 4)").argParser(
      ringBufferMiB,
    ),
  ];
}

function ringBufferMiB(v: string): number {
  const n = positiveInt("--ring-buffer", 1, 1024)(v);
  if ((n & (n - 1)) !== 0) throw new InvalidArgument(`--ring-buffer must be a power of two (MiB), got ${n}`);
  return n;
}

export function mapSizes(o: { maxProcesses?: number; maxThreads?: number; ringBuffer?: number }): KernelMapSizes {
  return {
    ...(o.maxProcesses !== undefined ? { maxProcesses: o.maxProcesses } : {}),
    ...(o.maxThreads !== undefined ? { maxThreads: o.maxThreads } : {}),
    ...(o.ringBuffer !== undefined ? { ringBufferBytes: o.ringBuffer * 1024 * 1024 } : {}),
  };
}

/** Waits for the rest of the export (announced after a second, skipped by Ctrl-C); prints what was not sent. */
export async function finishRunExport(exp: RunExport | undefined, prefix = "pipespan"): Promise<void> {
  if (!exp) return;
  const err = process.stderr;
  const r = await exp.finish({ onLine: (line) => err.write(`${line.replace(/^pipespan/, prefix)}\n`) });
  for (const p of r.problems) err.write(`${p.replace(/^pipespan/, prefix)}\n`);
}
