// ProcfsSource driven through a fixture procfs tree: exact, deterministic state transitions.

import { mkdirSync, rmSync } from "node:fs";
import { ENV_PIPESPAN_TASK_NAME, ENV_TRACEPARENT } from "@pipespan/semconv";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProcfsSource, type ProcfsSourceOptions } from "../../src/source/procfs/index.js";
import type { SourceEvent } from "../../src/source/types.js";
import { byProcess, Collector } from "./events.js";
import { FakeProc, type FakeProcess } from "./fake-proc.js";

const NOW_MS = 2_000_000_000_000; // fixed wall clock
const UPTIME_S = 1000;

let fake: FakeProc;
let warnings: string[];
let sink: Collector;

beforeEach(() => {
  fake = new FakeProc(UPTIME_S);
  warnings = [];
  sink = new Collector();
});
afterEach(() => fake.cleanup());

function source(extra: Partial<ProcfsSourceOptions> = {}): ProcfsSource {
  return new ProcfsSource({
    procRoot: fake.root,
    clockTicks: 100,
    intervalMs: 3_600_000, // the tests tick by hand with sampleNow()
    envKeys: [ENV_PIPESPAN_TASK_NAME, ENV_TRACEPARENT],
    now: () => NOW_MS,
    onWarning: (m) => warnings.push(m),
    ...extra,
  });
}

const root: FakeProcess = {
  pid: 100,
  comm: "bash",
  ppid: 1,
  starttime: 50_000,
  argv: ["bash", "-c", "sleep 1 & wait"],
  env: { PATH: "/bin", [ENV_PIPESPAN_TASK_NAME]: "align", SECRET: "y" },
  children: [101],
  vmHwmKb: 3000,
};
const child: FakeProcess = {
  pid: 101,
  comm: "bash",
  ppid: 100,
  starttime: 50_010,
  argv: root.argv!,
  env: root.env!,
};
const unrelated: FakeProcess = { pid: 200, comm: "sshd", ppid: 1, starttime: 10, argv: ["sshd"] };

const types = (events: readonly SourceEvent[]) => events.map((e) => `${e.type}${"key" in e ? `:${e.key.pid}` : ""}`);

