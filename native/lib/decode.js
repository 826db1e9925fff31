// Decoders for the Buffers the addon returns. The layouts mirror native/bpf/pipespan.h field by field;
// test/layout.test.mjs checks every offset here against offsetof() compiled into the addon.
//
// Number vs BigInt: counters (ns, bytes, counts) are Numbers, exact below 2^53 (104 days of ns, 8 PiB);
// timestamps and identities (CLOCK_BOOTTIME ns, cgroup ids) are BigInt so that they compare exactly.

export const EVENT_FORK = 1;
export const EVENT_EXEC = 2;
export const EVENT_EXIT = 3;
export const EVENT_OOM = 4;

export const EXEC_FILENAME_TRUNCATED = 0x1;
export const EXEC_ARGS_TRUNCATED = 0x2;
export const EXEC_ARGS_UNREADABLE = 0x4;
export const EXIT_OOM_KILLED = 0x1;
export const COUNTERS_EXITED = 0x1;
export const COUNTERS_OOM_KILLED = 0x2;

export const FILENAME_MAX = 256;
export const ARGS_MAX = 1024;
export const COMM_LEN = 16;
export const HIST_SLOTS = 36;

/** @typedef {"u16" | "u32" | "i32" | "u64" | "u64big" | "comm"} FieldKind */
/** @typedef {[cName: string, jsName: string, kind: FieldKind]} FieldSpec */
/** @typedef {{ size: number, fields: Record<string, { offset: number, kind: FieldKind, js: string }> }} StructLayout */

const SIZES = { u16: 2, u32: 4, i32: 4, u64: 8, u64big: 8, comm: COMM_LEN };
const ALIGN = { u16: 2, u32: 4, i32: 4, u64: 8, u64big: 8, comm: 1 };

/**
 * C layout of a struct of these fields (natural alignment, size rounded to the largest alignment).
 * @param {FieldSpec[]} specs
 * @param {number} [start] offset of the first field (a struct embedded after a header)
 * @returns {StructLayout}
 */
function layoutOf(specs, start = 0) {
  /** @type {StructLayout["fields"]} */
  const fields = {};
  let off = start;
  let maxAlign = 1;
  for (const [cName, js, kind] of specs) {
    const a = ALIGN[kind];
    off = Math.ceil(off / a) * a;
    fields[cName] = { offset: off, kind, js };
    off += SIZES[kind];
    maxAlign = Math.max(maxAlign, a);
  }
  return { size: Math.ceil(off / maxAlign) * maxAlign, fields };
}

/** @type {FieldSpec[]} */
const HEADER_FIELDS = [
  ["type", "type", "u16"],
  ["flags", "flags", "u16"],
  ["size", "size", "u32"],
  ["ts_ns", "tsNs", "u64big"],
  ["tgid", "tgid", "u32"],
  ["pid", "pid", "u32"],
  ["start_boottime_ns", "startBoottimeNs", "u64big"],
];
const HEADER = layoutOf(HEADER_FIELDS);
export const HEADER_SIZE = HEADER.size;

