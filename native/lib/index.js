// Loads the compiled addon (build/Release/pipespan_native.node) and re-exports the decoders.
import { requireAddon } from "./decode.js";

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
 * @property {() => bigint} countersReadAtNs CLOCK_BOOTTIME of the instant the last readCounters() describes (0n
 *   before the first): stamp the reading with it, not with a clock read after the call returns
 * @property {(fn: (() => void) | null) => void} onReadable calls fn once, from the event loop, when the ring buffer
 *   holds records (at once if it already does); null cancels. For a reader that sleeps instead of polling
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
 * @property {import("./decode.js").CLayout} layout the records' layout from the BPF object's BTF (decode.js decodes by it)
 */

/**
 * The compiled addon. Throws a clear error when it has not been built.
 * @returns {NativeBinding}
 */
export function loadNative() {
  return requireAddon();
}