describe.each(["children", "scan"] as const)("fixture tree, %s discovery", (discovery) => {
  it("follows start, fork, exec, counters, zombie exit, reap, pid reuse and grandchildren", async () => {
    fake.put(root);
    fake.put(child);
    fake.put(unrelated);
    const src = source({ discovery });
    await src.start(100, sink);

    let ev = sink.take();
    expect(types(ev)).toEqual(["start:100", "counters:100", "start:101", "counters:101"]);
    const rootStart = ev[0] as Extract<SourceEvent, { type: "start" }>;
    // boot = now - uptime (+5 ms centring), start = boot + starttime / CLK_TCK
    expect(rootStart.startTimeNs).toBe((NOW_MS - UPTIME_S * 1000 + 5 + 500_000) * 1e6);
    expect(rootStart).toMatchObject({
      key: { pid: 100, startTicks: 50_000 },
      ppid: 1,
      comm: "bash",
      exe: "/usr/bin/bash",
      cwd: "/work",
      argv: ["bash", "-c", "sleep 1 & wait"],
      env: { [ENV_PIPESPAN_TASK_NAME]: "align" },
    });
    expect(rootStart.parentKey).toBeUndefined();
    expect(ev[2]).toMatchObject({ parentKey: { pid: 100, startTicks: 50_000 }, comm: "bash" });
    expect(ev[1]).toMatchObject({
      counters: {
        cpuUserNs: 0,
        peakRssBytes: 3000 * 1024,
        diskReadBytes: 4096,
        diskWriteBytes: 8192,
        fileReadBytes: 100,
        fileWriteBytes: 200,
        voluntaryCtxSwitches: 3,
        involuntaryCtxSwitches: 1,
      },
    });

    // Nothing changed: a tick emits nothing.
    src.sampleNow();
    expect(sink.take()).toEqual([]);

    // The child execs sleep (new image, new comm/argv, its own environment).
    fake.put({
      ...child,
      comm: "sleep",
      image: 2,
      argv: ["sleep", "1"],
      exe: "/usr/bin/sleep",
      env: { [ENV_PIPESPAN_TASK_NAME]: "align-2" },
    });
    src.sampleNow();
    ev = sink.take();
    expect(types(ev)).toEqual(["exec:101"]);
    expect(ev[0]).toMatchObject({
      comm: "sleep",
      exe: "/usr/bin/sleep",
      argv: ["sleep", "1"],
      env: { [ENV_PIPESPAN_TASK_NAME]: "align-2" },
      timeNs: NOW_MS * 1e6,
    });

    // CPU moves: a counters event with ns values (1 tick = 10 ms at CLK_TCK 100).
    fake.put({ ...child, comm: "sleep", image: 2, argv: ["sleep", "1"], exe: "/usr/bin/sleep", utime: 3, stime: 1 });
    src.sampleNow();
    ev = sink.take();
    expect(types(ev)).toEqual(["counters:101"]);
    expect(ev[0]).toMatchObject({ counters: { cpuUserNs: 30_000_000, cpuSystemNs: 10_000_000 } });

    // It exits with status 3 but is not reaped yet: a zombie gives the final values and the exit status.
    fake.put({ ...child, comm: "sleep", state: "Z", utime: 7, stime: 2, cutime: 4, exitCode: 3 << 8 });
    src.sampleNow();
    ev = sink.take();
    expect(types(ev)).toEqual(["exit:101"]);
    expect(ev[0]).toMatchObject({
      exitCode: 3,
      observedExit: true,
      counters: {
        cpuUserNs: 70_000_000,
        cpuSystemNs: 20_000_000,
        childrenCpuNs: 40_000_000,
        peakRssBytes: 1000 * 1024,
      },
    });

    // Still a zombie next tick: nothing more. Then reaped: nothing more.
    src.sampleNow();
    fake.remove(101);
    fake.put({ ...root, children: [] });
    src.sampleNow();
    expect(sink.take()).toEqual([]);

    // The pid comes back as a NEW child of the root (pid reuse): a new key.
    fake.put({ ...child, starttime: 60_000, comm: "gzip", argv: ["gzip", "-9"], image: 3 });
    fake.put({ ...root, children: [101] });
    src.sampleNow();
    ev = sink.take();
    expect(types(ev)).toEqual(["start:101", "counters:101"]);
    expect(ev[0]).toMatchObject({ key: { pid: 101, startTicks: 60_000 }, argv: ["gzip", "-9"] });

    // Gone without a zombie sighting, and its pid reused at once by an unrelated process: an unobserved exit
    // with the last sample; the stranger is not reported.
    fake.put({ ...child, pid: 101, ppid: 200, starttime: 70_000, comm: "cron" });
    fake.put({ ...root, children: [102] });
    // ... while the root forks a child that forks a grandchild in the same interval.
    fake.put({ pid: 102, comm: "make", ppid: 100, starttime: 70_001, children: [103], argv: ["make"] });
    fake.put({ pid: 103, comm: "cc", ppid: 102, starttime: 70_002, argv: ["cc", "-c", "a.c"] });
    src.sampleNow();
    ev = sink.take();
    expect(types(ev)).toEqual(["exit:101", "start:102", "counters:102", "start:103", "counters:103"]);
    expect(ev[0]).toMatchObject({ key: { pid: 101, startTicks: 60_000 }, observedExit: false });
    expect(ev[3]).toMatchObject({ parentKey: { pid: 102, startTicks: 70_001 } });

    // A malformed stat for a tracked process: warned once, the process is kept (not reported as exited).
    fake.write(100, "stat", "100 (bash) garbage");
    src.sampleNow();
    src.sampleNow();
    expect(sink.take()).toEqual([]);
    expect(warnings.filter((w) => w.includes("malformed") && w.includes("stat"))).toHaveLength(1);

    // stop(): a final reading, then an (unobserved) exit for everything still known; nothing afterwards.
    await src.stop();
    ev = sink.take();
    expect(types(ev).sort()).toEqual(["exit:100", "exit:102", "exit:103"]);
    expect(ev.every((e) => e.type === "exit" && !e.observedExit)).toBe(true);
    src.sampleNow();
    expect(sink.events).toEqual([]);
    const st = src.stats();
    expect(st).toMatchObject({ discovery, starts: 5, execs: 1, exitsObserved: 1, exitsUnobserved: 4, tracked: 0 });
  });

  it("a zombie seen for the first time: start and observed exit with its signal", async () => {
    fake.put({ ...root, children: [101] });
    fake.put({ ...child, state: "Z", utime: 12, exitCode: 9 });
    const src = source({ discovery });
    await src.start(100, sink);
    const ev = sink.take();
    expect(types(ev)).toEqual(["start:100", "counters:100", "start:101", "exit:101"]);
    expect(ev[2]).toMatchObject({ comm: "bash", argv: [], env: {} });
    expect(ev[3]).toMatchObject({ signal: 9, observedExit: true, counters: { cpuUserNs: 120_000_000 } });
    expect((ev[3] as { exitCode?: number }).exitCode).toBeUndefined();
    await src.stop();
  });

  it("missing, truncated and malformed files never crash and leave fields unmeasured", async () => {
    fake.put({ ...root, children: [] });
    // no io, status, exe, cwd or environ
    for (const f of ["io", "status", "exe", "cwd", "environ"]) rmSync(`${fake.dir(100)}/${f}`);
    const src = source({ discovery });
    await src.start(100, sink);
    let ev = sink.take();
    expect(types(ev)).toEqual(["start:100", "counters:100"]);
    expect(ev[0]).toMatchObject({ comm: "bash", argv: root.argv, env: {} });
    expect("exe" in ev[0]! || "cwd" in ev[0]!).toBe(false);
    const c = (ev[1] as Extract<SourceEvent, { type: "counters" }>).counters;
    expect(c.cpuUserNs).toBe(0);
    expect(c.diskWriteBytes).toBeUndefined(); // not measured, never 0
    expect(c.peakRssBytes).toBeUndefined();

    // A truncated io file: the complete lines count, the cut one is not measured.
    fake.write(100, "io", "rchar: 100\nwchar: 2");
    src.sampleNow();
    ev = sink.take();
    expect(ev).toHaveLength(1);
    expect((ev[0] as Extract<SourceEvent, { type: "counters" }>).counters).toMatchObject({ fileReadBytes: 100 });
    expect((ev[0] as Extract<SourceEvent, { type: "counters" }>).counters.fileWriteBytes).toBeUndefined();

    // A malformed io value: warned once; the previous value is kept (cumulative counters never go back).
    fake.write(100, "io", "rchar: lots\nwchar: 7\n");
    src.sampleNow();
    src.sampleNow();
    ev = sink.take();
    expect(ev).toHaveLength(1);
    expect((ev[0] as Extract<SourceEvent, { type: "counters" }>).counters).toMatchObject({
      fileReadBytes: 100,
      fileWriteBytes: 7,
    });
    expect(warnings.filter((w) => w.includes("/io"))).toHaveLength(1);

    // A file that cannot be read for an unexpected reason (EISDIR): warned once, never thrown.
    rmSync(`${fake.dir(100)}/status`, { force: true });
    mkdirSync(`${fake.dir(100)}/status`);
    src.sampleNow();
    expect(warnings.filter((w) => w.includes("EISDIR"))).toHaveLength(1);
    await src.stop();
  });

  it("comm with ') (' and spaces survives the whole path", async () => {
    fake.put({ ...root, comm: "x) (y z", children: [] });
    const src = source({ discovery });
    await src.start(100, sink);
    expect(sink.events[0]).toMatchObject({ type: "start", comm: "x) (y z", ppid: 1 });
    await src.stop();
  });

  it("root already gone at start: one lost event, stop still works", async () => {
    const src = source({ discovery });
    await src.start(100, sink);
    expect(sink.take()).toEqual([{ type: "lost", count: 1, reason: "root process exited before observation started" }]);
    await src.stop();
    expect(sink.events).toEqual([]);
  });

  it("a throwing sink is reported once and sampling carries on", async () => {
    fake.put(root);
    fake.put(child);
    let calls = 0;
    const src = source({ discovery });
    await src.start(100, {
      onEvent: () => {
        calls += 1;
        throw new Error("boom");
      },
    });
    expect(calls).toBe(4);
    await src.stop();
    expect(calls).toBe(6);
    expect(warnings.filter((w) => w.includes("sink"))).toHaveLength(1);
  });
});