/** Layouts by C struct name (pp_blk_record fields use the C designators "key.major", "hist.slots", ...). */
export const LAYOUT = {
  pp_event_header: HEADER,
  pp_fork_event: layoutOf(
    [
      ["ppid", "ppid", "u32"],
      ["parent_pid", "parentPid", "u32"],
      ["parent_start_boottime_ns", "parentStartBoottimeNs", "u64big"],
    ],
    HEADER.size,
  ),
  pp_exec_event: layoutOf(
    [
      ["ppid", "ppid", "u32"],
      ["old_pid", "oldPid", "u32"],
      ["cgroup_id", "cgroupId", "u64big"],
      ["uid", "uid", "u32"],
      ["argc", "argc", "u32"],
      ["filename_len", "filenameLen", "u16"],
      ["args_len", "argsLen", "u16"],
      ["_pad", "_pad", "u32"],
      ["comm", "comm", "comm"],
    ],
    HEADER.size,
  ),
  pp_exit_event: layoutOf(
    [
      ["ppid", "ppid", "u32"],
      ["exit_code", "exitCode", "i32"],
      ["comm", "comm", "comm"],
    ],
    HEADER.size,
  ),
  pp_oom_event: layoutOf(
    [
      ["rss_bytes", "rssBytes", "u64"],
      ["total_vm_bytes", "totalVmBytes", "u64"],
    ],
    HEADER.size,
  ),
  pp_counters: layoutOf([
    ["tgid", "tgid", "u32"],
    ["flags", "flags", "u32"],
    ["start_boottime_ns", "startBoottimeNs", "u64big"],
    ["first_seen_ns", "firstSeenNs", "u64big"],
    ["oncpu_ns", "onCpuNs", "u64"],
    ["runq_ns", "runQueueNs", "u64"],
    ["offcpu_d_ns", "offCpuUninterruptibleNs", "u64"],
    ["offcpu_iowait_ns", "offCpuIoWaitNs", "u64"],
    ["offcpu_sleep_ns", "offCpuSleepNs", "u64"],
    ["offcpu_other_ns", "offCpuOtherNs", "u64"],
    ["nvcsw", "voluntarySwitches", "u64"],
    ["nivcsw", "involuntarySwitches", "u64"],
    ["blk_read_bytes", "blockReadBytes", "u64"],
    ["blk_write_bytes", "blockWriteBytes", "u64"],
    ["blk_read_ops", "blockReadOps", "u64"],
    ["blk_write_ops", "blockWriteOps", "u64"],
    ["net_tx_bytes", "netTxBytes", "u64"],
    ["net_rx_bytes", "netRxBytes", "u64"],
    ["exit_cpu_ns", "exitCpuNs", "u64"],
    ["exit_rchar", "exitRchar", "u64"],
    ["exit_wchar", "exitWchar", "u64"],
    ["exit_read_bytes", "exitReadBytes", "u64"],
    ["exit_write_bytes", "exitWriteBytes", "u64"],
    ["exit_cancelled_write_bytes", "exitCancelledWriteBytes", "u64"],
    ["exit_maj_flt", "exitMajorFaults", "u64"],
    ["exit_min_flt", "exitMinorFaults", "u64"],
    ["exit_maxrss_bytes", "exitMaxRssBytes", "u64"],
    ["exit_ts_ns", "exitTsNs", "u64big"],
    ["exit_code", "exitCode", "i32"],
    ["exit_threads", "exitThreads", "u32"],
    ["blk_last_dev", "blkLastDev", "u32"],
    ["active_threads", "activeThreads", "u32"],
  ]),
  pp_blk_record: layoutOf([
    ["key.major", "major", "u32"],
    ["key.minor", "minor", "u32"],
    ["key.op", "op", "u32"],
    ["key._pad", "_pad", "u32"],
    ["hist.count", "count", "u64"],
    ["hist.sum_ns", "sumNs", "u64"],
    ["hist.bytes", "bytes", "u64"],
  ]),
};
// the exec record's variable part, and the histogram slots (u64[HIST_SLOTS]) closing pp_blk_record
export const EXEC_DATA_OFFSET = LAYOUT.pp_exec_event.size;
const BLK_SLOTS_OFFSET = LAYOUT.pp_blk_record.size;
LAYOUT.pp_exec_event = { ...LAYOUT.pp_exec_event, size: EXEC_DATA_OFFSET + FILENAME_MAX + ARGS_MAX };
LAYOUT.pp_blk_record = { ...LAYOUT.pp_blk_record, size: BLK_SLOTS_OFFSET + HIST_SLOTS * 8 };
/** Offsets of array fields not described by FieldSpec. */
export const EXTRA_OFFSETS = { "pp_exec_event.data": EXEC_DATA_OFFSET, "pp_blk_record.hist.slots": BLK_SLOTS_OFFSET };

