// Decoders for the Buffers the addon returns, driven by the records' layout the addon exports (`layout`, read
// from the BTF of the compiled BPF object: every member of every record in native/bpf/pipespan.h, with its
// offset, size and C type). Nothing here repeats the C layout: a field added to a record in pipespan.h is
// decoded by its C type under its camelCased name (a few long-standing names are renamed, JS_NAMES), and a
// field of a type this file cannot decode fails the layout check at first use (and test/layout.test.mjs).
//
// Number vs BigInt: counters (ns, bytes, counts) are Numbers, exact below 2^53 (104 days of ns, 8 PiB);
// timestamps and identities (CLOCK_BOOTTIME ns, cgroup ids: BIGINT_FIELD) are BigInt so that they compare exactly.

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export const EVENT_FORK = 1;
export const EVENT_EXEC = 2;
export const EVENT_EXIT = 3;
export const EVENT_OOM = 4;

export const EXEC_FILENAME_TRUNCATED = 0x1;
export const EXEC_ARGS_TRUNCATED = 0x2;
export const EXEC_ARGS_UNREADABLE = 0x4;
export const EXEC_ENV_TRUNCATED = 0x8;
export const EXEC_ENV_UNREADABLE = 0x10;
export const EXIT_OOM_KILLED = 0x1;
export const COUNTERS_EXITED = 0x1;
export const COUNTERS_OOM_KILLED = 0x2;

/**
 * Environment keys the kernel side keeps at exec (lifecycle.bpf.c): every key starting with ENV_KEPT_PREFIX, and
 * these exact keys. A reader that wants another key must read /proc/<pid>/environ for it.
 */
export const ENV_KEPT_PREFIX = "PIPESPAN_";
export const ENV_KEPT_KEYS = Object.freeze(["TRACEPARENT", "TRACESTATE", "NXF_TASK_WORKDIR"]);

/** C names whose JS name is not their camelCase (kept stable for the consumers). */
const JS_NAMES = {
  oncpu_ns: "onCpuNs",
  runq_ns: "runQueueNs",
  offcpu_d_ns: "offCpuUninterruptibleNs",
  offcpu_iowait_ns: "offCpuIoWaitNs",
  offcpu_sleep_ns: "offCpuSleepNs",
  offcpu_other_ns: "offCpuOtherNs",
  nvcsw: "voluntarySwitches",
  nivcsw: "involuntarySwitches",
  blk_read_bytes: "blockReadBytes",
  blk_write_bytes: "blockWriteBytes",
  blk_read_ops: "blockReadOps",
  blk_write_ops: "blockWriteOps",
  exit_maj_flt: "exitMajorFaults",
  exit_min_flt: "exitMinorFaults",
  exit_maxrss_bytes: "exitMaxRssBytes",
};
/** u64 fields decoded as BigInt: timestamps and identities. */
const BIGINT_FIELD = /(^|_)ts_ns$|boottime_ns$|^first_seen_ns$|_id$/;
/** Variable-length tails, read by their record's decoder through the *_len fields. */
const TAILS = new Set(["data"]);

/** @typedef {{ offset: number, size: number, type: string, count?: number }} CField */
/** @typedef {{ size: number, hostSize?: number, fields: Record<string, CField> }} CStruct */
/** @typedef {Record<string, CStruct> & { constants: Record<string, number> }} CLayout */
/** @typedef {(buf: Buffer, off: number) => unknown} Reader */
/** @typedef {{ js: string, offset: number, read: Reader }} Field */
/** @typedef {{ size: number, fields: Field[], offsets: Record<string, number> }} Struct */

/** "start_boottime_ns" -> "startBoottimeNs"; the last path component of "h.tgid" / "hist.sum_ns". */
export function jsName(/** @type {string} */ cName) {
  const last = cName.slice(cName.lastIndexOf(".") + 1);
  return (
    JS_NAMES[/** @type {keyof typeof JS_NAMES} */ (last)] ?? last.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())
  );
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** @param {Buffer} buf @param {number} start @param {number} end */
function text(buf, start, end) {
  return utf8.decode(buf.subarray(start, end));
}

