// decode.js against the C layout compiled into the addon (no privileges needed), and the decoders on
// hand-built and malformed buffers.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import {
  compileLayout,
  DecodeError,
  decodeBlockLatency,
  decodeCounters,
  decodeEvents,
  ENV_KEPT_KEYS,
  ENV_KEPT_PREFIX,
  EVENT_EXEC,
  EVENT_EXIT,
  EXEC_ARGS_TRUNCATED,
  EXEC_ENV_TRUNCATED,
  exitStatus,
  histogramQuantileNs,
  jsName,
  layout,
  splitArgs,
  useLayout,
} from "../lib/decode.js";
import { loadNative } from "../lib/index.js";

const native = loadNative();
const L = layout();
const S = L.structs;
const HIST_SLOTS = native.layout.constants.PP_HIST_SLOTS;
/** Offset of a C field ("h.tgid", "exit_code") of a struct. @param {string} struct @param {string} field */
const at = (struct, field) => {
  const o = S[struct]?.offsets[field];
  assert.ok(o !== undefined, `${struct}.${field} in the layout`);
  return o;
};

/** The members of `struct NAME { ... };` in pipespan.h, as written (nested structs by their member name). */
function headerMembers(/** @type {string} */ name) {
  const h = readFileSync(new URL("../bpf/pipespan.h", import.meta.url), "utf8");
  const m = new RegExp(`struct ${name} \\{([\\s\\S]*?)\\n\\};`).exec(h);
  assert.ok(m, `struct ${name} in pipespan.h`);
  const body = (m[1] ?? "").replace(/\/\*[\s\S]*?\*\//g, "");
  return [...body.matchAll(/^\s*(?:struct\s+)?\w+\s+(\w+)(?:\[[^\]]*\])?;/gm)].map((x) => x[1]);
}

describe("layout", () => {
  test("every record's layout comes from the BPF object, the host compiler agrees on every size", () => {
    for (const name of [
      "pp_event_header",
      "pp_fork_event",
      "pp_exec_event",
      "pp_exit_event",
      "pp_oom_event",
      "pp_counters",
      "pp_blk_record",
    ]) {
      const c = native.layout[name];
      assert.ok(c, `addon exports no layout for ${name}`);
      assert.equal(c.size, c.hostSize, `${name}: BPF and host sizes`);
      // every member pipespan.h declares is in the exported layout (so it is decoded)
      for (const member of headerMembers(name)) {
        const found = Object.keys(c.fields).some((f) => f === member || f.startsWith(`${member}.`));
        assert.ok(found, `${name}.${member} is declared in pipespan.h but not in the exported layout`);
      }
    }
  });

  test("known offsets (the decoder's assumptions about the header and exec record)", () => {
    assert.equal(L.headerSize, 32);
    assert.equal(at("pp_event_header", "size"), 4);
    assert.equal(L.execDataOffset, native.layout.constants.PP_EXEC_FIXED_SIZE);
    assert.equal(native.layout.constants.PP_EV_EXEC, EVENT_EXEC);
    assert.equal(native.layout.constants.PP_EXEC_ARGS_TRUNCATED, EXEC_ARGS_TRUNCATED);
    assert.equal(native.layout.constants.PP_EXEC_ENV_TRUNCATED, EXEC_ENV_TRUNCATED);
  });

  test("a field added to a record is decoded by its C type, without touching the decoder", () => {
    const raw = structuredClone(native.layout);
    // pp_counters grows by a u64 counter and a signed 32-bit field (as a new member in pipespan.h would)
    const c = raw.pp_counters;
    const base = c.size;
    c.fields.new_thing_bytes = { offset: base, size: 8, type: "u64" };
    c.fields.new_delta = { offset: base + 8, size: 4, type: "s32" };
    c.fields.new_start_ts_ns = { offset: base + 16, size: 8, type: "u64" };
    c.size = base + 24;
    c.hostSize = base + 24;
    const buf = Buffer.alloc(c.size);
    buf.writeUInt32LE(77, c.fields.tgid.offset);
    buf.writeBigUInt64LE(123_456_789_012n, base);
    buf.writeInt32LE(-5, base + 8);
    buf.writeBigUInt64LE(2n ** 62n, base + 16);
    try {
      useLayout(raw);
      const [rec] = decodeCounters(buf);
      assert.equal(rec?.tgid, 77);
      assert.equal(/** @type {any} */ (rec).newThingBytes, 123_456_789_012);
      assert.equal(/** @type {any} */ (rec).newDelta, -5);
      assert.equal(/** @type {any} */ (rec).newStartTsNs, 2n ** 62n);
    } finally {
      useLayout(native.layout);
    }
  });

  test("a layout the decoder cannot read is refused at first use, with the field named", () => {
    const raw = structuredClone(native.layout);
    raw.pp_exit_event.fields.weird = { offset: 0, size: 4, type: "f32" };
    assert.throws(() => compileLayout(raw), /pp_exit_event|weird/);
    const sized = structuredClone(native.layout);
    sized.pp_counters.hostSize = sized.pp_counters.size + 8;
    assert.throws(() => compileLayout(sized), /host compiler/);
    const outside = structuredClone(native.layout);
    outside.pp_oom_event.fields.rss_bytes.offset = outside.pp_oom_event.size;
    assert.throws(() => compileLayout(outside), /outside/);
  });

  test("JS names: camelCase, long-standing names kept", () => {
    assert.equal(jsName("h.start_boottime_ns"), "startBoottimeNs");
    assert.equal(jsName("oncpu_ns"), "onCpuNs");
    assert.equal(jsName("hist.sum_ns"), "sumNs");
    assert.deepEqual([...ENV_KEPT_KEYS], ["TRACEPARENT", "TRACESTATE", "NXF_TASK_WORKDIR"]);
    assert.equal(ENV_KEPT_PREFIX, "PIPESPAN_");
  });
});

