// ProcfsSource: the unprivileged fallback source. It follows the run's process tree by sampling /proc every
// interval. What sampling can and cannot see:
// - a process that starts and is reaped between two ticks is never seen; its CPU still shows up in its parent's
//   cutime/cstime (childrenCpuNs), so the consumer can compute "unattributed" CPU;
// - a process that exited but was not yet reaped (a zombie) still shows its final CPU, I/O and wait status: we
//   report those as an observed exit;
// - otherwise an exit is noticed at the next tick and carries the last sample (observedExit: false).

import { readFileSync } from "node:fs";
import type { OwnEnv, ProcessCounters, ProcessKey, Source, SourceEvent, SourceName, SourceSink } from "../types.js";
import { clockTicksPerSecond, estimateBootTimeMs } from "./clock.js";
import {
  decodeWaitStatus,
  parseCmdline,
  parseEnviron,
  parseIo,
  parseStat,
  parseStatus,
  type StatFields,
} from "./parse.js";
import { ProcfsReader } from "./procfs-reader.js";

export type ProcfsDiscovery = "auto" | "children" | "scan";

export interface ProcfsSourceOptions {
  /** Sampling interval in ms (default 200). */
  intervalMs?: number;
  /** procfs mount point (default "/proc"); tests point it at a fixture tree. */
  procRoot?: string;
  /** At most this many argv elements are kept (default 256). */
  maxArgs?: number;
  /** Longer argv elements are cut and end with "…" (default 4096). */
  maxArgLength?: number;
  /** The only environment keys read from /proc/<pid>/environ; everything else is never kept. */
  envKeys: readonly string[];
  /** Wall clock in ms since the Unix epoch, fractions allowed (default performance.timeOrigin + performance.now()). */
  now?: () => number;
  /** Called once per kind of problem (malformed file, unexpected read error, sink error); default: ignore. */
  onWarning?: (message: string) => void;
  /** Clock ticks per second; default `getconf CLK_TCK` (asked once). Tests with fixtures set it. */
  clockTicks?: number;
  /**
   * How to find new descendants: "children" reads /proc/<pid>/task/<tid>/children (needs CONFIG_PROC_CHILDREN),
   * "scan" reads the ppid of every new pid in /proc; "auto" (default) uses children files when the root has one.
   */
  discovery?: ProcfsDiscovery;
}

/** Counters about the sampler itself (cost and coverage); not part of the Source contract. */
export interface ProcfsSourceStats {
  readonly discovery: "children" | "scan" | undefined;
  readonly clockTicks: number;
  readonly ticks: number;
  /** Wall time spent inside ticks (ms): total, last and max. */
  readonly tickWallMsTotal: number;
  readonly tickWallMsLast: number;
  readonly tickWallMsMax: number;
  /** CPU time (user+system) of this Node process spent inside ticks (ms), total. */
  readonly tickCpuMsTotal: number;
  readonly tracked: number;
  /** procfs files currently held open for pread (0 after stop). */
  readonly openFds: number;
  readonly starts: number;
  readonly execs: number;
  /** Exits read from a zombie: final counters and wait status. */
  readonly exitsObserved: number;
  /** Exits noticed as "gone" (last sample). */
  readonly exitsUnobserved: number;
  /** Sum of LostEvent counts emitted. */
  readonly lost: number;
  /** Scan mode: pids listed in /proc that vanished before their stat was read (owner unknown: maybe not ours). */
  readonly vanishedUnattributed: number;
}

interface Tracked {
  readonly key: ProcessKey;
  readonly ppid: number;
  comm: string;
  exe: string | undefined;
  argv: readonly string[];
  fingerprint: string;
  /** Last merged sample (cumulative counters never go back, so a failed read keeps the previous value). */
  counters: ProcessCounters;
  /** What the last counters event carried, to emit only on change. */
  emitted: ProcessCounters | undefined;
  /** Exit already emitted (zombie caught); the entry stays until the pid is reaped so it is not found again. */
  exited: boolean;
  /** Thread count at the last stat read (children discovery lists task/ only for multi-threaded processes). */
  threads: number;
  /** Raw stat text when status was last read, and ticks since then. */
  statusStat: string | undefined;
  statusAge: number;
  /** Open fds of stat/status/io (and the main thread's children file in children mode), within the fd budget. */
  fds: Partial<Record<TickFile, number>>;
}

