// Pure parsers for the procfs files the sampler reads. Everything here treats its input as untrusted: a parser
// returns undefined (or leaves a field undefined) for content it cannot make sense of and never throws.

/** The fields of /proc/<pid>/stat the sampler uses (see proc_pid_stat(5)). Tick values are clock ticks. */
export interface StatFields {
  readonly pid: number;
  /** Short name between the first '(' and the LAST ')' — comm may itself contain spaces, '(' and ')'. */
  readonly comm: string;
  /** Field 3: R, S, D, Z, T, t, X, I, ... */
  readonly state: string;
  readonly ppid: number;
  readonly minflt: number;
  readonly majflt: number;
  readonly utime: number;
  readonly stime: number;
  /** Field 16/17: CPU of children this process has waited for (reaped), cumulative. */
  readonly cutime: number;
  readonly cstime: number;
  readonly numThreads: number;
  /** Field 22: start time in clock ticks since boot. */
  readonly starttime: number;
  /**
   * Cheap "which image is this" fingerprint: startcode, endcode, startstack, arg_start, env_start (fields 26-28,
   * 48, 50). They change on execve (new mm; ASLR moves them even for the same binary). The kernel prints 0 for
   * them when the reader may not ptrace the process and for zombies / kernel threads; then this is "".
   */
  readonly imageFingerprint: string;
  /** Field 52: the wait(2) status of an exited (zombie) process; 0 while alive or when not permitted. */
  readonly exitCode?: number;
}

/** Index into the tokens after "pid (comm) " for 1-based stat field n (field 3, state, is token 0). */
const f = (n: number): number => n - 3;

function nonNegInt(token: string | undefined): number | undefined {
  if (token === undefined || token.length === 0 || token.length > 16) return undefined;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const n = Number(token);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Parse /proc/<pid>/stat. Returns undefined when a field the sampler needs is missing or not a number. */
export function parseStat(text: string): StatFields | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open <= 0 || close < open) return undefined;
  const pid = nonNegInt(text.slice(0, open).trim());
  if (pid === undefined) return undefined;
  const rest = text.slice(close + 1).trim();
  if (rest.length === 0) return undefined;
  const t = rest.split(/\s+/);
  const state = t[0];
  if (state === undefined || !/^[A-Za-z]$/.test(state)) return undefined;
  const ppid = nonNegInt(t[f(4)]);
  const minflt = nonNegInt(t[f(10)]);
  const majflt = nonNegInt(t[f(12)]);
  const utime = nonNegInt(t[f(14)]);
  const stime = nonNegInt(t[f(15)]);
  const cutime = nonNegInt(t[f(16)]);
  const cstime = nonNegInt(t[f(17)]);
  const numThreads = nonNegInt(t[f(20)]);
  const starttime = nonNegInt(t[f(22)]);
  if (
    ppid === undefined ||
    minflt === undefined ||
    majflt === undefined ||
    utime === undefined ||
    stime === undefined ||
    cutime === undefined ||
    cstime === undefined ||
    numThreads === undefined ||
    starttime === undefined
  ) {
    return undefined;
  }
  // Fingerprint fields are kept as strings (addresses can exceed 2^53); "0" everywhere means "not available".
  const fp = [t[f(26)], t[f(27)], t[f(28)], t[f(48)], t[f(50)]].filter((x): x is string => x !== undefined);
  const imageFingerprint = fp.some((x) => x !== "0") ? fp.join(",") : "";
  const exitCode = nonNegInt(t[f(52)]);
  return {
    pid,
    comm: text.slice(open + 1, close),
    state,
    ppid,
    minflt,
    majflt,
    utime,
    stime,
    cutime,
    cstime,
    numThreads,
    starttime,
    imageFingerprint,
    ...(exitCode === undefined ? {} : { exitCode }),
  };
}

export interface StatusFields {
  /** VmHWM (peak resident set) in bytes; absent for zombies and kernel threads. */
  peakRssBytes?: number;
  voluntaryCtxSwitches?: number;
  involuntaryCtxSwitches?: number;
}