describe("children discovery specifics", () => {
  it("reads every thread's children file", async () => {
    fake.put({ ...root, children: [], threadChildren: { 105: [106] } });
    fake.put({ pid: 106, comm: "worker", ppid: 100, starttime: 50_100 });
    const src = source({ discovery: "children" });
    await src.start(100, sink);
    expect(types(sink.take())).toEqual(["start:100", "counters:100", "start:106", "counters:106"]);
    await src.stop();
  });

  it("a child link whose process vanished before its stat was read is counted as lost", async () => {
    fake.put({ ...root, children: [150, 151, 101] });
    fake.put(child);
    const src = source({ discovery: "children" });
    await src.start(100, sink);
    const ev = sink.take();
    expect(types(ev)).toEqual(["start:100", "counters:100", "start:101", "counters:101", "lost"]);
    expect(ev[4]).toEqual({ type: "lost", count: 2, reason: "vanished-before-read" });
    expect(src.stats().lost).toBe(2);
    await src.stop();
  });

  it("auto picks children files when the root has one, scan otherwise", async () => {
    fake.put(root);
    const a = source();
    await a.start(100, new Collector());
    expect(a.stats().discovery).toBe("children");
    await a.stop();
    rmSync(`${fake.dir(100)}/task/100/children`);
    const b = source();
    await b.start(100, new Collector());
    expect(b.stats().discovery).toBe("scan");
    await b.stop();
  });
});