/** @param {Buffer} buf @param {number} off */
function u64(buf, off) {
  return buf.readUInt32LE(off) + buf.readUInt32LE(off + 4) * 0x1_0000_0000;
}

/** @param {Buffer} buf @param {number} off */
function s64(buf, off) {
  return Number(buf.readBigInt64LE(off));
}

/**
 * The reader of one field, from its C type; throws for a type the decoder does not know.
 * @param {string} cName @param {CField} f @returns {Reader}
 */
function readerOf(cName, f) {
  const last = cName.slice(cName.lastIndexOf(".") + 1);
  const big = BIGINT_FIELD.test(last);
  /** @type {Record<string, Reader>} */
  const scalar = {
    u8: (b, o) => b.readUInt8(o),
    s8: (b, o) => b.readInt8(o),
    u16: (b, o) => b.readUInt16LE(o),
    s16: (b, o) => b.readInt16LE(o),
    u32: (b, o) => b.readUInt32LE(o),
    s32: (b, o) => b.readInt32LE(o),
    u64: big ? (b, o) => b.readBigUInt64LE(o) : u64,
    s64: big ? (b, o) => b.readBigInt64LE(o) : s64,
  };
  if (f.count !== undefined) {
    const n = f.count;
    if (f.type === "char") return (b, o) => cstr(b, o, n);
    const one = scalar[f.type];
    const step = n > 0 ? f.size / n : 0;
    if (!one || step * n !== f.size) throw new Error(`cannot decode ${cName}: array of ${f.type}`);
    return (b, o) => {
      const out = [];
      for (let i = 0; i < n; i++) out.push(one(b, o + i * step));
      return out;
    };
  }
  const one = scalar[f.type];
  if (!one) throw new Error(`cannot decode ${cName}: type ${f.type}`);
  return one;
}

/**
 * Decoders of the records described by an addon layout (loadNative().layout). Checks it: every field decodable,
 * inside its struct, the BPF and host compilers agreeing on the size.
 * @param {CLayout} raw
 */
export function compileLayout(raw) {
  /** @type {Record<string, Struct>} */
  const structs = {};
  for (const [name, s] of Object.entries(raw)) {
    if (name === "constants") continue;
    const st = /** @type {CStruct} */ (s);
    if (st.hostSize !== undefined && st.hostSize !== st.size)
      throw new Error(`${name}: the BPF compiler lays out ${st.size} bytes, the host compiler ${st.hostSize}`);
    /** @type {Field[]} */
    const fields = [];
    /** @type {Record<string, number>} */
    const offsets = {};
    for (const [cName, f] of Object.entries(st.fields)) {
      if (f.offset + f.size > st.size) throw new Error(`${name}.${cName} lies outside the struct`);
      offsets[cName] = f.offset;
      if (cName.endsWith("_pad") || TAILS.has(cName)) continue;
      fields.push({ js: jsName(cName), offset: f.offset, read: readerOf(cName, f) });
    }
    structs[name] = { size: st.size, fields, offsets };
  }
  for (const need of [
    "pp_event_header",
    "pp_fork_event",
    "pp_exec_event",
    "pp_exit_event",
    "pp_oom_event",
    "pp_counters",
    "pp_blk_record",
  ])
    if (!structs[need]) throw new Error(`the addon's layout lacks ${need}`);
  const k = raw.constants ?? {};
  const exec = /** @type {Struct} */ (structs.pp_exec_event);
  return {
    structs,
    constants: k,
    headerSize: /** @type {Struct} */ (structs.pp_event_header).size,
    execDataOffset: /** @type {number} */ (exec.offsets.data),
    commLen: k.PP_COMM_LEN ?? 16,
  };
}

/** @typedef {ReturnType<typeof compileLayout>} Compiled */

/** @type {Compiled | undefined} */
let compiled;

/** Uses this layout from now on (tests; normally the addon's, loaded at first use). @param {CLayout} raw */
export function useLayout(raw) {
  compiled = compileLayout(raw);
  return compiled;
}

