// The kernel source: eBPF programs on tracepoints (native/) report the run's process tree as it happens.
// Lifecycle comes from the ring buffer (fork, exec, exit, OOM); counters are aggregated per process in the
// kernel and read every interval. A process is added to the tracked set in the kernel at fork, before it
// runs, so nothing escapes, however short-lived.

import { decodeWaitStatus, parseCmdline, parseEnviron, parseStat } from "../procfs/parse.js";
import { ProcfsReader } from "../procfs/procfs-reader.js";
import {
  type OwnEnv,
  type ProcessCounters,
  type ProcessKey,
  processId,
  type Source,
  type SourceSink,
} from "../types.js";
import { blockDeviceNameOfDev, DeviceReadings } from "./devices.js";
import type { KernelProbe, NativeCounters, NativeEvent, NativeExecEvent, NativeModule } from "./native.js";

/** USER_HZ: /proc/<pid>/stat field 22 is start_boottime in these ticks (nsec_to_clock_t). */
const NS_PER_TICK = 10_000_000n;

export interface KernelSourceOptions {
  readonly native: NativeModule;
  readonly probe: KernelProbe;
  /** The only environment keys kept: from the exec event (captured in the kernel), else /proc/<pid>/environ. */
  readonly envKeys: readonly string[];
  /** How often counters are read (ms, default 500). */
  readonly intervalMs?: number;
  /** How often the ring buffer is drained (ms, default 10 while processes come and go, backing off to 5× that when idle). */
  readonly pollMs?: number;
  readonly procRoot?: string;
  readonly maxArgs?: number;
  readonly maxArgLength?: number;
  readonly onWarning?: (line: string) => void;
  /** How often the kernel clock is re-anchored to the wall clock (ms, default 60 000). */
  readonly reanchorMs?: number;
  /** Capacities the probe was opened with (for the map-fill figures). */
  readonly mapLimits?: KernelMapLimits;
}

/** Capacities of the kernel maps, as opened (see openKernelProbe). */
export interface KernelMapLimits {
  readonly processes: number;
  readonly threads: number;
  readonly ringBufferBytes: number;
}

/** probe.stats() keys that count something lost, and the drop reason each stands for (reliability.yaml). */
const KERNEL_DROPS: readonly (readonly [string, string])[] = [
  ["ringBufferDrops", "ring_buffer_full"],
  ["countersMapFull", "counters_map_full"],
  ["trackedMapFull", "tracked_map_full"],
  ["threadMapFull", "thread_map_full"],
  ["argsUnreadable", "argv_unreadable"],
  ["blockHistogramsFull", "block_latency_map_full"],
];

interface Tracked {
  readonly key: ProcessKey;
  comm: string;
  exe?: string;
  argv: readonly string[];
  cwd?: string;
  env: OwnEnv;
  exit?: { timeNs: number; exitCode?: number; signal?: number; oomKilled?: boolean };
  oomKilled: boolean;
  last: ProcessCounters;
  done: boolean;
}

export class KernelSource implements Source {
  readonly name = "ebpf" as const;
  /** Per-thread I/O accounting summed at exit: a process's own, without its children. */
  readonly ioIncludesReapedChildren = false;
  /** Every reading includes the open intervals up to that moment (the loader adds them): see Source. */
  readonly timelineIntervalNs: number;
  readonly #o: KernelSourceOptions;
  readonly #devices = new DeviceReadings();
  readonly #reader: ProcfsReader;
  readonly #envKeys: ReadonlySet<string>;
  /** Whether the kernel side keeps every key of #envKeys at exec (then /proc/<pid>/environ is not read). */
  readonly #kernelEnvCovers: boolean;
  readonly #procs = new Map<string, Tracked>();
  /** Ended processes of a run, oldest first, dropped from #procs a while after they ended (memory stays flat). */
  readonly #retired: { readonly id: string; readonly atMs: number }[] = [];
  #retiredHead = 0;
  #sink: SourceSink | undefined;
  #offsetNs = 0;
  #timers: NodeJS.Timeout[] = [];
  #hostWide = false;
  #drainTimer: NodeJS.Timeout | undefined;
  #stopping = false;
  #warned = new Set<string>();
  readonly #dropsSeen = new Map<string, number>();
  #countersInMap = 0;
  #anchorAdjustNs = 0;
  #anchorWall = false;
  #binding: ReturnType<NativeModule["loadNative"]> | undefined;