/**
 * An exec record as the kernel writes it.
 * @param {string | Buffer} filename @param {string} argBlock @param {number} [flags] @param {string} [envBlock]
 */
function execRecord(filename, argBlock, flags = 0, envBlock = "") {
  const f = Buffer.from(filename);
  const a = Buffer.from(argBlock);
  const e = Buffer.from(envBlock);
  const dataAt = L.execDataOffset;
  const size = dataAt + f.length + a.length + e.length;
  const buf = Buffer.alloc((size + 7) & ~7);
  const x = "pp_exec_event";
  buf.writeUInt16LE(EVENT_EXEC, at(x, "h.type"));
  buf.writeUInt16LE(flags, at(x, "h.flags"));
  buf.writeUInt32LE(size, at(x, "h.size"));
  buf.writeBigUInt64LE(123n, at(x, "h.ts_ns"));
  buf.writeUInt32LE(42, at(x, "h.tgid"));
  buf.writeUInt32LE(42, at(x, "h.pid"));
  buf.writeBigUInt64LE(99n, at(x, "h.start_boottime_ns"));
  buf.writeUInt32LE(7, at(x, "ppid"));
  buf.writeUInt32LE(3, at(x, "argc"));
  buf.writeUInt16LE(f.length, at(x, "filename_len"));
  buf.writeUInt16LE(a.length, at(x, "args_len"));
  buf.writeUInt16LE(e.length, at(x, "env_len"));
  buf.write("true", at(x, "comm"));
  f.copy(buf, dataAt);
  a.copy(buf, dataAt + f.length);
  e.copy(buf, dataAt + f.length + a.length);
  return buf;
}

