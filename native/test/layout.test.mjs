// decode.js against the C layout compiled into the addon (no privileges needed), and the decoders on
// hand-built and malformed buffers.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  DecodeError,
  decodeBlockLatency,
  decodeCounters,
  decodeEvents,
  EVENT_EXEC,
  EVENT_EXIT,
  EXEC_ARGS_TRUNCATED,
  EXEC_DATA_OFFSET,
  EXTRA_OFFSETS,
  exitStatus,
  HEADER_SIZE,
  HIST_SLOTS,
  histogramQuantileNs,
  LAYOUT,
  splitArgs,
} from "../lib/decode.js";
import { loadNative } from "../lib/index.js";

const native = loadNative();

describe("layout", () => {
  test("every struct decode.js reads has the addon's size and field offsets", () => {
    for (const [name, layout] of Object.entries(LAYOUT)) {
      const c = native.layout[name];
      assert.ok(c, `addon exports no layout for ${name}`);
      assert.equal(layout.size, c.size, `${name} size`);
      for (const [field, { offset }] of Object.entries(layout.fields)) {
        if (field.endsWith("_pad")) continue;
        assert.equal(offset, c.fields[field], `${name}.${field}`);
      }
      // and nothing the addon knows is missing here
      for (const field of Object.keys(c.fields)) {
        const extra = EXTRA_OFFSETS[/** @type {keyof typeof EXTRA_OFFSETS} */ (`${name}.${field}`)];
        if (extra !== undefined) assert.equal(extra, c.fields[field], `${name}.${field}`);
        else assert.ok(layout.fields[field], `decode.js lacks ${name}.${field}`);
      }
    }
  });

  test("constants agree", () => {
    const k = native.layout.constants;
    assert.equal(k.PP_HIST_SLOTS, HIST_SLOTS);
    assert.equal(k.PP_EXEC_FIXED_SIZE, EXEC_DATA_OFFSET);
    assert.equal(k.PP_EV_EXEC, EVENT_EXEC);
    assert.equal(k.PP_EV_EXIT, EVENT_EXIT);
    assert.equal(k.PP_EXEC_ARGS_TRUNCATED, EXEC_ARGS_TRUNCATED);
  });
});

/**
 * An exec record as the kernel writes it.
 * @param {string | Buffer} filename @param {string} argBlock @param {number} [flags]
 */
function execRecord(filename, argBlock, flags = 0) {
  const f = Buffer.from(filename);
  const a = Buffer.from(argBlock);
  const size = EXEC_DATA_OFFSET + f.length + a.length;
  const buf = Buffer.alloc((size + 7) & ~7);
  const h = LAYOUT.pp_event_header.fields;
  const e = LAYOUT.pp_exec_event.fields;
  buf.writeUInt16LE(EVENT_EXEC, h.type.offset);
  buf.writeUInt16LE(flags, h.flags.offset);
  buf.writeUInt32LE(size, h.size.offset);
  buf.writeBigUInt64LE(123n, h.ts_ns.offset);
  buf.writeUInt32LE(42, h.tgid.offset);
  buf.writeUInt32LE(42, h.pid.offset);
  buf.writeBigUInt64LE(99n, h.start_boottime_ns.offset);
  buf.writeUInt32LE(7, e.ppid.offset);
  buf.writeUInt32LE(3, e.argc.offset);
  buf.writeUInt16LE(f.length, e.filename_len.offset);
  buf.writeUInt16LE(a.length, e.args_len.offset);
  buf.write("true", e.comm.offset);
  f.copy(buf, EXEC_DATA_OFFSET);
  a.copy(buf, EXEC_DATA_OFFSET + f.length);
  return buf;
}

/** @param {number} code raw wait status */
function exitRecord(code) {
  const buf = Buffer.alloc(LAYOUT.pp_exit_event.size);
  const h = LAYOUT.pp_event_header.fields;
  buf.writeUInt16LE(EVENT_EXIT, h.type.offset);
  buf.writeUInt32LE(buf.length, h.size.offset);
  buf.writeUInt32LE(42, h.tgid.offset);
  buf.writeInt32LE(code, LAYOUT.pp_exit_event.fields.exit_code.offset);
  return buf;
}