/** Parsed stat plus its raw text (an unchanged text means nothing visible in stat moved since last time). */
type Stat = StatFields & { readonly raw: string };
type StatRead = Stat | "gone" | "bad";

const ENVIRON_READ_LIMIT = 256 * 1024;
const ENV_VALUE_MAX = 4096;
const CMDLINE_READ_LIMIT_MAX = 1024 * 1024;
/** Scan mode re-reads the stat of every pid this often (ms), to catch processes reparented to a tracked subreaper. */
const FULL_SCAN_EVERY_MS = 2000;
/**
 * /proc/<pid>/status (VmHWM, context switches) is the costliest file per tick. It is re-read when the stat line
 * changed (the process ran, faulted or changed state) and at least every this many ticks otherwise, so a
 * sleeping process costs one stat + one io read per tick. io is read every tick: I/O accounting can move while
 * stat does not (e.g. O_DIRECT I/O with little CPU).
 */
const STATUS_REFRESH_TICKS = 5;

/** The per-tick files of a tracked process, kept open and re-read with pread (see fdBudget). */
type TickFile = "stat" | "status" | "io" | "children";

/**
 * How many procfs files we keep open. Re-reading an open /proc file with pread costs one syscall instead of
 * open+read+close (measured here: 8.7 us vs 18.7 us for a stat file) and the fd cannot be fooled by pid reuse.
 * Keep it to a quarter of the soft RLIMIT_NOFILE (read from /proc/self/limits of this process), at most 4096;
 * past the budget, files are read by path.
 */
function fdBudget(): number {
  try {
    const limits = readFileSync("/proc/self/limits", "utf8");
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
    const soft = m?.[1] === "unlimited" ? Number.POSITIVE_INFINITY : Number(m?.[1] ?? 1024);
    return Math.min(4096, Math.floor(soft / 4));
  } catch {
    return 256;
  }
}

const COUNTER_KEYS = [
  "cpuUserNs",
  "cpuSystemNs",
  "childrenCpuNs",
  "diskReadBytes",
  "diskWriteBytes",
  "diskCancelledWriteBytes",
  "fileReadBytes",
  "fileWriteBytes",
  "peakRssBytes",
  "majorFaults",
  "minorFaults",
  "voluntaryCtxSwitches",
  "involuntaryCtxSwitches",
] as const satisfies ReadonlyArray<keyof ProcessCounters>;

function sameCounters(a: ProcessCounters, b: ProcessCounters | undefined): boolean {
  if (b === undefined) return false;
  for (const k of COUNTER_KEYS) if (a[k] !== b[k]) return false;
  return true;
}