describe("scan discovery specifics", () => {
  it("does not re-read unrelated processes every tick, but a periodic full scan re-checks them", async () => {
    let now = NOW_MS;
    fake.put({ ...root, children: [] });
    fake.put(unrelated);
    const src = source({ discovery: "scan", now: () => now });
    await src.start(100, sink);
    sink.take();
    // 300 is not ours (ppid 200) when first seen ...
    fake.put({ pid: 300, comm: "orphan", ppid: 200, starttime: 50_500 });
    now += 200;
    src.sampleNow();
    expect(sink.take()).toEqual([]);
    // ... then reparented to our root (as to a subreaper): found by the next full scan (every 2 s), not before.
    fake.put({ pid: 300, comm: "orphan", ppid: 100, starttime: 50_500 });
    now += 200;
    src.sampleNow();
    expect(sink.take()).toEqual([]);
    now += 2000;
    src.sampleNow();
    expect(types(sink.take())).toEqual(["start:300", "counters:300"]);
    await src.stop();
  });

  it("the byProcess checker agrees the stream follows the contract", async () => {
    fake.put(root);
    fake.put(child);
    const src = source({ discovery: "scan" });
    await src.start(100, sink);
    await src.stop();
    const procs = byProcess(sink.events);
    expect([...procs.keys()].sort()).toEqual(["100@50000", "101@50010"]);
    for (const p of procs.values()) expect(p.exit).toBeDefined();
  });
});