const root = fileURLToPath(new URL("..", import.meta.url));
/** Where the compiled addon may be (lib/index.js loads it from the same places). */
export const ADDON_CANDIDATES = ["build/Release/pipespan_native.node", "build/Debug/pipespan_native.node"];

/** The addon's module object (throws a clear error when it has not been built). */
export function requireAddon() {
  const require = createRequire(import.meta.url);
  for (const rel of ADDON_CANDIDATES) {
    const path = `${root}${rel}`;
    if (existsSync(path)) return require(path);
  }
  throw new Error(
    `pipespan native addon is not built (looked for ${ADDON_CANDIDATES.join(", ")} under ${root}): ` +
      "run `cd native && npm install && npx node-gyp rebuild` (needs clang, bpftool, libbpf-dev, libelf-dev, zlib1g-dev)",
  );
}

/** The compiled layout (the addon's, at first use). */
export function layout() {
  compiled ??= compileLayout(requireAddon().layout);
  return compiled;
}

/**
 * Reads the fields of struct `s` at `base` into `out`.
 * @param {Buffer} buf @param {number} base @param {Struct} s @param {Record<string, unknown>} out
 */
function readFields(buf, base, s, out) {
  for (const f of s.fields) out[f.js] = f.read(buf, base + f.offset);
  return out;
}

/** Raised for a buffer that does not hold whole records; `partial` has what was decoded before. */
export class DecodeError extends Error {
  /** @param {string} message @param {unknown[]} partial */
  constructor(message, partial) {
    super(message);
    this.name = "DecodeError";
    this.partial = partial;
  }
}

/** NUL-padded fixed char array -> string. @param {Buffer} buf @param {number} off @param {number} len */
function cstr(buf, off, len) {
  const nul = buf.indexOf(0, off);
  return text(buf, off, nul >= 0 && nul < off + len ? nul : off + len);
}

/**
 * The argv block as in /proc/<pid>/cmdline: NUL-separated, a trailing NUL ends the last argument.
 * @param {Buffer} buf @param {number} start @param {number} end
 * @returns {string[]}
 */
export function splitArgs(buf, start = 0, end = buf.length) {
  /** @type {string[]} */
  const args = [];
  let s = start;
  while (s < end) {
    let e = buf.indexOf(0, s);
    if (e < 0 || e > end) e = end;
    args.push(text(buf, s, e));
    s = e + 1;
  }
  return args;
}

/**
 * The raw wait status of an exit (pp_exit_event.exit_code, pp_counters.exit_code), as waitpid() reports it.
 * @param {number} raw
 * @returns {{ exitCode: number | null, signal: number | null, coreDumped: boolean }}
 */
export function exitStatus(raw) {
  const signal = raw & 0x7f;
  if (signal !== 0) return { exitCode: null, signal, coreDumped: (raw & 0x80) !== 0 };
  return { exitCode: (raw >> 8) & 0xff, signal: null, coreDumped: false };
}

/**
 * @typedef {{ type: number, flags: number, size: number, tsNs: bigint, tgid: number, pid: number,
 *   startBoottimeNs: bigint }} EventHeader
 * @typedef {EventHeader & { kind: "fork", ppid: number, parentPid: number, parentStartBoottimeNs: bigint }} ForkEvent
 * @typedef {EventHeader & { kind: "exec", ppid: number, oldPid: number, cgroupId: bigint, uid: number, argc: number,
 *   comm: string, filename: string, args: string[], env: Record<string, string>, filenameTruncated: boolean,
 *   argsTruncated: boolean, argsUnreadable: boolean, envTruncated: boolean, envUnreadable: boolean }} ExecEvent
 * @typedef {EventHeader & { kind: "exit", ppid: number, exitCode: number, comm: string, oomKilled: boolean,
 *   status: ReturnType<typeof exitStatus> }} ExitEvent
 * @typedef {EventHeader & { kind: "oom", rssBytes: number, totalVmBytes: number }} OomEvent
 * @typedef {EventHeader & { kind: "unknown" }} UnknownEvent
 * @typedef {ForkEvent | ExecEvent | ExitEvent | OomEvent | UnknownEvent} KernelEvent
 */