/** @param {number} code raw wait status */
function exitRecord(code) {
  const buf = Buffer.alloc(S.pp_exit_event?.size ?? 0);
  buf.writeUInt16LE(EVENT_EXIT, at("pp_exit_event", "h.type"));
  buf.writeUInt32LE(buf.length, at("pp_exit_event", "h.size"));
  buf.writeUInt32LE(42, at("pp_exit_event", "h.tgid"));
  buf.writeInt32LE(code, at("pp_exit_event", "exit_code"));
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
    assert.deepEqual(exec.env, {});
    assert.deepEqual(exit.status, { exitCode: 3, signal: null, coreDumped: false });
  });

  test("a truncated argv block keeps its partial last argument and says so", () => {
    const [exec] = decodeEvents(execRecord("/x", "a\0bc", EXEC_ARGS_TRUNCATED));
    assert.ok(exec?.kind === "exec");
    assert.deepEqual(exec.args, ["a", "bc"]);
    assert.equal(exec.argsTruncated, true);
  });

  test("the kept environment entries: first occurrence wins, entries without '=' passed over, flags said", () => {
    const [exec] = decodeEvents(
      execRecord(
        "/bin/x",
        "x\0",
        EXEC_ENV_TRUNCATED,
        "PIPESPAN_TASK_NAME=nap\0TRACEPARENT=00-a-b-01\0PIPESPAN_TASK_NAME=other\0junk\0",
      ),
    );
    assert.ok(exec?.kind === "exec");
    assert.deepEqual(exec.args, ["x"]);
    assert.deepEqual(exec.env, { PIPESPAN_TASK_NAME: "nap", TRACEPARENT: "00-a-b-01" });
    assert.equal(exec.envTruncated, true);
    assert.equal(exec.envUnreadable, false);
  });

  test("invalid UTF-8 in a filename is replaced, not fatal", () => {
    const [exec] = decodeEvents(execRecord(Buffer.from([0x2f, 0xff, 0x61]), ""));
    assert.ok(exec?.kind === "exec");
    assert.equal(exec.filename, "/\ufffda");
  });

  test("malformed buffers: one DecodeError, with the records decoded before it", () => {
    const good = exitRecord(0);
    const bad = Buffer.from(exitRecord(0));
    bad.writeUInt32LE(10_000, at("pp_event_header", "size"));
    assert.throws(
      () => decodeEvents(Buffer.concat([good, bad])),
      (err) => err instanceof DecodeError && err.partial.length === 1 && /claims 10000 bytes/.test(err.message),
    );
    assert.throws(() => decodeEvents(Buffer.alloc(L.headerSize - 1)), DecodeError);
    const lying = execRecord("/bin/x", "x\0");
    lying.writeUInt16LE(5000, at("pp_exec_event", "args_len"));
    assert.throws(() => decodeEvents(lying), /lengths exceed/);
    const lyingEnv = execRecord("/bin/x", "x\0", 0, "PIPESPAN_A=1\0");
    lyingEnv.writeUInt16LE(3000, at("pp_exec_event", "env_len"));
    assert.throws(() => decodeEvents(lyingEnv), /lengths exceed/);
    assert.throws(() => decodeCounters(Buffer.alloc((S.pp_counters?.size ?? 0) + 1)), DecodeError);
    assert.throws(() => decodeBlockLatency(Buffer.alloc(3)), DecodeError);
    assert.deepEqual(decodeEvents(Buffer.alloc(0)), []);
  });

  test("unknown record types are passed over", () => {
    const rec = exitRecord(0);
    rec.writeUInt16LE(77, at("pp_event_header", "type"));
    const evs = decodeEvents(Buffer.concat([rec, exitRecord(0)]));
    assert.deepEqual(
      evs.map((e) => e.kind),
      ["unknown", "exit"],
    );
  });

  test("counters: u64 fields as Numbers, identities as BigInt, flags decoded", () => {
    const buf = Buffer.alloc(S.pp_counters?.size ?? 0);
    const f = (/** @type {string} */ n) => at("pp_counters", n);
    buf.writeUInt32LE(1234, f("tgid"));
    buf.writeUInt32LE(3, f("flags"));
    buf.writeBigUInt64LE(2n ** 60n, f("start_boottime_ns"));
    buf.writeBigUInt64LE(5_000_000_000_123n, f("oncpu_ns"));
    buf.writeInt32LE(9, f("exit_code"));
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

  test("block latency records: key, sums and every slot", () => {
    const size = S.pp_blk_record?.size ?? 0;
    const buf = Buffer.alloc(size);
    buf.writeUInt32LE(253, at("pp_blk_record", "key.major"));
    buf.writeUInt32LE(1, at("pp_blk_record", "key.op"));
    buf.writeBigUInt64LE(5n, at("pp_blk_record", "hist.count"));
    const slots = at("pp_blk_record", "hist.slots");
    buf.writeBigUInt64LE(4n, slots + 8 * (HIST_SLOTS - 1));
    const [r] = decodeBlockLatency(buf);
    assert.equal(r?.major, 253);
    assert.equal(r?.opName, "write");
    assert.equal(r?.count, 5);
    assert.equal(r?.slots.length, HIST_SLOTS);
    assert.equal(r?.slots[HIST_SLOTS - 1], 4);
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
