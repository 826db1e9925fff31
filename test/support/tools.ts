// Real multi-threaded Debian tools (pigz, zstd, samtools sort, fastp) traced by `pipespan run --source ebpf`,
// with and without a cgroup v1 blkio throttle and a memory limit, on generated input that is evicted from the
// page cache before each run (so the tool really reads the disk). One task per run, named after the tool.
//
//   const run = await runTool({ tool: "pigz", threads: 2, throttleBps: 4 * MiB });
//   run.task            // the task span (OTLP/JSON, normalized), with its timeline attributes
//   run.wallSeconds     // the task's wall time
//   run.dispose()       // removes the scratch folder and the run folder
//
// The tools must be installed (scripts/install-system.sh installs them); a missing one fails loudly.
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { type NormalizedSpan, readOtlpJsonTraces } from "@pipespan/findings";
import { ATTR_CICD_PIPELINE_TASK_NAME, ATTR_PIPESPAN_DISK_READ_BYTES, ATTR_PROCESS_PID } from "@pipespan/semconv";
import { type CliResult, runPipespan, scratchDir, tmpOutDir } from "./cli.ts";
import { cgroupLimits, deviceName, evictFromCache, type Throttle } from "./throttle.ts";

export const MiB = 1024 * 1024;

export type ToolName = "pigz" | "zstd" | "samtools-sort" | "fastp";

interface ToolSpec {
  /** The Debian package and the binary it provides. */
  readonly binary: string;
  readonly input: "fastq" | "bam";
  /**
   * Default input size (bytes of generated text): measured on the 2-core development VM so that a run takes
   * about 10–30 s unthrottled (CPU-bound) with 2 threads.
   */
  readonly defaultBytes: number;
  /** Default memory limit: room for the tool's own memory, little for the page cache (default 256 MiB). */
  readonly memoryBytes?: number;
  /** The command line, reading `input` and writing into `work`. */
  argv(threads: number, input: string, work: string): string[];
}

const TOOLS: Record<ToolName, ToolSpec> = {
  // deflate -6: ~9 MB/s per core here
  pigz: {
    binary: "pigz",
    input: "fastq",
    defaultBytes: 160 * MiB,
    argv: (n, input, work) => ["sh", "-c", `exec pigz -p ${n} -6 -c '${input}' > '${work}/out.gz'`],
  },
  // zstd -11: ~9 MB/s per core here (-3 is 20× faster: too fast to show anything)
  zstd: {
    binary: "zstd",
    input: "fastq",
    defaultBytes: 160 * MiB,
    argv: (n, input, work) => ["zstd", "-q", "-f", `-T${n}`, "-11", input, "-o", `${work}/out.zst`],
  },
  // sort with little memory per thread: temporary files, then a merge (185 MB of BAM: ~14 s here)
  "samtools-sort": {
    binary: "samtools",
    input: "bam",
    defaultBytes: 400 * MiB,
    argv: (n, input, work) => [
      "samtools",
      "sort",
      "-@",
      String(n),
      "-m",
      "32M",
      "-T",
      `${work}/sort-tmp`,
      "-o",
      `${work}/sorted.bam`,
      input,
    ],
  },
  // adapter/quality trimming with gzip output at level 9 (~5.5 MB/s per 2 threads here)
  fastp: {
    binary: "fastp",
    input: "fastq",
    defaultBytes: 96 * MiB,
    memoryBytes: 2048 * MiB, // fastp holds ~1.3 GB of read buffers with 2 threads (peak RSS measured)
    argv: (n, input, work) => [
      "fastp",
      "-w",
      String(n),
      "-z",
      "9",
      "-i",
      input,
      "-o",
      `${work}/out.fq.gz`,
      "-j",
      `${work}/fastp.json`,
      "-h",
      `${work}/fastp.html`,
    ],
  },
};

/** The tool's binary on PATH, or an error naming the package to install. */
export function requireTool(tool: ToolName): string {
  const bin = TOOLS[tool].binary;
  const r = spawnSync("sh", ["-c", `command -v ${bin}`], { encoding: "utf8" });
  const path = r.stdout.trim();
  if (r.status !== 0 || path === "")
    throw new Error(`${bin} is not installed: run scripts/install-system.sh (Debian package ${bin})`);
  return path;
}