/**
 * Decodes the records of one pollEvents() Buffer, lazily.
 * @param {Buffer} buf
 * @returns {Generator<KernelEvent>}
 */
export function* iterateEvents(buf) {
  const L = layout();
  const S = L.structs;
  const headerSize = L.headerSize;
  const sizeAt = /** @type {number} */ (S.pp_event_header?.offsets.size);
  const typeAt = /** @type {number} */ (S.pp_event_header?.offsets.type);
  const dataAt = L.execDataOffset;
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < headerSize) throw new DecodeError(`truncated event header at offset ${off}`, []);
    const size = buf.readUInt32LE(off + sizeAt);
    if (size < headerSize || off + size > buf.length)
      throw new DecodeError(`event at offset ${off} claims ${size} bytes, ${buf.length - off} left`, []);
    const type = buf.readUInt16LE(off + typeAt);
    /** @type {Struct | undefined} */
    const st =
      type === EVENT_FORK
        ? S.pp_fork_event
        : type === EVENT_EXEC
          ? S.pp_exec_event
          : type === EVENT_EXIT
            ? S.pp_exit_event
            : type === EVENT_OOM
              ? S.pp_oom_event
              : undefined;
    /** @type {Record<string, unknown>} */
    let ev;
    if (!st) {
      ev = readFields(buf, off, /** @type {Struct} */ (S.pp_event_header), {});
      ev.kind = "unknown"; // a newer kernel side: skip it, keep going
    } else {
      const min = type === EVENT_EXEC ? dataAt : st.size;
      if (size < min) throw new DecodeError(`event type ${type} at offset ${off} too short (${size} < ${min})`, []);
      ev = readFields(buf, off, st, {});
      const flags = /** @type {number} */ (ev.flags);
      if (type === EVENT_FORK) ev.kind = "fork";
      else if (type === EVENT_EXEC) {
        ev.kind = "exec";
        const flen = /** @type {number} */ (ev.filenameLen);
        const alen = /** @type {number} */ (ev.argsLen);
        const elen = /** @type {number} */ (ev.envLen ?? 0);
        if (dataAt + flen + alen + elen > size)
          throw new DecodeError(`exec event at offset ${off}: lengths exceed the record`, []);
        const data = off + dataAt;
        ev.filename = text(buf, data, data + flen);
        ev.args = splitArgs(buf, data + flen, data + flen + alen);
        ev.env = envEntries(buf, data + flen + alen, data + flen + alen + elen);
        ev.filenameTruncated = (flags & EXEC_FILENAME_TRUNCATED) !== 0;
        ev.argsTruncated = (flags & EXEC_ARGS_TRUNCATED) !== 0;
        ev.argsUnreadable = (flags & EXEC_ARGS_UNREADABLE) !== 0;
        ev.envTruncated = (flags & EXEC_ENV_TRUNCATED) !== 0;
        ev.envUnreadable = (flags & EXEC_ENV_UNREADABLE) !== 0;
        delete ev.filenameLen;
        delete ev.argsLen;
        delete ev.envLen;
      } else if (type === EVENT_EXIT) {
        ev.kind = "exit";
        ev.oomKilled = (flags & EXIT_OOM_KILLED) !== 0;
        ev.status = exitStatus(/** @type {number} */ (ev.exitCode));
      } else ev.kind = "oom";
    }
    const event = /** @type {KernelEvent} */ (/** @type {unknown} */ (ev));
    yield event;
    off += (size + 7) & ~7;
  }
}

/**
 * The kept environment entries of an exec record (NUL-separated KEY=VALUE): the first occurrence of a key wins,
 * as with getenv(); an entry without '=' is passed over.
 * @param {Buffer} buf @param {number} start @param {number} end
 * @returns {Record<string, string>}
 */
export function envEntries(buf, start, end) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const entry of splitArgs(buf, start, end)) {
    const eq = entry.indexOf("=");
    if (eq <= 0) continue;
    const key = entry.slice(0, eq);
    if (!Object.hasOwn(out, key)) out[key] = entry.slice(eq + 1);
  }
  return out;
}

/**
 * All records of one pollEvents() Buffer. On a malformed record, throws DecodeError with the events decoded
 * before it in `partial`.
 * @param {Buffer} buf
 * @returns {KernelEvent[]}
 */
