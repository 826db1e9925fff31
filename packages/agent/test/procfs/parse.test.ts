import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  decodeWaitStatus,
  parseBtime,
  parseCmdline,
  parseEnviron,
  parseIo,
  parseStat,
  parseStatus,
  parseUptime,
} from "../../src/source/procfs/index.js";
import { statLine } from "./fake-proc.js";

/** A valid stat line with 1-based field n replaced. */
function withField(n: number, value: string): string {
  const line = statLine({ pid: 12, comm: "b", ppid: 1, starttime: 1 });
  const close = line.lastIndexOf(")");
  const rest = line
    .slice(close + 2)
    .trim()
    .split(" ");
  rest[n - 3] = value;
  return `${line.slice(0, close + 1)} ${rest.join(" ")}`;
}

describe("parseStat", () => {
  it("parses this process's real stat", () => {
    const s = parseStat(readFileSync("/proc/self/stat", "utf8"));
    expect(s).toBeDefined();
    expect(s!.pid).toBe(process.pid);
    expect(s!.ppid).toBe(process.ppid);
    expect(s!.state).toMatch(/^[RS]$/);
    expect(s!.imageFingerprint).not.toBe("");
    expect(s!.exitCode).toBe(0);
  });

  it("splits at the LAST ')' so comm may contain spaces, parentheses and ') ('", () => {
    const line = statLine({ pid: 42, comm: "a) (b c) 9 (", ppid: 7, starttime: 1234, utime: 5, stime: 6 });
    const s = parseStat(line)!;
    expect(s.comm).toBe("a) (b c) 9 (");
    expect(s.ppid).toBe(7);
    expect(s.utime).toBe(5);
    expect(s.stime).toBe(6);
    expect(s.starttime).toBe(1234);
    const s2 = parseStat(statLine({ pid: 1, comm: "))))", ppid: 0, starttime: 1 }))!;
    expect(s2.comm).toBe("))))");
    const s3 = parseStat(statLine({ pid: 3, comm: "x\ny", ppid: 2, starttime: 9 }))!;
    expect(s3.comm).toBe("x\ny");
  });

  it("reads cutime/cstime, faults, and the exit code of a zombie", () => {
    const s = parseStat(
      statLine({
        pid: 9,
        comm: "z",
        state: "Z",
        ppid: 1,
        starttime: 5,
        cutime: 11,
        cstime: 12,
        minflt: 300,
        majflt: 4,
        image: 0,
        exitCode: 768,
      }),
    )!;
    expect(s).toMatchObject({ state: "Z", cutime: 11, cstime: 12, minflt: 300, majflt: 4, exitCode: 768 });
    expect(s.imageFingerprint).toBe(""); // all-zero addresses: no fingerprint
  });

  it("accepts an old kernel's shorter line (no exit_code field)", () => {
    const full = statLine({ pid: 5, comm: "old", ppid: 1, starttime: 77 }).trim().split(" ");
    const s = parseStat(full.slice(0, 44).join(" "))!;
    expect(s.starttime).toBe(77);
    expect(s.exitCode).toBeUndefined();
  });

  it.each([
    ["empty", ""],
    ["no parentheses", "12 bash S 1 2 3"],
    ["pid not a number", "x (bash) S 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1"],
    ["cut after comm", "12 (bash)"],
    ["cut before starttime", "12 (bash) S 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1"],
    ["bad state", "12 (bash) 77 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1"],
    ["negative utime", withField(14, "-5")],
    ["non-numeric starttime", withField(22, "x1")],
    ["huge number", withField(14, "99999999999999999999")],
    ["fractional ppid", withField(4, "1.5")],
    ["binary junk", "\u0000\u0001\u0002"],
  ])("returns undefined for malformed input: %s", (_name, text) => {
    expect(parseStat(text)).toBeUndefined();
  });
});