function sameArgv(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function defaultNow(): number {
  return performance.timeOrigin + performance.now();
}

export class ProcfsSource implements Source {
  readonly name: SourceName = "procfs";
  /**
   * When a parent reaps a child, the kernel adds the child's I/O accounting (its own plus its reaped
   * descendants') to the parent's (wait_task_zombie), and /proc/<pid>/io shows that sum. CPU (utime/stime vs
   * cutime/cstime), faults, context switches and VmHWM are the process's own.
   */
  readonly ioIncludesReapedChildren = true;

  private readonly intervalMs: number;
  private readonly maxArgs: number;
  private readonly maxArgLength: number;
  private readonly envKeys: ReadonlySet<string>;
  private readonly now: () => number;
  private readonly onWarning: (message: string) => void;
  private readonly discoveryOption: ProcfsDiscovery;
  private readonly reader: ProcfsReader;
  private readonly clockTicks: number;
  private readonly nsPerTick: number;

  private sink: SourceSink | undefined;
  private running = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private bootMs = 0;
  private discovery: "children" | "scan" | undefined;
  private readonly tracked = new Map<number, Tracked>();
  /** Scan mode: pids seen in /proc last tick that are not in the tree (their stat is not re-read every tick). */
  private unrelated = new Set<number>();
  private lastFullScanMs = Number.NEGATIVE_INFINITY;
  private readonly warned = new Set<string>();
  private readonly fdBudget = fdBudget();
  private openFds = 0;
  private st = {
    ticks: 0,
    tickWallMsTotal: 0,
    tickWallMsLast: 0,
    tickWallMsMax: 0,
    tickCpuMsTotal: 0,
    starts: 0,
    execs: 0,
    exitsObserved: 0,
    exitsUnobserved: 0,
    lost: 0,
    vanishedUnattributed: 0,
  };

  constructor(options: ProcfsSourceOptions) {
    const posInt = (v: number | undefined, d: number, what: string): number => {
      if (v === undefined) return d;
      if (!Number.isFinite(v) || v <= 0) throw new RangeError(`ProcfsSource: ${what} must be a positive number`);
      return Math.floor(v);
    };
    this.intervalMs = posInt(options.intervalMs, 200, "intervalMs");
    this.maxArgs = posInt(options.maxArgs, 256, "maxArgs");
    this.maxArgLength = posInt(options.maxArgLength, 4096, "maxArgLength");
    this.envKeys = new Set(options.envKeys);
    this.now = options.now ?? defaultNow;
    this.onWarning = options.onWarning ?? (() => {});
    this.discoveryOption = options.discovery ?? "auto";
    this.reader = new ProcfsReader(options.procRoot ?? "/proc", (path, code) =>
      this.warnOnce(`read:${code}`, `procfs: unexpected ${code} reading ${path}; treating it as unreadable`),
    );
    if (options.clockTicks !== undefined) {
      this.clockTicks = posInt(options.clockTicks, 100, "clockTicks");
    } else {
      const t = clockTicksPerSecond();
      this.clockTicks = t.value;
      if (!t.fromGetconf) {
        this.warnOnce("clk_tck", "procfs: `getconf CLK_TCK` failed; assuming 100 clock ticks per second");
      }
    }
    this.nsPerTick = 1e9 / this.clockTicks;
  }

  async start(rootPid: number, sink: SourceSink): Promise<void> {
    if (this.running || this.stopped) throw new Error("ProcfsSource.start: a source is started once");
    if (!Number.isInteger(rootPid) || rootPid <= 0) throw new RangeError(`ProcfsSource.start: bad pid ${rootPid}`);
    this.sink = sink;
    this.running = true;
    const boot = estimateBootTimeMs(this.reader, this.now);
    if (boot === undefined) {
      this.warnOnce("boot", "procfs: cannot read uptime or btime; process start times are relative to the epoch");
    }
    this.bootMs = boot ?? 0;
    this.discovery =
      this.discoveryOption === "auto"
        ? this.reader.readText(this.reader.path(rootPid, "task", rootPid, "children")) !== undefined
          ? "children"
          : "scan"
        : this.discoveryOption;

    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const timeNs = this.timeNs();
    const stat = this.readStat(rootPid);
    if (typeof stat === "string") {
      this.emit({ type: "lost", count: 1, reason: "root process exited before observation started" });
      this.st.lost += 1;
    } else {
      this.track(stat, undefined, timeNs);
    }
    // The first tick finds descendants that already exist.
    this.safeTick(t0, cpu0);
    this.schedule();
  }

  async stop(): Promise<void> {
    if (!this.running) {
      this.stopped = true;
      return;
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.safeTick(performance.now(), process.cpuUsage());
    const timeNs = this.timeNs();
    for (const [pid, p] of this.tracked) {
      if (!p.exited) this.emitUnobservedExit(p, timeNs);
      this.untrack(pid, p);
    }
    this.running = false;
    this.stopped = true;
  }

  /** Take one reading now (the timer does this every interval). No-op unless started and not stopped. */
  sampleNow(): void {
    if (this.running) this.safeTick(performance.now(), process.cpuUsage());
  }

  stats(): ProcfsSourceStats {
    return {
      discovery: this.discovery,
      clockTicks: this.clockTicks,
      tracked: this.tracked.size,
      openFds: this.openFds,
      ...this.st,
    };
  }

  // ---------------------------------------------------------------------------------------------------------

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.running) return;
      this.safeTick(performance.now(), process.cpuUsage());
      this.schedule();
    }, this.intervalMs);
    // The source never keeps the host process alive on its own.
    this.timer.unref();
  }

  private safeTick(t0: number, cpu0: NodeJS.CpuUsage): void {
    try {
      this.tick();
    } catch (err) {
      // Every read is already non-throwing; this guards against bugs so that sampling carries on.
      this.warnOnce("tick", `procfs: a sampling tick failed and was skipped: ${String(err)}`);
    }
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    this.st.ticks += 1;
    this.st.tickWallMsTotal += wall;
    this.st.tickWallMsLast = wall;
    this.st.tickWallMsMax = Math.max(this.st.tickWallMsMax, wall);
    this.st.tickCpuMsTotal += (cpu.user + cpu.system) / 1000;
  }

  private tick(): void {
    const timeNs = this.timeNs();
    // 1. Refresh what we track. Exits (including pid reuse) come before any start, so a reused pid's old
    //    process is closed before its new one is reported.
    for (const [pid, p] of this.tracked) {
      const stat = this.readTrackedStat(p);
      if (stat === "bad") continue; // keep the last values; warned once
      if (stat === "gone" || stat.starttime !== p.key.startTicks) {
        if (!p.exited) this.emitUnobservedExit(p, timeNs);
        this.untrack(pid, p);
        continue;
      }
      if (p.exited) continue;
      p.threads = stat.numThreads;
      if (stat.state === "Z" || stat.state === "X") {
        this.captureZombie(p, stat, timeNs);
        continue;
      }
      this.refreshIdentity(p, stat, timeNs);
      this.sampleCounters(p, stat, timeNs);
    }
    // 2. Find new descendants.
    const lost = new Map<string, number>();
    if (this.tracked.size > 0) {
      if (this.discovery === "children") this.discoverViaChildren(timeNs, lost);
      else this.discoverViaScan(timeNs);
    }
    for (const [reason, count] of lost) {
      this.st.lost += count;
      this.emit({ type: "lost", count, reason });
    }
  }

  private discoverViaChildren(timeNs: number, lost: Map<string, number>): void {
    const queue: number[] = [];
    for (const [pid, p] of this.tracked) if (!p.exited) queue.push(pid);
    for (let i = 0; i < queue.length; i++) {
      const parentPid = queue[i]!;
      const parent = this.tracked.get(parentPid);
      if (parent === undefined) continue;
      // Children forked by any thread are listed under that thread, so read every task's children file (a
      // single-threaded process has one task, tid = pid: no need to list the directory).
      const tids =
        parent.threads <= 1 ? [parentPid] : (this.reader.listNumeric(this.reader.path(parentPid, "task")) ?? []);
      for (const tid of tids) {
        const r =
          tid === parentPid
            ? this.readTickFile(parent, "children", 256 * 1024)
            : this.reader.readText(this.reader.path(parentPid, "task", tid, "children"), 256 * 1024, true);
        if (r === undefined) continue;
        for (const token of r.text.split(/\s+/)) {
          if (token === "") continue;
          const childPid = Number(token);
          if (!Number.isSafeInteger(childPid) || childPid <= 0 || this.tracked.has(childPid)) continue;
          const stat = this.readStat(childPid);
          if (stat === "gone") {
            lost.set("vanished-before-read", (lost.get("vanished-before-read") ?? 0) + 1);
            continue;
          }
          if (stat === "bad" || stat.ppid !== parentPid || stat.starttime < parent.key.startTicks) continue;
          this.track(stat, parent.key, timeNs);
          queue.push(childPid);
        }
      }
    }
  }

  private discoverViaScan(timeNs: number): void {
    const pids = this.reader.listNumeric(this.reader.root) ?? [];
    const nowMs = this.now();
    const full = nowMs - this.lastFullScanMs >= FULL_SCAN_EVERY_MS;
    if (full) this.lastFullScanMs = nowMs;
    const candidates = new Map<number, Stat>();
    const byParent = new Map<number, number[]>();
    const nextUnrelated = new Set<number>();
    for (const pid of pids) {
      if (this.tracked.has(pid)) continue;
      // A process's ancestry only changes by reparenting, and a pid is reused only after the whole pid space
      // wraps, so a pid that was unrelated last tick is still unrelated: skip its stat (the periodic full scan
      // covers the rare exceptions: reparenting to a tracked subreaper, pid wrap within one interval).
      if (!full && this.unrelated.has(pid)) {
        nextUnrelated.add(pid);
        continue;
      }
      const stat = this.readStat(pid);
      if (stat === "gone") {
        this.st.vanishedUnattributed += 1;
        continue;
      }
      if (stat === "bad") {
        nextUnrelated.add(pid);
        continue;
      }
      candidates.set(pid, stat);
      const siblings = byParent.get(stat.ppid);
      if (siblings === undefined) byParent.set(stat.ppid, [pid]);
      else siblings.push(pid);
    }
    // Breadth-first from the tracked processes so that a parent is always reported before its children.
    const queue: number[] = [];
    for (const [pid, p] of this.tracked) if (!p.exited && byParent.has(pid)) queue.push(pid);
    for (let i = 0; i < queue.length; i++) {
      const parent = this.tracked.get(queue[i]!);
      if (parent === undefined) continue;
      for (const childPid of byParent.get(parent.key.pid) ?? []) {
        const stat = candidates.get(childPid);
        if (stat === undefined || stat.starttime < parent.key.startTicks) continue;
        candidates.delete(childPid);
        this.track(stat, parent.key, timeNs);
        if (byParent.has(childPid)) queue.push(childPid);
      }
    }
    for (const pid of candidates.keys()) nextUnrelated.add(pid);
    this.unrelated = nextUnrelated;
  }

  /** Start tracking a process: emit its start, then either its first counters or (zombie) its exit. */
  private track(stat: Stat, parentKey: ProcessKey | undefined, timeNs: number): void {
    const key: ProcessKey = { pid: stat.pid, startTicks: stat.starttime };
    const zombie = stat.state === "Z" || stat.state === "X";
    // A zombie has no mm any more: cmdline is empty and exe/cwd/environ are gone.
    const ident = zombie ? undefined : this.readIdentity(stat.pid, true);
    const p: Tracked = {
      key,
      ppid: stat.ppid,
      comm: stat.comm,
      exe: ident?.exe,
      argv: ident?.argv ?? [],
      fingerprint: stat.imageFingerprint,
      counters: {},
      emitted: undefined,
      exited: false,
      threads: stat.numThreads,
      statusStat: undefined,
      statusAge: 0,
      fds: {},
    };
    this.tracked.set(stat.pid, p);
    this.st.starts += 1;
    this.emit({
      type: "start",
      key,
      ppid: stat.ppid,
      ...(parentKey === undefined ? {} : { parentKey }),
      startTimeNs: this.startTimeNs(stat.starttime),
      comm: stat.comm,
      ...(ident?.exe === undefined ? {} : { exe: ident.exe }),
      argv: p.argv,
      ...(ident?.cwd === undefined ? {} : { cwd: ident.cwd }),
      env: ident?.env ?? {},
    });
    if (zombie) {
      this.captureZombie(p, stat, timeNs);
      return;
    }
    // Keep this process's per-tick files open. Should the pid have been reaped and reused in the microseconds
    // since its stat was read, the next tick's start-time check on the fd's stat notices it.
    const names: TickFile[] =
      this.discovery === "children" ? ["stat", "io", "children", "status"] : ["stat", "io", "status"];
    for (const name of names) {
      if (this.openFds >= this.fdBudget) break;
      const fd = this.reader.open(this.tickFilePath(stat.pid, name));
      if (fd === undefined) continue;
      p.fds[name] = fd;
      this.openFds += 1;
    }
    this.sampleCounters(p, stat, timeNs);
  }

  private untrack(pid: number, p: Tracked): void {
    for (const fd of Object.values(p.fds)) {
      this.reader.close(fd);
      this.openFds -= 1;
    }
    p.fds = {};
    this.tracked.delete(pid);
  }

  /**
   * Read one of a tracked process's per-tick files: through its open fd when there is one, else by path. A
   * failed fd read (the process was reaped), or an empty one for files that are never empty on a live or
   * zombie process (all but children), drops the fd and falls back to the path, where a reused pid shows up
   * with another start time.
   */
  private readTickFile(p: Tracked, name: TickFile, limit: number): { text: string; truncated: boolean } | undefined {
    const fd = p.fds[name];
    if (fd !== undefined) {
      const r = this.reader.preadText(fd, limit);
      if (r !== undefined && (r.text.length > 0 || name === "children")) return r;
      this.reader.close(fd);
      this.openFds -= 1;
      delete p.fds[name];
    }
    return this.reader.readText(this.tickFilePath(p.key.pid, name), limit, true);
  }

  private tickFilePath(pid: number, name: TickFile): string {
    return name === "children" ? this.reader.path(pid, "task", pid, "children") : this.reader.path(pid, name);
  }

  private readTrackedStat(p: Tracked): StatRead {
    const r = this.readTickFile(p, "stat", 4096);
    return r === undefined ? "gone" : this.parseStatText(p.key.pid, r);
  }

  /**
   * Re-read argv/exe when the image may have changed (fingerprint or comm changed, or no fingerprint is
   * available) and emit exec when comm, argv or exe differ. The environment is read once per image: at start
   * and at each exec (execve replaces it; a fork that has not exec'd yet still shows its parent's).
   */
  private refreshIdentity(p: Tracked, stat: Stat, timeNs: number): void {
    const fpKnown = stat.imageFingerprint !== "";
    if (fpKnown && stat.imageFingerprint === p.fingerprint && stat.comm === p.comm) return;
    const ident = this.readIdentity(p.key.pid, false);
    // An empty cmdline or unreadable exe means "cannot tell" (e.g. the process is exiting), not a new image.
    const argv = ident.argv.length > 0 ? ident.argv : p.argv;
    const exe = ident.exe ?? p.exe;
    const changed = stat.comm !== p.comm || exe !== p.exe || !sameArgv(argv, p.argv);
    if (ident.argv.length > 0) p.fingerprint = stat.imageFingerprint;
    if (!changed) return;
    p.comm = stat.comm;
    p.exe = exe;
    p.argv = argv;
    const cwd = this.reader.readLink(this.reader.path(p.key.pid, "cwd"));
    this.st.execs += 1;
    this.emit({
      type: "exec",
      key: p.key,
      timeNs,
      comm: stat.comm,
      ...(exe === undefined ? {} : { exe }),
      argv,
      ...(cwd === undefined ? {} : { cwd }),
      env: this.readEnv(p.key.pid),
    });
  }

  private readIdentity(
    pid: number,
    withContext: boolean,
  ): { argv: string[]; exe?: string; cwd?: string; env?: OwnEnv } {
    const limit = Math.min(CMDLINE_READ_LIMIT_MAX, this.maxArgs * (this.maxArgLength + 1));
    const raw = this.reader.readBytes(this.reader.path(pid, "cmdline"), limit);
    const argv = raw === undefined ? [] : parseCmdline(raw.data, this.maxArgs, this.maxArgLength, raw.truncated);
    const exe = this.reader.readLink(this.reader.path(pid, "exe"));
    if (!withContext) return { argv, ...(exe === undefined ? {} : { exe }) };
    const cwd = this.reader.readLink(this.reader.path(pid, "cwd"));
    return {
      argv,
      ...(exe === undefined ? {} : { exe }),
      ...(cwd === undefined ? {} : { cwd }),
      env: this.readEnv(pid),
    };
  }

  private readEnv(pid: number): OwnEnv {
    if (this.envKeys.size === 0) return {};
    const raw = this.reader.readBytes(this.reader.path(pid, "environ"), ENVIRON_READ_LIMIT);
    return raw === undefined ? {} : parseEnviron(raw.data, this.envKeys, ENV_VALUE_MAX);
  }

  /** Read status and io, merge with the stat values into the cumulative counters; emit when changed. */
  private sampleCounters(p: Tracked, stat: Stat, timeNs: number): void {
    p.counters = this.readCounters(p, stat, false).counters;
    if (sameCounters(p.counters, p.emitted)) return;
    p.emitted = p.counters;
    this.emit({ type: "counters", key: p.key, timeNs, counters: p.counters });
  }

  private readCounters(p: Tracked, stat: Stat, final: boolean): { counters: ProcessCounters; ioReadable: boolean } {
    const c: ProcessCounters = { ...p.counters };
    c.cpuUserNs = Math.round(stat.utime * this.nsPerTick);
    c.cpuSystemNs = Math.round(stat.stime * this.nsPerTick);
    c.childrenCpuNs = Math.round((stat.cutime + stat.cstime) * this.nsPerTick);
    c.minorFaults = stat.minflt;
    c.majorFaults = stat.majflt;
    p.statusAge += 1;
    const readStatus = final || stat.raw !== p.statusStat || p.statusAge >= STATUS_REFRESH_TICKS;
    const status = readStatus ? this.readTickFile(p, "status", 16 * 1024) : undefined;
    if (readStatus) {
      p.statusStat = stat.raw;
      p.statusAge = 0;
    }
    if (status !== undefined) {
      const s = parseStatus(status.text);
      if (s.peakRssBytes !== undefined) c.peakRssBytes = Math.max(s.peakRssBytes, c.peakRssBytes ?? 0);
      if (s.voluntaryCtxSwitches !== undefined) c.voluntaryCtxSwitches = s.voluntaryCtxSwitches;
      if (s.involuntaryCtxSwitches !== undefined) c.involuntaryCtxSwitches = s.involuntaryCtxSwitches;
    }
    const io = this.readTickFile(p, "io", 16 * 1024);
    if (io !== undefined) {
      const { fields, malformed } = parseIo(io.text);
      if (malformed) this.warnOnce("io", `procfs: malformed ${this.reader.path(p.key.pid, "io")}; bad lines ignored`);
      if (fields.rchar !== undefined) c.fileReadBytes = fields.rchar;
      if (fields.wchar !== undefined) c.fileWriteBytes = fields.wchar;
      if (fields.readBytes !== undefined) c.diskReadBytes = fields.readBytes;
      if (fields.writeBytes !== undefined) c.diskWriteBytes = fields.writeBytes;
      if (fields.cancelledWriteBytes !== undefined) c.diskCancelledWriteBytes = fields.cancelledWriteBytes;
    }
    return { counters: c, ioReadable: io !== undefined };
  }

  /**
   * A zombie still has its final CPU times, fault counts, context switches and I/O accounting, and stat field 52
   * holds its wait status: report an observed exit with those. The kernel prints 0 for field 52 when the reader
   * may not ptrace the process; /proc/<pid>/io has the same permission check, so a readable io file (or root)
   * tells a real 0 from a masked one.
   */
  private captureZombie(p: Tracked, stat: Stat, timeNs: number): void {
    const { counters, ioReadable } = this.readCounters(p, stat, true);
    p.counters = counters;
    const permitted = ioReadable || process.getuid?.() === 0 || (stat.exitCode ?? 0) !== 0;
    const status = permitted && stat.exitCode !== undefined ? decodeWaitStatus(stat.exitCode) : {};
    p.exited = true;
    this.st.exitsObserved += 1;
    this.emit({
      type: "exit",
      key: p.key,
      timeNs,
      ...status,
      observedExit: true,
      counters: p.counters,
    });
  }

  private emitUnobservedExit(p: Tracked, timeNs: number): void {
    p.exited = true;
    this.st.exitsUnobserved += 1;
    this.emit({ type: "exit", key: p.key, timeNs, observedExit: false, counters: p.counters });
  }

  private readStat(pid: number): StatRead {
    const r = this.reader.readText(this.reader.path(pid, "stat"), 4096, true);
    return r === undefined ? "gone" : this.parseStatText(pid, r);
  }

  private parseStatText(pid: number, r: { text: string; truncated: boolean }): StatRead {
    const stat = r.truncated ? undefined : parseStat(r.text);
    if (stat === undefined || stat.pid !== pid) {
      this.warnOnce(
        "stat",
        `procfs: malformed ${this.reader.path(pid, "stat")} (${JSON.stringify(r.text.slice(0, 120))}); skipped`,
      );
      return "bad";
    }
    return { ...stat, raw: r.text };
  }

  private emit(event: SourceEvent): void {
    try {
      this.sink?.onEvent(event);
    } catch (err) {
      this.warnOnce("sink", `procfs: the event sink threw (${String(err)}); events may be missing`);
    }
  }

  private warnOnce(kind: string, message: string): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    try {
      this.onWarning(message);
    } catch {
      // a warning callback must not break sampling
    }
  }

  private timeNs(): number {
    return Math.round(this.now() * 1e6);
  }

  /** Wall start = boot + starttime/CLK_TCK: starttime is truncated to a tick, so this is up to 1 tick early. */
  private startTimeNs(startTicks: number): number {
    return Math.round((this.bootMs + (startTicks * 1000) / this.clockTicks) * 1e6);
  }
}