/** xorshift32: the same input every time, with the entropy of real reads (random bases, skewed qualities). */
function generator(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

const BASES = Buffer.from("ACGT");
const QUALS = Buffer.from("#+5:?@ABCDEFGHIIIII");

/** Writes 150 random bases and a tab/newline-terminated quality string into buf at o; returns the new offset. */
function writeRead(buf: Buffer, o: number, next: () => number, sep: number): number {
  for (let i = 0; i < 150; i += 16) {
    let r = next();
    for (let k = 0; k < 16 && i + k < 150; k++) {
      buf[o++] = BASES[r & 3]!;
      r >>>= 2;
    }
  }
  buf[o++] = sep;
  if (sep === 10) {
    buf[o++] = 43; // "+"
    buf[o++] = 10;
  }
  for (let i = 0; i < 150; i += 6) {
    let r = next();
    for (let k = 0; k < 6 && i + k < 150; k++) {
      buf[o++] = QUALS[(r & 31) % QUALS.length]!;
      r >>>= 5;
    }
  }
  buf[o++] = 10;
  return o;
}

/** FASTQ (150 bp reads) or SAM (the same reads at random positions on 4 contigs) of about `bytes`. */
function writeReads(path: string, bytes: number, format: "fastq" | "sam"): void {
  const next = generator(format === "sam" ? 0x2545f491 : 0x9e3779b9);
  const fd = openSync(path, "w");
  try {
    let written = 0;
    if (format === "sam") {
      let header = "@HD\tVN:1.6\tSO:unsorted\n";
      for (let c = 1; c <= 4; c++) header += `@SQ\tSN:chr${c}\tLN:50000000\n`;
      written += writeSync(fd, header);
    }
    const buf = Buffer.alloc(MiB);
    let n = 0;
    while (written < bytes) {
      let o = 0;
      while (o < buf.length - 600) {
        if (format === "fastq") {
          o += buf.write(`@r${n++} 1:N:0\n`, o, "latin1");
          o = writeRead(buf, o, next, 10);
        } else {
          const chr = 1 + (next() & 3);
          const pos = 1 + (next() % 49_999_000);
          o += buf.write(`r${n++}\t0\tchr${chr}\t${pos}\t60\t150M\t*\t0\t0\t`, o, "latin1");
          o = writeRead(buf, o, next, 9);
        }
      }
      written += writeSync(fd, buf, 0, o);
    }
  } finally {
    closeSync(fd);
  }
}

/** Generates the tool's input in `dir` (FASTQ, or a BAM made by samtools from SAM) and evicts it from the cache. */
export function prepareInput(tool: ToolName, bytes: number, dir: string): string {
  const spec = TOOLS[tool];
  let path: string;
  if (spec.input === "fastq") {
    path = join(dir, "in.fq");
    writeReads(path, bytes, "fastq");
  } else {
    requireTool("samtools-sort");
    const sam = join(dir, "in.sam");
    writeReads(sam, bytes, "sam");
    path = join(dir, "in.bam");
    execFileSync("samtools", ["view", "-@", "2", "-b", "-o", path, sam]);
    rmSync(sam);
  }
  evictFromCache(path);
  return path;
}

export interface ToolRunOptions {
  readonly tool: ToolName;
  readonly threads: number;
  /** Generated input size (bytes of FASTQ/SAM text); default: the tool's ~10–30 s size. */
  readonly inputBytes?: number;
  /** blkio throttle on the scratch folder's disk, read and write, bytes per second; none by default. */
  readonly throttleBps?: number;
  /** Memory cgroup limit for the tool (page cache included); default 256 MiB (fastp: 2 GiB), 0 for none. */
  readonly memoryLimitBytes?: number;
  /** cpu.shares of a cpu group for the tool (shields it from other work on a shared machine); none by default. */
  readonly cpuShares?: number;
  /** More `pipespan run` options (e.g. ["--instance", "m6i.large"]); --no-findings unless given "--findings". */
  readonly pipespanArgs?: readonly string[];
  /** Where the input and output go (a real disk, not tmpfs); default a fresh scratch folder. */
  readonly workDir?: string;
  readonly timeoutMs?: number;
}

export interface ToolRun {
  readonly tool: ToolName;
  readonly threads: number;
  readonly throttled: boolean;
  readonly inputBytes: number;
  readonly runDir: string;
  readonly spans: NormalizedSpan[];
  /** The tool's task span (named after the tool). */
  readonly task: NormalizedSpan;
  /** The run span. */
  readonly run: NormalizedSpan;
  /** The tool's process spans. */
  readonly processes: NormalizedSpan[];
  /** Wall time of the task span, seconds. */
  readonly wallSeconds: number;
  /** The throttled disk's kernel name (e.g. "vda"). */
  readonly device: string;
  readonly pipespan: CliResult;
  /** Removes the scratch folder and the run folder. */
  dispose(): void;
}

let runs = 0;

/** Runs one tool under `pipespan run --source ebpf` and reads its spans back. */
export async function runTool(o: ToolRunOptions): Promise<ToolRun> {
  requireTool(o.tool);
  const spec = TOOLS[o.tool];
  const work = o.workDir ?? scratchDir(`pipespan-${o.tool}-`);
  const out = tmpOutDir();
  const bytes = o.inputBytes ?? spec.defaultBytes;
  const input = prepareInput(o.tool, bytes, work);
  const memory = o.memoryLimitBytes ?? spec.memoryBytes ?? 256 * MiB;
  let limits: Throttle | undefined;
  try {
    limits = cgroupLimits(work, {
      ...(o.throttleBps !== undefined ? { readBps: o.throttleBps, writeBps: o.throttleBps } : {}),
      ...(memory > 0 ? { memoryBytes: memory } : {}),
      ...(o.cpuShares !== undefined ? { cpuShares: o.cpuShares } : {}),
    });
    const argv = spec.argv(o.threads, input, work);
    const quoted = argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
    const runId = `${o.tool}-${o.threads}-${o.throttleBps !== undefined ? "throttled" : "free"}-${process.pid}-${runs++}`;
    const extra = o.pipespanArgs ?? [];
    const findings = extra.includes("--findings") ? [] : ["--no-findings"];
    // On timeout, pipespan is asked to stop first (it stops the tool and anything the tool left running); the
    // hard kill comes 15 s later. A bare SIGKILL would orphan a throttled tool.
    const timeoutMs = o.timeoutMs ?? 180_000;
    let timer: NodeJS.Timeout | undefined;
    const r = await runPipespan(
      [
        "run",
        "--source",
        "ebpf",
        "--run-id",
        runId,
        "--out",
        out,
        ...findings,
        ...extra.filter((a) => a !== "--findings"),
        "--",
        "bash",
        "-c",
        `${limits.join} PIPESPAN_TASK_NAME=${o.tool} exec ${quoted}`,
      ],
      {
        timeoutMs: timeoutMs + 15_000,
        onSpawn: (pid) => {
          timer = setTimeout(() => {
            try {
              process.kill(pid, "SIGTERM");
            } catch {
              /* gone */
            }
          }, timeoutMs);
        },
      },
    );
    clearTimeout(timer);
    if (r.code !== 0) {
      const why = r.code === 143 || r.signal ? `stopped after ${timeoutMs / 1000} s` : `exit ${r.code}`;
      throw new Error(`pipespan run of ${o.tool} failed (${why}): ${r.stderr}`);
    }
    const runDir = join(out, runId);
    const { spans } = await readOtlpJsonTraces(runDir);
    const isProcess = (s: NormalizedSpan) => s.attributes[ATTR_PROCESS_PID] !== undefined;
    const task = spans.find(
      (s) => !isProcess(s) && s.parentSpanId && s.attributes[ATTR_CICD_PIPELINE_TASK_NAME] === o.tool,
    );
    const run = spans.find((s) => !s.parentSpanId);
    if (!task || !run) throw new Error(`no ${o.tool} task span or no run span in ${runDir}`);
    const device = deviceName(limits.device);
    return {
      tool: o.tool,
      threads: o.threads,
      throttled: o.throttleBps !== undefined,
      inputBytes: existsSync(input) ? statSync(input).size : bytes,
      runDir,
      spans,
      task,
      run,
      processes: spans.filter((s) => isProcess(s) && s.attributes[ATTR_CICD_PIPELINE_TASK_NAME] === o.tool),
      wallSeconds: task.durationNs / 1e9,
      device,
      pipespan: r,
      dispose() {
        if (o.workDir === undefined) rmSync(work, { recursive: true, force: true });
        rmSync(out, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (o.workDir === undefined) rmSync(work, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
    throw err;
  } finally {
    limits?.remove();
  }
}

/**
 * A throttle rate that makes reading what the unthrottled run read from storage (its task I/O accounting: the
 * input, and temporary files a sort reads back) take `slowdown` times that run's wall time, so the throttle, not
 * the CPU, decides the runtime.
 */
export function throttleRateFor(free: ToolRun, slowdown = 2.5): number {
  const read = Number(free.task.attributes[ATTR_PIPESPAN_DISK_READ_BYTES] ?? 0);
  const bytes = Math.max(read, free.inputBytes);
  return Math.max(256 * 1024, Math.floor(bytes / (slowdown * free.wallSeconds)));
}

/** A numeric array attribute of a span (timeline arrays), [] when absent. */
export function series(span: NormalizedSpan, attr: string): number[] {
  const v = span.attributes[attr];
  return Array.isArray(v) ? v.map(Number) : [];
}

/** One line of figures for a run, for the test's output. */
export function describeRun(r: ToolRun, extra = ""): string {
  return (
    `${r.tool} -${r.tool === "zstd" ? "T" : r.tool === "pigz" ? "p" : "@"} ${r.threads} ` +
    `${r.throttled ? "throttled" : "unthrottled"}: ${(r.inputBytes / MiB).toFixed(0)} MiB in ${r.wallSeconds.toFixed(1)} s` +
    (extra ? `; ${extra}` : "")
  );
}