  constructor(o: KernelSourceOptions) {
    this.#o = o;
    this.timelineIntervalNs = (o.intervalMs ?? 500) * 1e6;
    this.#envKeys = new Set(o.envKeys);
    const prefix = o.native.ENV_KEPT_PREFIX;
    const exact = new Set(o.native.ENV_KEPT_KEYS ?? []);
    this.#kernelEnvCovers = prefix !== undefined && o.envKeys.every((k) => k.startsWith(prefix) || exact.has(k));
    this.#reader = new ProcfsReader(o.procRoot ?? "/proc", () => undefined);
  }

  async start(rootPid: number, sink: SourceSink): Promise<void> {
    this.#sink = sink;
    this.#calibrate();
    this.#keepAnchored();
    // Track first, then describe: a fork after this point is seen by the kernel side.
    this.#o.probe.addTrackedPid(rootPid);
    const stat = parseStat(this.#reader.readText(this.#reader.path(rootPid, "stat"))?.text ?? "");
    if (!stat) throw new Error(`process ${rootPid} is gone before tracing started`);
    const key: ProcessKey = { pid: rootPid, startTicks: stat.starttime };
    const { envRead: _root, ...t } = this.#describe(key, stat.comm);
    this.#procs.set(processId(key), t);
    this.#emit({
      type: "start",
      key,
      ppid: stat.ppid,
      startTimeNs: this.#bootNsToEpoch(BigInt(stat.starttime) * NS_PER_TICK),
      comm: t.comm,
      ...(t.exe !== undefined ? { exe: t.exe } : {}),
      argv: t.argv,
      ...(t.cwd !== undefined ? { cwd: t.cwd } : {}),
      env: t.env,
    });
    this.#readDevices(); // the baseline: the devices' counters belong to the run from here on
    this.#scheduleDrain();
    this.#timers.push(setInterval(() => this.#readCounters(), this.#o.intervalMs ?? 500));
  }

  /**
   * Host-wide mode (`pipespan agent`): every user process of the host, from now on. Processes that already
   * run are reported when they first exec, exit or are counted. Records of ended processes are dropped, so
   * memory follows the live processes, not the host's history.
   */
  async startHostWide(sink: SourceSink): Promise<void> {
    this.#sink = sink;
    this.#hostWide = true;
    // Weeks-long: span times follow the wall clock itself (NTP steps included), re-anchored every minute.
    this.#anchorWall = true;
    this.#calibrate();
    this.#keepAnchored();
    this.#o.probe.setHostWide(true);
    this.#scheduleDrain();
    this.#timers.push(setInterval(() => this.#readCounters(), this.#o.intervalMs ?? 500));
  }

  /**
   * Host-wide mode: reports a process that was already running when it became of interest (a workflow manager
   * that announced itself after it started), as a start event, and follows it from now on. False when it is gone.
   */
  adopt(pid: number): boolean {
    if (!this.#hostWide || this.#sink === undefined) return false;
    const stat = parseStat(this.#reader.readText(this.#reader.path(pid, "stat"))?.text ?? "");
    if (!stat) return false;
    const key: ProcessKey = { pid, startTicks: stat.starttime };
    let t = this.#procs.get(processId(key));
    if (t?.done) return false;
    if (!t) {
      const { envRead: _adopted, ...described } = this.#describe(key, stat.comm);
      t = described;
      this.#procs.set(processId(key), t);
    }
    this.#emit({
      type: "start",
      key,
      ppid: stat.ppid,
      startTimeNs: this.#bootNsToEpoch(BigInt(stat.starttime) * NS_PER_TICK),
      comm: t.comm,
      ...(t.exe !== undefined ? { exe: t.exe } : {}),
      argv: t.argv,
      ...(t.cwd !== undefined ? { cwd: t.cwd } : {}),
      env: t.env,
    });
    return true;
  }

  /**
   * Drains the ring buffer often while processes come and go (an exec's working directory, and its environment
   * where the kernel could not capture it, are read from /proc then, before a short-lived process is gone), and
   * backs off when nothing happens. Once the ring has stayed empty for a few drains the reader sleeps until the
   * kernel says a record landed (KernelProbe.onReadable), so a quiet host or a compute-heavy run is not disturbed
   * by wake-ups, and the first process after a quiet spell is seen at once. A loader that cannot wake it keeps
   * polling, backed off to `pollMs` × 5.
   */
  #scheduleDrain(): void {
    const fast = this.#o.pollMs ?? 10;
    const slow = fast * 5;
    let delay = fast;
    const tick = () => {
      this.#drainTimer = undefined;
      const n = this.#drain();
      // A full batch means more are waiting: come back at once rather than after `fast`.
      delay = n >= 4096 ? 0 : n > 0 ? fast : Math.min(slow, delay * 2);
      if (delay === slow && this.#sleepUntilReadable(wake)) return;
      this.#drainTimer = setTimeout(tick, delay);
    };
    const wake = () => {
      delay = fast;
      tick();
    };
    this.#drainTimer = setTimeout(tick, delay);
  }

  /** Sleeps the drain until the ring holds records; false when the loader cannot (the caller polls instead). */
  #sleepUntilReadable(wake: () => void): boolean {
    if (!this.#o.probe.onReadable || this.#stopping) return false;
    try {
      this.#o.probe.onReadable(wake);
    } catch (err) {
      this.#warn("wake", `waiting for kernel records failed, polling instead: ${(err as Error).message}`);
      return false;
    }
    return true;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#drainTimer) clearTimeout(this.#drainTimer);
    this.#drainTimer = undefined;
    this.#o.probe.onReadable?.(null); // a drain asleep on the ring lets go of it
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    // Final records become available a grace period after a process's exit (late threads): wait for them,
    // bounded.
    const deadline = Date.now() + 2_000;
    for (;;) {
      this.#drainAll();
      this.#readCounters();
      const pending = [...this.#procs.values()].filter((t) => !t.done && t.exit !== undefined);
      if (pending.length === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 60));
    }
    // Whatever is still running (a stray the root left behind) or whose final record never came ends now.
    const now = this.#nowEpochNs();
    for (const t of this.#procs.values()) if (!t.done) this.#finish(t, t.last, t.exit?.timeNs ?? now, false);
    try {
      this.#o.probe.close();
    } catch {
      /* already closed */
    }
  }

  /**
   * Drains the ring buffer until it is empty. One drain hands over at most 4096 records: at the end of a run
   * whose consumer fell behind (an exec storm), the rest are still in the ring, and the processes they describe
   * would otherwise never be recorded (they are not pending: nothing of them was seen yet).
   */
  #drainAll(): void {
    for (let i = 0; i < 100_000; i++) if (this.#drain() === 0) return;
  }

  #emit(e: Parameters<SourceSink["onEvent"]>[0]): void {
    this.#sink?.onEvent(e);
  }

  #warn(kind: string, line: string): void {
    if (this.#warned.has(kind)) return;
    this.#warned.add(kind);
    this.#o.onWarning?.(line);
  }

  /**
   * Kernel timestamps are CLOCK_BOOTTIME: keep the offset to the wall clock. Under `pipespan run` the anchor is
   * the clock the run and task spans are stamped with (the process's monotonic clock from its start); host-wide,
   * where the agent runs for weeks and the task spans come from other processes, it is the wall clock itself,
   * read at the instant its millisecond ticks over (so the anchor is good to a few microseconds).
   */
  #calibrate(): void {
    let offset: number;
    if (this.#anchorWall) {
      const t0 = Date.now();
      let t = t0;
      for (let spins = 0; t === t0 && spins < 1_000_000; spins++) t = Date.now();
      offset = t * 1e6 - this.#bootNow();
    } else {
      const before = Math.round((performance.timeOrigin + performance.now()) * 1e6);
      const boot = this.#bootNow();
      const after = Math.round((performance.timeOrigin + performance.now()) * 1e6);
      offset = (before + after) / 2 - boot;
    }
    if (this.#offsetNs !== 0) this.#anchorAdjustNs = offset - this.#offsetNs;
    this.#offsetNs = offset;
  }

  /** Re-anchors every `reanchorMs`; a move of more than a second (a clock step, a resume) is said once. */
  #keepAnchored(): void {
    const every = this.#o.reanchorMs ?? 60_000;
    const timer = setInterval(() => {
      try {
        this.#calibrate();
      } catch {
        return;
      }
      if (Math.abs(this.#anchorAdjustNs) > 1e9) {
        this.#warned.delete("clock");
        this.#warn(
          "clock",
          `the wall clock moved by ${(this.#anchorAdjustNs / 1e9).toFixed(1)} s; span times follow it from now on`,
        );
      }
    }, every);
    timer.unref();
    this.#timers.push(timer);
  }

  /** The change of the clock offset at the latest re-anchoring (ns). */
  get clockAdjustmentNs(): number {
    return this.#anchorAdjustNs;
  }

  /** Entries in the kernel's per-process counters map at the latest read. */
  get countersInMap(): number {
    return this.#countersInMap;
  }

  get mapLimits(): KernelMapLimits | undefined {
    return this.#o.mapLimits;
  }

  #bootNow(): number {
    this.#binding ??= this.#o.native.loadNative();
    return Number(this.#binding.clockBoottimeNs());
  }

  #nowEpochNs(): number {
    if (this.#anchorWall) return this.#bootNow() + this.#offsetNs;
    return Math.round((performance.timeOrigin + performance.now()) * 1e6);
  }

  /** The kernel's drop counters (probe.stats()): each increase becomes a lost event with its reason. */
  #readDrops(): void {
    let stats: Record<string, number>;
    try {
      stats = this.#o.probe.stats();
    } catch {
      return;
    }
    for (const [key, reason] of KERNEL_DROPS) {
      const now = stats[key];
      if (typeof now !== "number" || !Number.isFinite(now)) continue;
      const before = this.#dropsSeen.get(key) ?? 0;
      if (now > before) {
        this.#dropsSeen.set(key, now);
        this.#emit({ type: "lost", count: now - before, reason });
      }
    }
  }

  #bootNsToEpoch(ns: bigint): number {
    return Number(ns) + this.#offsetNs;
  }

  #keyOf(tgid: number, startBoottimeNs: bigint): ProcessKey {
    return { pid: tgid, startTicks: Number(startBoottimeNs / NS_PER_TICK) };
  }

  /**
   * What /proc still tells about a process (best effort: it may be gone already). What the caller already
   * knows from the kernel event (argv, executable path) is not read again. `envRead` is false when the
   * environment could not be read (the process is gone), as opposed to holding none of our keys.
   */
  #describe(
    key: ProcessKey,
    comm: string,
    known: { argv?: readonly string[]; exe?: string; env?: OwnEnv; partialEnv?: OwnEnv } = {},
  ): Tracked & { envRead: boolean } {
    const r = this.#reader;
    const cmd = known.argv ? undefined : r.readBytes(r.path(key.pid, "cmdline"), 64 * 1024);
    const env = known.env ? undefined : r.readBytes(r.path(key.pid, "environ"), 256 * 1024);
    const exe = known.exe ?? r.readLink(r.path(key.pid, "exe"));
    const cwd = r.readLink(r.path(key.pid, "cwd"));
    return {
      key,
      comm,
      ...(exe !== undefined ? { exe } : {}),
      argv:
        known.argv ??
        (cmd ? parseCmdline(cmd.data, this.#o.maxArgs ?? 256, this.#o.maxArgLength ?? 4096, cmd.truncated) : [comm]),
      ...(cwd !== undefined ? { cwd } : {}),
      // The kernel's capture when whole; else /proc; else (the process is gone) what the kernel had in reach.
      env: known.env ?? (env ? parseEnviron(env.data, this.#envKeys, 4096) : (known.partialEnv ?? {})),
      envRead: known.env !== undefined || env !== undefined || known.partialEnv !== undefined,
      oomKilled: false,
      last: {},
      done: false,
    };
  }

  /**
   * The exec event's environment keys, kept in the kernel at exec (so even a process that is gone by now is
   * named): `env` when they are all there is, `partialEnv` when the kernel could not look at everything (a very
   * long environment; /proc is read then, and this is used only if the process is gone).
   */
  #kernelEnv(e: NativeExecEvent): { env?: OwnEnv; partialEnv?: OwnEnv } {
    if (!this.#kernelEnvCovers || e.env === undefined || e.envUnreadable === true) return {};
    const kept: Record<string, string> = {};
    for (const [k, v] of Object.entries(e.env))
      if (this.#envKeys.has(k)) kept[k] = v.length > 4096 ? v.slice(0, 4096) : v;
    return e.envTruncated === true ? { partialEnv: kept } : { env: kept };
  }

  /** The exec event's argv; when the kernel cut it, the whole argv from /proc if it still begins the same, else
   * the cut one with its last element marked (`…`), as the procfs source marks a cut argument. */
  #fullArgv(pid: number, args: readonly string[], truncated: boolean): readonly string[] {
    const maxArgs = this.#o.maxArgs ?? 256;
    if (!truncated) return args.slice(0, maxArgs);
    const r = this.#reader;
    const cmd = r.readBytes(r.path(pid, "cmdline"), 64 * 1024);
    const whole = cmd ? parseCmdline(cmd.data, maxArgs, this.#o.maxArgLength ?? 4096, cmd.truncated) : undefined;
    const cut = args.join("\0");
    if (whole?.join("\0").startsWith(cut)) return whole;
    const marked = args.slice(0, maxArgs);
    if (marked.length > 0) marked[marked.length - 1] = `${marked[marked.length - 1]}…`;
    return marked;
  }

  /** Handles the pending lifecycle events; returns how many there were. */
  #drain(): number {
    let events: NativeEvent[];
    try {
      events = this.#o.native.decodeEvents(this.#o.probe.pollEvents(4096));
    } catch (err) {
      this.#warn("decode", `kernel events could not be decoded: ${(err as Error).message}`);
      this.#emit({ type: "lost", count: 1, reason: "decode_error" });
      return 0;
    }
    for (const e of events) {
      switch (e.kind) {
        case "fork":
          this.#onFork(e.tgid, e.startBoottimeNs, e.ppid, e.parentStartBoottimeNs);
          break;
        case "exec": {
          const key = this.#keyOf(e.tgid, e.startBoottimeNs);
          let t = this.#procs.get(processId(key));
          if (!t) t = this.#onFork(e.tgid, e.startBoottimeNs, e.ppid, undefined);
          if (!t || t.done) break;
          // The event's own path and argv first: by the time /proc is read the process may have exec'd again.
          // An argv the kernel side cut is read whole from /proc when it still starts the same (a workflow
          // manager's job is recognised by its full command).
          const fresh = this.#describe(key, e.comm, {
            ...(e.args.length > 0 ? { argv: this.#fullArgv(e.tgid, e.args, e.argsTruncated === true) } : {}),
            ...(e.filename.startsWith("/") ? { exe: e.filename } : {}),
            ...this.#kernelEnv(e),
          });
          t.comm = e.comm;
          if (fresh.exe !== undefined) t.exe = fresh.exe;
          t.argv = fresh.argv;
          if (fresh.cwd !== undefined) t.cwd = fresh.cwd;
          // The environment as of this exec; gone already for a very short process: keep the inherited one.
          if (fresh.envRead) t.env = fresh.env;
          // Host-wide, that process's task keys are unknown: if it was a task's, it is not recorded. Said, counted.
          else if (this.#hostWide) this.#emit({ type: "lost", count: 1, reason: "env_unreadable" });
          this.#emit({
            type: "exec",
            key,
            ppid: e.ppid,
            timeNs: this.#bootNsToEpoch(e.tsNs),
            comm: t.comm,
            ...(t.exe !== undefined ? { exe: t.exe } : {}),
            argv: t.argv,
            ...(t.cwd !== undefined ? { cwd: t.cwd } : {}),
            env: t.env,
          });
          break;
        }
        case "exit": {
          const t = this.#procs.get(processId(this.#keyOf(e.tgid, e.startBoottimeNs)));
          if (!t) break;
          t.exit = {
            timeNs: this.#bootNsToEpoch(e.tsNs),
            ...(e.status.exitCode !== null ? { exitCode: e.status.exitCode } : {}),
            ...(e.status.signal !== null ? { signal: e.status.signal } : {}),
            ...(e.oomKilled ? { oomKilled: true } : {}),
          };
          break;
        }
        case "oom": {
          const t = this.#procs.get(processId(this.#keyOf(e.tgid, e.startBoottimeNs)));
          if (t) t.oomKilled = true;
          break;
        }
        default:
          break;
      }
    }
    return events.length;
  }

  #onFork(tgid: number, start: bigint, ppid: number, parentStart: bigint | undefined): Tracked | undefined {
    const key = this.#keyOf(tgid, start);
    const id = processId(key);
    const known = this.#procs.get(id);
    if (known) return known;
    const parent =
      parentStart !== undefined
        ? this.#procs.get(processId(this.#keyOf(ppid, parentStart)))
        : [...this.#procs.values()].find((p) => p.key.pid === ppid && !p.done);
    // A fork is a copy of its parent's image until it execs.
    const t: Tracked = {
      key,
      comm: parent?.comm ?? "",
      ...(parent?.exe !== undefined ? { exe: parent.exe } : {}),
      argv: parent?.argv ?? [],
      ...(parent?.cwd !== undefined ? { cwd: parent.cwd } : {}),
      env: parent?.env ?? {},
      oomKilled: false,
      last: {},
      done: false,
    };
    if (!parent) {
      const { envRead: _orphan, ...described } = this.#describe(key, t.comm);
      Object.assign(t, described);
    }
    this.#procs.set(id, t);
    this.#emit({
      type: "start",
      atFork: true,
      key,
      ppid,
      ...(parent ? { parentKey: parent.key } : {}),
      startTimeNs: this.#bootNsToEpoch(start),
      comm: t.comm,
      ...(t.exe !== undefined ? { exe: t.exe } : {}),
      argv: t.argv,
      ...(t.cwd !== undefined ? { cwd: t.cwd } : {}),
      env: t.env,
    });
    return t;
  }

  #readCounters(): void {
    // The ring first: a process's exec record is in it before its final counters are in the map, and a final
    // reading ends the process here (an exec drained after that would be dropped, and a storm's process named
    // after its parent, the image it forked with).
    this.#drainAll();
    this.#readDrops();
    // Host-wide, nothing followed (a quiet host: ended processes leave #procs at once): the map holds nothing
    // this read would use, so the idle agent skips it.
    if (this.#hostWide && this.#procs.size === 0) return;
    let records: NativeCounters[];
    try {
      records = this.#o.native.decodeCounters(this.#o.probe.readCounters());
    } catch (err) {
      this.#warn("counters", `kernel counters could not be read: ${(err as Error).message}`);
      return;
    }
    this.#countersInMap = records.length;
    // The reading's own instant, not a clock read now: on a busy host this thread can be preempted between the
    // read and here for tens of ms, and a late stamp moves growth from one timeline bucket into the next.
    const readAt = this.#o.probe.countersReadAtNs?.() ?? 0n;
    const now = readAt > 0n ? this.#bootNsToEpoch(readAt) : this.#nowEpochNs();
    for (const c of records) {
      const t = this.#procs.get(processId(this.#keyOf(c.tgid, c.startBoottimeNs)));
      if (!t || t.done) continue;
      const counters = toCounters(c);
      if (c.exited) {
        const raw = (c as { exitCode?: number }).exitCode;
        const fallback = raw !== undefined ? decodeWaitStatus(raw) : {};
        t.exit ??= { timeNs: c.exitTsNs > 0n ? this.#bootNsToEpoch(c.exitTsNs) : now, ...fallback };
        if (c.oomKilled) t.oomKilled = true;
        this.#finish(t, counters, t.exit.timeNs, true);
      } else {
        t.last = counters;
        // A group that has exited but is not final yet (its grace period) no longer changes: its reading
        // describes it as of its exit, not as of now (timelines place the growth by this time).
        const asOf = c.exitTsNs > 0n ? Math.min(now, this.#bootNsToEpoch(c.exitTsNs)) : now;
        this.#emit({
          type: "counters",
          key: t.key,
          timeNs: asOf,
          counters,
          ...(c.activeThreads !== undefined ? { activeThreads: c.activeThreads } : {}),
        });
      }
    }
    if (!this.#hostWide) this.#readDevices();
  }

  #retire(t: Tracked): void {
    const now = Date.now();
    this.#retired.push({ id: processId(t.key), atMs: now });
    while (this.#retiredHead < this.#retired.length) {
      const r = this.#retired[this.#retiredHead];
      if (!r || now - r.atMs < RETIRE_AFTER_MS) break;
      if (this.#procs.get(r.id)?.done) this.#procs.delete(r.id);
      this.#retiredHead++;
    }
    if (this.#retiredHead > 1024 && this.#retiredHead * 2 > this.#retired.length) {
      this.#retired.splice(0, this.#retiredHead);
      this.#retiredHead = 0;
    }
  }

  /** The host's block devices, read with the counters (their series is aligned with the processes'). */
  #readDevices(timeNs = this.#nowEpochNs()): void {
    if (!this.#o.probe.readBlockLatency || !this.#o.native.decodeBlockLatency) return;
    try {
      const devices = this.#devices.read(this.#o.native.decodeBlockLatency(this.#o.probe.readBlockLatency()));
      this.#emit({ type: "devices", timeNs, devices });
    } catch (err) {
      this.#warn("devices", `block device counters could not be read: ${(err as Error).message}`);
    }
  }

  #finish(t: Tracked, counters: ProcessCounters, timeNs: number, observed: boolean): void {
    t.done = true;
    if (this.#hostWide) this.#procs.delete(processId(t.key));
    else this.#retire(t);
    const oom = t.oomKilled || t.exit?.oomKilled === true;
    this.#emit({
      type: "exit",
      key: t.key,
      timeNs,
      ...(t.exit?.exitCode !== undefined ? { exitCode: t.exit.exitCode } : {}),
      ...(t.exit?.signal !== undefined ? { signal: t.exit.signal } : {}),
      ...(oom ? { oomKilled: true } : {}),
      observedExit: observed,
      counters,
    });
  }
}

