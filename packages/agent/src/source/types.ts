// The contract between an event source (the kernel's eBPF programs, or the procfs sampler) and the rest of the agent.
// A source only observes: it reports process lifecycle and cumulative counters; it never decides tasks or spans.

/** Identity of a process: pid plus start time, so pid reuse cannot merge two processes. */
export interface ProcessKey {
  readonly pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22). */
  readonly startTicks: number;
}

/** `${pid}@${startTicks}` — the string form used as a map key. */
export type ProcessId = string;

export function processId(key: ProcessKey): ProcessId {
  return `${key.pid}@${key.startTicks}`;
}

/**
 * Cumulative totals of one process (its whole thread group) since it started. Every field is optional: a source
 * fills what it can measure and leaves the rest undefined (undefined = not measured, never 0).
 * Times are nanoseconds, sizes bytes.
 */
export interface ProcessCounters {
  /** On-CPU total, for sources that cannot split user from system time (eBPF: the kernel's sum_exec_runtime). */
  cpuTotalNs?: number;
  cpuUserNs?: number;
  cpuSystemNs?: number;
  /** CPU of reaped descendants (cutime + cstime), used to account for children a sampler never saw. */
  childrenCpuNs?: number;
  /** Off the CPU in io_schedule() (D state with in_iowait: storage, page-in, writeback throttling). */
  offCpuIoWaitNs?: number;
  /** Off the CPU in other D state (kernel locks, other uninterruptible waits). */
  offCpuBlockedNs?: number;
  offCpuSleepNs?: number;
  runqueueDelayNs?: number;
  /** Task I/O accounting: storage bytes caused (read_bytes / write_bytes / cancelled_write_bytes). */
  diskReadBytes?: number;
  diskWriteBytes?: number;
  diskCancelledWriteBytes?: number;
  /** Task I/O accounting: bytes through read/write syscalls (rchar / wchar). */
  fileReadBytes?: number;
  fileWriteBytes?: number;
  blockReadBytes?: number;
  blockWriteBytes?: number;
  blockReadOps?: number;
  blockWriteOps?: number;
  /** The block device of the process's latest I/O: its name (e.g. "nvme1n1") or "major:minor". */
  blockDevice?: string;
  netTxBytes?: number;
  netRxBytes?: number;
  peakRssBytes?: number;
  majorFaults?: number;
  minorFaults?: number;
  voluntaryCtxSwitches?: number;
  involuntaryCtxSwitches?: number;
}

/** The numeric fields of ProcessCounters (all but the device name). */
export type NumericCounter = {
  [K in keyof ProcessCounters]-?: ProcessCounters[K] extends number | undefined ? K : never;
}[keyof ProcessCounters];

/** Only the environment keys pipespan owns (see conventions/env-protocol.yaml); never the whole environment. */
export type OwnEnv = Readonly<Record<string, string>>;

export interface ProcessStartEvent {
  readonly type: "start";
  readonly key: ProcessKey;
  readonly ppid: number;
  /** Parent's identity when the source knows it (it always should for processes it tracks). */
  readonly parentKey?: ProcessKey;
  /** Wall-clock start time, ns since the Unix epoch. */
  readonly startTimeNs: number;
  /** Short name (comm), at most 15 chars. */
  readonly comm: string;
  /** Executable path, when readable. */
  readonly exe?: string;
  /** argv, bounded by the source (count and length), unredacted: redaction happens before export. */
  readonly argv: readonly string[];
  readonly cwd?: string;
  readonly env: OwnEnv;
  /**
   * Reported at its fork, before it exec'd: its image (comm, exe, argv) is its parent's — or, when the source
   * read it from /proc in the middle of the parent's spawn, not dependable. Its first exec replaces it.
   */
  readonly atFork?: boolean;
}

/** A process replaced its image (execve) after it was first reported. */
export interface ProcessExecEvent {
  readonly type: "exec";
  readonly key: ProcessKey;
  /** Parent pid, where the source knows it. */
  readonly ppid?: number;
  readonly timeNs: number;
  readonly comm: string;
  readonly exe?: string;
  readonly argv: readonly string[];
  readonly cwd?: string;
  readonly env: OwnEnv;
}

export interface ProcessCountersEvent {
  readonly type: "counters";
  readonly key: ProcessKey;
  readonly timeNs: number;
  readonly counters: ProcessCounters;
  /** Threads of the process on a CPU, runnable or in D state at this reading (sources that know it). */
  readonly activeThreads?: number;
}

export interface ProcessExitEvent {
  readonly type: "exit";
  readonly key: ProcessKey;
  /** Wall-clock exit time (or the time the source noticed it was gone), ns since the Unix epoch. */
  readonly timeNs: number;
  /** Exit status when the process exited normally. */
  readonly exitCode?: number;
  /** Signal number when it was killed by a signal. */
  readonly signal?: number;
  readonly oomKilled?: boolean;
  /** True when these are the final counters taken at exit; false when they are the last sample before it vanished. */
  readonly observedExit: boolean;
  readonly counters: ProcessCounters;
}

/** Events the source could not deliver (ring-buffer drops, processes that came and went unseen). */
export interface LostEvent {
  readonly type: "lost";
  readonly count: number;
  readonly reason: string;
}

/** One block device of the host: requests it completed since observation began (host-wide, cumulative). */
export interface DeviceCounters {
  /** Kernel name (e.g. "vda", "nvme1n1"), or "major:minor". */
  readonly name: string;
  readonly readBytes: number;
  readonly writeBytes: number;
  readonly readOps: number;
  readonly writeOps: number;
  /** Time with at least one request in flight (the kernel's io_ticks), where known. */
  readonly busyNs?: number;
  /** Device service time (issue -> completion) summed over the read / write requests completed (kernel source). */
  readonly readServiceNs?: number;
  readonly writeServiceNs?: number;
}

/** A reading of the host's block devices, taken with each counters reading (kernel source). */
export interface DevicesEvent {
  readonly type: "devices";
  readonly timeNs: number;
  readonly devices: readonly DeviceCounters[];
}

export type SourceEvent =
  | ProcessStartEvent
  | ProcessExecEvent
  | ProcessCountersEvent
  | ProcessExitEvent
  | LostEvent
  | DevicesEvent;

export type SourceName = "procfs" | "ebpf";

export interface SourceSink {
  onEvent(event: SourceEvent): void;
}

/**
 * An event source. `pipespan run` uses it in tree mode: `start` with the root pid of the run, and the source
 * reports that process and all its descendants. Events for one process arrive in order start → (exec |
 * counters)* → exit; a child's start arrives after its parent's start.
 */
export interface Source {
  readonly name: SourceName;
  /**
   * True when a process's I/O counters include those of its reaped children (procfs: the kernel adds a reaped
   * child's I/O accounting to its parent's, and /proc/<pid>/io shows the sum). The span builder then subtracts
   * the children it saw, so totals are not counted twice.
   */
  readonly ioIncludesReapedChildren?: boolean;
  /**
   * Set when every counters reading includes the states still open at that moment (a thread on a CPU, blocked
   * or sleeping right now), so that the growth between two readings is the time spent in each state between
   * them: per-interval timelines can be built from the readings. The value is the reading interval (ns).
   */
  readonly timelineIntervalNs?: number;
  /** Begin observing the process tree rooted at rootPid. Resolves once observation is live. */
  start(rootPid: number, sink: SourceSink): Promise<void>;
  /**
   * Stop after the root has exited: take a final reading, emit exit events for everything still known, and
   * resolve when no more events will be delivered.
   */
  stop(): Promise<void>;
}
