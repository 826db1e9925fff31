// Loads the compiled addon (build/Release/pipespan_native.node) and re-exports the decoders.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export * from "./decode.js";

/**
 * @typedef {object} OpenOptions
 * @property {boolean} [hostWide] count every user process (default false: only tracked ones and their children)
 * @property {number} [ringBufferBytes] lifecycle ring buffer size, a power of two (default 4 MiB)
 * @property {number} [maxProcesses] capacity of the tracked set and of the counters map (default 16384)
 * @property {number} [maxThreads] capacity of the per-thread scheduler state (default 65536)
 * @property {boolean} [cpu] attach sched_switch/sched_wakeup(_new) (default true)
 * @property {boolean} [blockIo] attach block_bio_queue/block_rq_issue/block_rq_complete (default true)
 * @property {boolean} [network] attach sock_send_length/sock_recv_length (default true)
 */

/**
 * @typedef {object} KernelProbe
 * @property {(tgid: number) => void} addTrackedPid follow this process and, from now on, every child it forks
 * @property {(tgid: number) => void} removeTrackedPid stop following it (its counters are dropped)
 * @property {(on: boolean) => void} setHostWide
 * @property {() => boolean} hostWide
 * @property {(maxEvents?: number) => Buffer} pollEvents packed ring-buffer records (decodeEvents)
 * @property {(options?: { inflight?: boolean, exitGraceMs?: number }) => Buffer} readCounters packed pp_counters
 *   (decodeCounters); a process's final record (exited) is returned once, exitGraceMs (default 250) after its
 *   group exit, then removed
 * @property {() => Buffer} readBlockLatency packed pp_blk_record (decodeBlockLatency), cumulative
 * @property {() => number} lostEvents ring-buffer records dropped since open
 * @property {() => Record<string, number>} stats every drop/health counter
 * @property {() => { name: string, tracepoint: string, group: string, attached: boolean, reason?: string }[]} programs
 * @property {() => void} close detach and free everything (idempotent)
 */

/**
 * @typedef {object} NativeBinding
 * @property {(options?: OpenOptions) => KernelProbe} open load and attach the BPF programs (root or CAP_BPF+CAP_PERFMON)
 * @property {() => bigint} clockBoottimeNs CLOCK_BOOTTIME now: the clock of every kernel timestamp
 * @property {Record<string, { size: number, fields: Record<string, number> }> & { constants: Record<string, number> }} layout
 */

const root = fileURLToPath(new URL("..", import.meta.url));
const candidates = ["build/Release/pipespan_native.node", "build/Debug/pipespan_native.node"];

/**
 * The compiled addon. Throws a clear error when it has not been built.
 * @returns {NativeBinding}
 */
export function loadNative() {
  const require = createRequire(import.meta.url);
  for (const rel of candidates) {
    const path = `${root}${rel}`;
    if (existsSync(path)) return require(path);
  }
  throw new Error(
    `pipespan native addon is not built (looked for ${candidates.join(", ")} under ${root}): ` +
      "run `cd native && npm install && npx node-gyp rebuild` (needs clang, bpftool, libbpf-dev, libelf-dev, zlib1g-dev)",
  );
}