describe("decoders", () => {
  test("exec and exit records, back to back with padding", () => {
    const buf = Buffer.concat([execRecord("/bin/echo", "echo\0hi there\0x\0"), exitRecord(3 << 8)]);
    const [exec, exit] = decodeEvents(buf);
    assert.ok(exec?.kind === "exec" && exit?.kind === "exit");
    assert.equal(exec.filename, "/bin/echo");
    assert.deepEqual(exec.args, ["echo", "hi there", "x"]);
    assert.equal(exec.tsNs, 123n);
    assert.equal(exec.startBoottimeNs, 99n);
    assert.equal(exec.ppid, 7);
    assert.equal(exec.argc, 3);
    assert.equal(exec.comm, "true");
    assert.equal(exec.argsTruncated, false);
    assert.deepEqual(exit.status, { exitCode: 3, signal: null, coreDumped: false });
  });

  test("a truncated argv block keeps its partial last argument and says so", () => {
    const [exec] = decodeEvents(execRecord("/x", "a\0bc", EXEC_ARGS_TRUNCATED));
    assert.ok(exec?.kind === "exec");
    assert.deepEqual(exec.args, ["a", "bc"]);
    assert.equal(exec.argsTruncated, true);
  });

  test("invalid UTF-8 in a filename is replaced, not fatal", () => {
    const [exec] = decodeEvents(execRecord(Buffer.from([0x2f, 0xff, 0x61]), ""));
    assert.ok(exec?.kind === "exec");
    assert.equal(exec.filename, "/\ufffda");
  });

  test("malformed buffers: one DecodeError, with the records decoded before it", () => {
    const good = exitRecord(0);
    const bad = Buffer.from(exitRecord(0));
    bad.writeUInt32LE(10_000, LAYOUT.pp_event_header.fields.size.offset);
    assert.throws(
      () => decodeEvents(Buffer.concat([good, bad])),
      (err) => err instanceof DecodeError && err.partial.length === 1 && /claims 10000 bytes/.test(err.message),
    );
    assert.throws(() => decodeEvents(Buffer.alloc(HEADER_SIZE - 1)), DecodeError);
    const lying = execRecord("/bin/x", "x\0");
    lying.writeUInt16LE(5000, LAYOUT.pp_exec_event.fields.args_len.offset);
    assert.throws(() => decodeEvents(lying), /lengths exceed/);
    assert.throws(() => decodeCounters(Buffer.alloc(LAYOUT.pp_counters.size + 1)), DecodeError);
    assert.throws(() => decodeBlockLatency(Buffer.alloc(3)), DecodeError);
    assert.deepEqual(decodeEvents(Buffer.alloc(0)), []);
  });

  test("unknown record types are passed over", () => {
    const rec = exitRecord(0);
    rec.writeUInt16LE(77, LAYOUT.pp_event_header.fields.type.offset);
    const evs = decodeEvents(Buffer.concat([rec, exitRecord(0)]));
    assert.deepEqual(
      evs.map((e) => e.kind),
      ["unknown", "exit"],
    );
  });

  test("counters: u64 fields as Numbers, identities as BigInt, flags decoded", () => {
    const buf = Buffer.alloc(LAYOUT.pp_counters.size);
    const f = LAYOUT.pp_counters.fields;
    buf.writeUInt32LE(1234, f.tgid.offset);
    buf.writeUInt32LE(3, f.flags.offset);
    buf.writeBigUInt64LE(2n ** 60n, f.start_boottime_ns.offset);
    buf.writeBigUInt64LE(5_000_000_000_123n, f.oncpu_ns.offset);
    buf.writeInt32LE(9, f.exit_code.offset);
    const [c] = decodeCounters(buf);
    assert.ok(c);
    assert.equal(c.tgid, 1234);
    assert.equal(c.startBoottimeNs, 2n ** 60n);
    assert.equal(c.onCpuNs, 5_000_000_000_123);
    assert.equal(c.exited, true);
    assert.equal(c.oomKilled, true);
    assert.equal(exitStatus(c.exitCode).signal, 9);
  });

  test("exit status: exit code, signal, core dump", () => {
    assert.deepEqual(exitStatus(0), { exitCode: 0, signal: null, coreDumped: false });
    assert.deepEqual(exitStatus(1 << 8), { exitCode: 1, signal: null, coreDumped: false });
    assert.deepEqual(exitStatus(9), { exitCode: null, signal: 9, coreDumped: false });
    assert.deepEqual(exitStatus(0x86), { exitCode: null, signal: 6, coreDumped: true });
  });

  test("argv splitting and histogram quantiles", () => {
    assert.deepEqual(splitArgs(Buffer.from("a\0\0b\0")), ["a", "", "b"]);
    const slots = new Array(HIST_SLOTS).fill(0);
    slots[10] = 90; // [1024, 2048) ns
    slots[20] = 10; // [~1 ms, ~2 ms)
    assert.equal(histogramQuantileNs(slots, 0.5), 2048);
    assert.equal(histogramQuantileNs(slots, 0.99), 2 ** 21);
    assert.equal(histogramQuantileNs(new Array(HIST_SLOTS).fill(0), 0.5), 0);
  });
});