describe("parseStatus / parseIo", () => {
  it("reads VmHWM and context switches; ignores the rest", () => {
    const s = parseStatus(
      "Name:\tx\nVmHWM:\t    2096 kB\nvoluntary_ctxt_switches:\t12\nnonvoluntary_ctxt_switches:\t3\nJunk line\n",
    );
    expect(s).toEqual({ peakRssBytes: 2096 * 1024, voluntaryCtxSwitches: 12, involuntaryCtxSwitches: 3 });
  });

  it("zombie status has no VmHWM; malformed values are dropped", () => {
    expect(parseStatus("voluntary_ctxt_switches:\t1\nnonvoluntary_ctxt_switches:\tabc\nVmHWM:\t12 MB\n")).toEqual({
      voluntaryCtxSwitches: 1,
    });
  });

  it("reads a complete io file", () => {
    const r = parseIo(
      "rchar: 1\nwchar: 2\nsyscr: 3\nsyscw: 4\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 12\n",
    );
    expect(r).toEqual({
      fields: { rchar: 1, wchar: 2, readBytes: 4096, writeBytes: 8192, cancelledWriteBytes: 12 },
      malformed: false,
    });
  });

  it("a truncated io file yields only the complete lines", () => {
    const r = parseIo("rchar: 100\nwchar: 2");
    expect(r.fields).toEqual({ rchar: 100 });
    expect(r.malformed).toBe(false);
  });

  it("flags a non-numeric value as malformed and keeps the others", () => {
    const r = parseIo("rchar: 1\nread_bytes: lots\nwrite_bytes: 5\n");
    expect(r.fields).toEqual({ rchar: 1, writeBytes: 5 });
    expect(r.malformed).toBe(true);
  });
});

describe("parseCmdline / parseEnviron", () => {
  it("splits NUL-separated argv and drops the trailing NUL", () => {
    expect(parseCmdline(Buffer.from("bash\0-c\0echo a b\0"), 10, 100)).toEqual(["bash", "-c", "echo a b"]);
    expect(parseCmdline(Buffer.from("bash\0\0x\0"), 10, 100)).toEqual(["bash", "", "x"]);
    expect(parseCmdline(Buffer.from("nginx: worker process"), 10, 100)).toEqual(["nginx: worker process"]);
    expect(parseCmdline(Buffer.alloc(0), 10, 100)).toEqual([]);
  });

  it("bounds argument count and length", () => {
    expect(parseCmdline(Buffer.from("a\0b\0c\0d\0"), 2, 100)).toEqual(["a", "b"]);
    expect(parseCmdline(Buffer.from("abcdef\0x\0"), 10, 3)).toEqual(["abc…", "x"]);
    expect(parseCmdline(Buffer.from("abc\0defg"), 10, 100, true)).toEqual(["abc", "defg…"]);
  });

  it("keeps only the wanted environment keys, first occurrence wins", () => {
    const buf = Buffer.from("SECRET=y\0PIPESPAN_TASK_NAME=x\0PATH=/bin\0PIPESPAN_TASK_NAME=second\0=junk\0NOEQ\0");
    expect(parseEnviron(buf, new Set(["PIPESPAN_TASK_NAME", "TRACEPARENT"]), 100)).toEqual({ PIPESPAN_TASK_NAME: "x" });
    expect(parseEnviron(buf, new Set(), 100)).toEqual({});
    expect(parseEnviron(Buffer.from("K=0123456789\0"), new Set(["K"]), 4)).toEqual({ K: "0123" });
    // a value cut by the bounded read (no trailing NUL) is still returned, up to the read limit
    expect(parseEnviron(Buffer.from("A=1\0K=partial"), new Set(["K"]), 100)).toEqual({ K: "partial" });
  });
});

describe("uptime, btime, wait status", () => {
  it("parses uptime and btime", () => {
    expect(parseUptime("430.42 637.39\n")).toBe(430.42);
    expect(parseUptime("garbage")).toBeUndefined();
    expect(parseBtime("cpu 1 2\nbtime 1795652551\nprocesses 3\n")).toBe(1795652551);
    expect(parseBtime("cpu 1 2\n")).toBeUndefined();
    expect(parseUptime(readFileSync("/proc/uptime", "utf8"))).toBeGreaterThan(0);
  });

  it("decodes wait statuses", () => {
    expect(decodeWaitStatus(3 << 8)).toEqual({ exitCode: 3 });
    expect(decodeWaitStatus(0)).toEqual({ exitCode: 0 });
    expect(decodeWaitStatus(9)).toEqual({ signal: 9 });
    expect(decodeWaitStatus(0x80 | 11)).toEqual({ signal: 11 }); // core dumped
    expect(decodeWaitStatus(0x137f)).toEqual({}); // stopped: not an exit
  });
});