/** How long an ended process stays known to a run's source: a late event about it is still recognised as its. */
const RETIRE_AFTER_MS = 2_000;

/** Kernel counters in the source contract's units. Storage and syscall I/O are known at exit only. */
function toCounters(c: NativeCounters): ProcessCounters {
  const counters: ProcessCounters = {
    cpuTotalNs: c.exited ? Math.max(c.exitCpuNs, c.onCpuNs) : c.onCpuNs,
    // D state, split by the kernel's in_iowait: io_schedule() (storage) is I/O wait, the rest is blocked.
    offCpuIoWaitNs: c.offCpuIoWaitNs,
    offCpuBlockedNs: Math.max(0, c.offCpuUninterruptibleNs - c.offCpuIoWaitNs),
    offCpuSleepNs: c.offCpuSleepNs,
    runqueueDelayNs: c.runQueueNs,
    blockReadBytes: c.blockReadBytes,
    blockWriteBytes: c.blockWriteBytes,
    blockReadOps: c.blockReadOps,
    blockWriteOps: c.blockWriteOps,
    netTxBytes: c.netTxBytes,
    netRxBytes: c.netRxBytes,
    voluntaryCtxSwitches: c.voluntarySwitches,
    involuntaryCtxSwitches: c.involuntarySwitches,
  };
  if (c.blkLastDev) counters.blockDevice = blockDeviceNameOfDev(c.blkLastDev);
  if (c.exited) {
    counters.diskReadBytes = c.exitReadBytes;
    counters.diskWriteBytes = c.exitWriteBytes;
    counters.diskCancelledWriteBytes = c.exitCancelledWriteBytes;
    counters.fileReadBytes = c.exitRchar;
    counters.fileWriteBytes = c.exitWchar;
    counters.majorFaults = c.exitMajorFaults;
    counters.minorFaults = c.exitMinorFaults;
    if (c.exitMaxRssBytes > 0) counters.peakRssBytes = c.exitMaxRssBytes;
  }
  return counters;
}
