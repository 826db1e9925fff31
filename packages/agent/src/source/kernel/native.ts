// The shape of @pipespan/native (plain JS with JSDoc types) as the kernel source uses it, and its loading.
// Loading is lazy: a machine without the addon never touches it.

export interface NativeForkEvent {
  kind: "fork";
  tgid: number;
  startBoottimeNs: bigint;
  tsNs: bigint;
  ppid: number;
  parentPid: number;
  parentStartBoottimeNs: bigint;
}
export interface NativeExecEvent {
  kind: "exec";
  tgid: number;
  startBoottimeNs: bigint;
  tsNs: bigint;
  ppid: number;
  comm: string;
  filename: string;
  args: string[];
  /** The argv block was longer than the kernel side keeps (its last element is cut). */
  argsTruncated?: boolean;
  /** The environment entries the kernel side kept at exec (ENV_KEPT_PREFIX / ENV_KEPT_KEYS); absent from older addons. */
  env?: Record<string, string>;
  /** The environment was longer than the kernel scans, or the kept entries did not fit: others may be missing. */
  envTruncated?: boolean;
  /** The kernel side could not read the environment: nothing was kept. */
  envUnreadable?: boolean;
}
export interface NativeExitEvent {
  kind: "exit";
  tgid: number;
  startBoottimeNs: bigint;
  tsNs: bigint;
  comm: string;
  oomKilled: boolean;
  status: { exitCode: number | null; signal: number | null; coreDumped: boolean };
}
export interface NativeOomEvent {
  kind: "oom";
  tgid: number;
  startBoottimeNs: bigint;
  tsNs: bigint;
}
export type NativeEvent = NativeForkEvent | NativeExecEvent | NativeExitEvent | NativeOomEvent | { kind: "unknown" };

export interface NativeCounters {
  tgid: number;
  startBoottimeNs: bigint;
  onCpuNs: number;
  runQueueNs: number;
  offCpuUninterruptibleNs: number;
  offCpuIoWaitNs: number;
  offCpuSleepNs: number;
  voluntarySwitches: number;
  involuntarySwitches: number;
  blockReadBytes: number;
  blockWriteBytes: number;
  blockReadOps: number;
  blockWriteOps: number;
  netTxBytes: number;
  netRxBytes: number;
  exitCpuNs: number;
  exitRchar: number;
  exitWchar: number;
  exitReadBytes: number;
  exitWriteBytes: number;
  exitCancelledWriteBytes: number;
  exitMajorFaults: number;
  exitMinorFaults: number;
  exitMaxRssBytes: number;
  exitTsNs: bigint;
  /** Kernel dev_t (major << 20 | minor) of the latest bio the process submitted; 0 for none. */
  blkLastDev?: number;
  /** Threads on a CPU, runnable or in D state at this read (addons that count them). */
  activeThreads?: number;
  exited: boolean;
  oomKilled: boolean;
}

export interface KernelProbe {
  addTrackedPid(tgid: number): void;
  setHostWide(on: boolean): void;
  pollEvents(maxEvents?: number): Buffer;
  readCounters(options?: { inflight?: boolean; exitGraceMs?: number }): Buffer;
  /** CLOCK_BOOTTIME of the instant the last readCounters() describes (0n before the first). */
  countersReadAtNs?(): bigint;
  /** Calls `fn` once, from the event loop, when the ring buffer holds records (at once if it does); null cancels. */
  onReadable?(fn: (() => void) | null): void;
  /** Host-wide completed requests per device and direction (cumulative since load). */
  readBlockLatency?(): Buffer;
  lostEvents(): number;
  stats(): Record<string, number>;
  programs(): { name: string; tracepoint: string; group: string; attached: boolean; reason?: string }[];
  close(): void;
}

export interface NativeModule {
  loadNative(): {
    open(options?: {
      hostWide?: boolean;
      cpu?: boolean;
      blockIo?: boolean;
      network?: boolean;
      maxProcesses?: number;
      maxThreads?: number;
      ringBufferBytes?: number;
    }): KernelProbe;
    clockBoottimeNs(): bigint;
  };
  decodeEvents(buf: Buffer): NativeEvent[];
  decodeCounters(buf: Buffer): NativeCounters[];
  decodeBlockLatency?(
    buf: Buffer,
  ): { major: number; minor: number; opName: string; count: number; bytes: number; sumNs?: number }[];
  /** Environment keys the kernel side keeps at exec: every key with this prefix… */
  readonly ENV_KEPT_PREFIX?: string;
  /** …and these exact keys. */
  readonly ENV_KEPT_KEYS?: readonly string[];
}

/** The optional package that carries the BPF programs and their loader (Linux only, built at install). */
export const NATIVE_PACKAGE = "@pipespan/native";

/** Imports @pipespan/native; throws an Error with the reason when it is missing or was not built. */
export async function importNative(): Promise<NativeModule> {
  try {
    return (await import(NATIVE_PACKAGE)) as NativeModule;
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code === "ERR_MODULE_NOT_FOUND" && String(err).includes(NATIVE_PACKAGE)) {
      throw new Error(`the optional package ${NATIVE_PACKAGE} is not installed`);
    }
    throw err;
  }
}