/** Raised for a buffer that does not hold whole records; `partial` has what was decoded before. */
export class DecodeError extends Error {
  /** @param {string} message @param {unknown[]} partial */
  constructor(message, partial) {
    super(message);
    this.name = "DecodeError";
    this.partial = partial;
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** @param {Buffer} buf @param {number} start @param {number} end */
function text(buf, start, end) {
  return utf8.decode(buf.subarray(start, end));
}

/** NUL-padded fixed char array -> string. @param {Buffer} buf @param {number} off @param {number} len */
function cstr(buf, off, len) {
  const nul = buf.indexOf(0, off);
  return text(buf, off, nul >= 0 && nul < off + len ? nul : off + len);
}

/** @param {Buffer} buf @param {number} off */
function u64(buf, off) {
  return buf.readUInt32LE(off) + buf.readUInt32LE(off + 4) * 0x1_0000_0000;
}

/**
 * Reads the fields of `layout` at `base` into `out` (skipping padding fields).
 * @param {Buffer} buf @param {number} base @param {StructLayout} layout @param {Record<string, unknown>} out
 */
function readFields(buf, base, layout, out) {
  for (const { offset, kind, js } of Object.values(layout.fields)) {
    if (js === "_pad") continue;
    const o = base + offset;
    switch (kind) {
      case "u16":
        out[js] = buf.readUInt16LE(o);
        break;
      case "u32":
        out[js] = buf.readUInt32LE(o);
        break;
      case "i32":
        out[js] = buf.readInt32LE(o);
        break;
      case "u64":
        out[js] = u64(buf, o);
        break;
      case "u64big":
        out[js] = buf.readBigUInt64LE(o);
        break;
      case "comm":
        out[js] = cstr(buf, o, COMM_LEN);
        break;
    }
  }
  return out;
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
 *   comm: string, filename: string, args: string[], filenameTruncated: boolean, argsTruncated: boolean,
 *   argsUnreadable: boolean }} ExecEvent
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
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < HEADER_SIZE) throw new DecodeError(`truncated event header at offset ${off}`, []);
    const size = buf.readUInt32LE(off + HEADER.fields.size.offset);
    if (size < HEADER_SIZE || off + size > buf.length)
      throw new DecodeError(`event at offset ${off} claims ${size} bytes, ${buf.length - off} left`, []);
    /** @type {Record<string, unknown>} */
    const ev = readFields(buf, off, HEADER, {});
    const need = (/** @type {number} */ min) => {
      if (size < min) throw new DecodeError(`event type ${ev.type} at offset ${off} too short (${size} < ${min})`, []);
    };
    switch (ev.type) {
      case EVENT_FORK:
        need(LAYOUT.pp_fork_event.size);
        ev.kind = "fork";
        readFields(buf, off, LAYOUT.pp_fork_event, ev);
        break;
      case EVENT_EXEC: {
        need(EXEC_DATA_OFFSET);
        ev.kind = "exec";
        readFields(buf, off, LAYOUT.pp_exec_event, ev);
        const flen = /** @type {number} */ (ev.filenameLen);
        const alen = /** @type {number} */ (ev.argsLen);
        if (EXEC_DATA_OFFSET + flen + alen > size)
          throw new DecodeError(`exec event at offset ${off}: lengths exceed the record`, []);
        const data = off + EXEC_DATA_OFFSET;
        ev.filename = text(buf, data, data + flen);
        ev.args = splitArgs(buf, data + flen, data + flen + alen);
        const flags = /** @type {number} */ (ev.flags);
        ev.filenameTruncated = (flags & EXEC_FILENAME_TRUNCATED) !== 0;
        ev.argsTruncated = (flags & EXEC_ARGS_TRUNCATED) !== 0;
        ev.argsUnreadable = (flags & EXEC_ARGS_UNREADABLE) !== 0;
        delete ev.filenameLen;
        delete ev.argsLen;
        break;
      }
      case EVENT_EXIT:
        need(LAYOUT.pp_exit_event.size);
        ev.kind = "exit";
        readFields(buf, off, LAYOUT.pp_exit_event, ev);
        ev.oomKilled = (Number(ev.flags) & EXIT_OOM_KILLED) !== 0;
        ev.status = exitStatus(/** @type {number} */ (ev.exitCode));
        break;
      case EVENT_OOM:
        need(LAYOUT.pp_oom_event.size);
        ev.kind = "oom";
        readFields(buf, off, LAYOUT.pp_oom_event, ev);
        break;
      default:
        ev.kind = "unknown"; // a newer kernel side: skip it, keep going
    }
    const event = /** @type {KernelEvent} */ (/** @type {unknown} */ (ev));
    yield event;
    off += (size + 7) & ~7;
  }
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
  const size = LAYOUT.pp_counters.size;
  if (buf.length % size !== 0)
    throw new DecodeError(`counters buffer of ${buf.length} bytes is not a multiple of ${size}`, []);
  /** @type {ProcessCounters[]} */
  const out = [];
  for (let off = 0; off < buf.length; off += size) {
    /** @type {Record<string, unknown>} */
    const c = readFields(buf, off, LAYOUT.pp_counters, {});
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
  const size = LAYOUT.pp_blk_record.size;
  if (buf.length % size !== 0)
    throw new DecodeError(`block latency buffer of ${buf.length} bytes is not a multiple of ${size}`, []);
  /** @type {BlockLatency[]} */
  const out = [];
  for (let off = 0; off < buf.length; off += size) {
    /** @type {Record<string, unknown>} */
    const r = readFields(buf, off, LAYOUT.pp_blk_record, {});
    const slots = [];
    for (let i = 0; i < HIST_SLOTS; i++) slots.push(u64(buf, off + BLK_SLOTS_OFFSET + i * 8));
    r.slots = slots;
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