export function decodeEvents(buf) {
  /** @type {KernelEvent[]} */
  const out = [];
  try {
    for (const ev of iterateEvents(buf)) out.push(ev);
  } catch (err) {
    if (err instanceof DecodeError) throw new DecodeError(err.message, out);
    throw err;
  }
  return out;
}

/**
 * @typedef {{ tgid: number, flags: number, startBoottimeNs: bigint, firstSeenNs: bigint, onCpuNs: number,
 *   runQueueNs: number, offCpuUninterruptibleNs: number, offCpuIoWaitNs: number, offCpuSleepNs: number,
 *   offCpuOtherNs: number, voluntarySwitches: number, involuntarySwitches: number, blockReadBytes: number,
 *   blockWriteBytes: number, blockReadOps: number, blockWriteOps: number, netTxBytes: number, netRxBytes: number,
 *   exitCpuNs: number, exitRchar: number, exitWchar: number, exitReadBytes: number, exitWriteBytes: number,
 *   exitCancelledWriteBytes: number, exitMajorFaults: number, exitMinorFaults: number, exitMaxRssBytes: number,
 *   exitTsNs: bigint, exitCode: number, exitThreads: number, blkLastDev: number, activeThreads: number, exited: boolean,
 *   oomKilled: boolean }} ProcessCounters
 */

/**
 * @param {Buffer} buf a readCounters() Buffer
 * @returns {ProcessCounters[]}
 */
export function decodeCounters(buf) {
  const st = /** @type {Struct} */ (layout().structs.pp_counters);
  const size = st.size;
  if (buf.length % size !== 0)
    throw new DecodeError(`counters buffer of ${buf.length} bytes is not a multiple of ${size}`, []);
  /** @type {ProcessCounters[]} */
  const out = [];
  for (let off = 0; off < buf.length; off += size) {
    /** @type {Record<string, unknown>} */
    const c = readFields(buf, off, st, {});
    const flags = /** @type {number} */ (c.flags);
    c.exited = (flags & COUNTERS_EXITED) !== 0;
    c.oomKilled = (flags & COUNTERS_OOM_KILLED) !== 0;
    out.push(/** @type {ProcessCounters} */ (/** @type {unknown} */ (c)));
  }
  return out;
}

export const BLOCK_OP_NAMES = ["read", "write", "other"];

/**
 * @typedef {{ major: number, minor: number, op: number, opName: string, count: number, sumNs: number,
 *   bytes: number, slots: number[] }} BlockLatency
 * slots[i] counts requests whose issue->complete latency was in [2^i, 2^(i+1)) ns (slot 0 also 0-1 ns; the
 * last slot is open-ended).
 */

/**
 * @param {Buffer} buf a readBlockLatency() Buffer
 * @returns {BlockLatency[]}
 */
export function decodeBlockLatency(buf) {
  const st = /** @type {Struct} */ (layout().structs.pp_blk_record);
  const size = st.size;
  if (buf.length % size !== 0)
    throw new DecodeError(`block latency buffer of ${buf.length} bytes is not a multiple of ${size}`, []);
  /** @type {BlockLatency[]} */
  const out = [];
  for (let off = 0; off < buf.length; off += size) {
    /** @type {Record<string, unknown>} */
    const r = readFields(buf, off, st, {});
    r.opName = BLOCK_OP_NAMES[/** @type {number} */ (r.op)] ?? "other";
    out.push(/** @type {BlockLatency} */ (/** @type {unknown} */ (r)));
  }
  return out;
}

/**
 * Upper bound (ns) of the slot holding quantile q (0..1) of a log2 histogram; 0 for an empty one.
 * @param {number[]} slots @param {number} q
 */
export function histogramQuantileNs(slots, q) {
  const total = slots.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  const target = Math.max(1, Math.ceil(total * q));
  let seen = 0;
  for (let i = 0; i < slots.length; i++) {
    seen += slots[i] ?? 0;
    if (seen >= target) return 2 ** (i + 1);
  }
  return 2 ** slots.length;
}