/** Parse the few /proc/<pid>/status lines we need; unknown or malformed lines are ignored. */
export function parseStatus(text: string): StatusFields {
  const out: StatusFields = {};
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    if (key !== "VmHWM" && key !== "voluntary_ctxt_switches" && key !== "nonvoluntary_ctxt_switches") continue;
    const value = line.slice(colon + 1).trim();
    if (key === "VmHWM") {
      const m = /^(\d+)\s*kB$/.exec(value);
      const kb = nonNegInt(m?.[1]);
      if (kb !== undefined) out.peakRssBytes = kb * 1024;
    } else {
      const n = nonNegInt(value);
      if (n === undefined) continue;
      if (key === "voluntary_ctxt_switches") out.voluntaryCtxSwitches = n;
      else out.involuntaryCtxSwitches = n;
    }
  }
  return out;
}

export interface IoFields {
  rchar?: number;
  wchar?: number;
  readBytes?: number;
  writeBytes?: number;
  cancelledWriteBytes?: number;
}

const IO_KEYS: Readonly<Record<string, keyof IoFields>> = {
  rchar: "rchar",
  wchar: "wchar",
  read_bytes: "readBytes",
  write_bytes: "writeBytes",
  cancelled_write_bytes: "cancelledWriteBytes",
};

/**
 * Parse /proc/<pid>/io. A truncated file yields the fields that were complete. `malformed` is true when a line
 * we know had a non-numeric value (the caller reports that once).
 */
export function parseIo(text: string): { fields: IoFields; malformed: boolean } {
  const fields: IoFields = {};
  let malformed = false;
  const lines = text.split("\n");
  // A file cut mid-line: the last line without its newline may be a truncated number; drop it.
  if (!text.endsWith("\n")) lines.pop();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = IO_KEYS[line.slice(0, colon)];
    if (name === undefined) continue;
    const n = nonNegInt(line.slice(colon + 1).trim());
    if (n === undefined) malformed = true;
    else fields[name] = n;
  }
  return { fields, malformed };
}

/**
 * Split /proc/<pid>/cmdline (NUL-separated, usually NUL-terminated). `truncated` says the read hit its byte
 * limit, so the last argument is cut. Arguments longer than maxArgLength are cut and end with "…"; at most
 * maxArgs are kept.
 */
export function parseCmdline(buf: Buffer, maxArgs: number, maxArgLength: number, truncated = false): string[] {
  if (buf.length === 0) return [];
  const parts = buf.toString("utf8").split("\0");
  // A trailing NUL produces one empty element that is not an argument.
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  const out: string[] = [];
  for (let i = 0; i < parts.length && out.length < maxArgs; i++) {
    const arg = parts[i]!;
    const cut = arg.length > maxArgLength || (truncated && i === parts.length - 1);
    out.push(cut ? `${arg.slice(0, maxArgLength)}…` : arg);
  }
  return out;
}

/** Keep only `keys` from /proc/<pid>/environ (NUL-separated KEY=VALUE). The first occurrence of a key wins, like getenv. */
export function parseEnviron(buf: Buffer, keys: ReadonlySet<string>, maxValueLength: number): Record<string, string> {
  const out: Record<string, string> = {};
  if (keys.size === 0 || buf.length === 0) return out;
  let start = 0;
  while (start < buf.length) {
    let end = buf.indexOf(0, start);
    if (end < 0) end = buf.length;
    const eq = buf.indexOf(0x3d /* '=' */, start);
    if (eq > start && eq < end) {
      const key = buf.toString("utf8", start, eq);
      if (keys.has(key) && !Object.hasOwn(out, key)) {
        const value = buf.toString("utf8", eq + 1, end);
        out[key] = value.length > maxValueLength ? value.slice(0, maxValueLength) : value;
      }
    }
    start = end + 1;
  }
  return out;
}

/** Seconds since boot from /proc/uptime ("12345.67 23456.78"). */
export function parseUptime(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isFinite(n) ? n : undefined;
}

/** Boot time (seconds since the epoch) from the btime line of /proc/stat. */
export function parseBtime(text: string): number | undefined {
  const m = /^btime\s+(\d+)\s*$/m.exec(text);
  return m ? nonNegInt(m[1]) : undefined;
}

/** Decode a wait(2) status (stat field 52) into an exit code or a terminating signal. */
export function decodeWaitStatus(status: number): { exitCode?: number; signal?: number } {
  const sig = status & 0x7f;
  if (sig === 0) return { exitCode: (status >> 8) & 0xff };
  if (sig === 0x7f) return {}; // stopped, not an exit status
  return { signal: sig };
}
