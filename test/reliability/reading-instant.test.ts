// A counters reading is placed in time at the instant it describes, not when the reader got round to stamping it:
// on a busy host the reader can be preempted between the kernel read and the stamp for tens of ms, and a late
// stamp moves growth from one timeline bucket into the next (a `sleep` came out 0.45 / 0.55 thread-s per 0.5 s
// bucket under two CPU hogs). Known truth: a reading that says it describes an instant 80 ms before it is
// handed over. The kernel side is a stand-in here (a preemption at that spot cannot be had on demand); the real
// loader's instant is checked by the native kernel test (c), and bucket accuracy by test/kernel/timeline.
import { describe, expect, it } from "vitest";
import { KernelSource } from "../../packages/agent/src/source/kernel/kernel-source.ts";
import type { NativeCounters } from "../../packages/agent/src/source/kernel/native.ts";
import type { SourceEvent } from "../../packages/agent/src/source/types.ts";
import { forkRecord, standInKernel } from "../support/stand-in-kernel.js";

const TGID = 4242;
const START = 5_000_000_000n;
const LATE_NS = 80_000_000n;

function counters(): NativeCounters {
  const zero = {
    onCpuNs: 0,
    runQueueNs: 0,
    offCpuUninterruptibleNs: 0,
    offCpuIoWaitNs: 0,
    offCpuSleepNs: 0,
    voluntarySwitches: 0,
    involuntarySwitches: 0,
    blockReadBytes: 0,
    blockWriteBytes: 0,
    blockReadOps: 0,
    blockWriteOps: 0,
    netTxBytes: 0,
    netRxBytes: 0,
    exitCpuNs: 0,
    exitRchar: 0,
    exitWchar: 0,
    exitReadBytes: 0,
    exitWriteBytes: 0,
    exitCancelledWriteBytes: 0,
    exitMajorFaults: 0,
    exitMinorFaults: 0,
    exitMaxRssBytes: 0,
  };
  return { tgid: TGID, startBoottimeNs: START, ...zero, exitTsNs: 0n, exited: false, oomKilled: false };
}

/** One process, and readings that each say they describe an instant LATE_NS before they are returned. */
function lateKernel(withInstant: boolean) {
  const t0 = performance.now();
  const boot = () => 1_000_000_000_000n + BigInt(Math.round((performance.now() - t0) * 1e6));
  const ring = [forkRecord(TGID, START)];
  let readAt = 0n;
  const wallAtRead: number[] = [];
  const k = standInKernel({
    bootNs: boot,
    poll: () => ring.splice(0),
    counters: () => {
      readAt = boot() - LATE_NS;
      wallAtRead.push(Date.now() * 1e6);
      return [counters()];
    },
    probe: withInstant ? { countersReadAtNs: () => readAt } : {},
  });
  return { ...k, wallAtRead };
}

async function readings(withInstant: boolean): Promise<{ lateByMs: number[] }> {
  const k = lateKernel(withInstant);
  const source = new KernelSource({ native: k.native, probe: k.probe, envKeys: [], pollMs: 10, intervalMs: 40 });
  const seen: SourceEvent[] = [];
  await source.startHostWide({ onEvent: (e) => seen.push(e) });
  await new Promise((r) => setTimeout(r, 300));
  await source.stop();
  const times = seen.flatMap((e) => (e.type === "counters" ? [e.timeNs] : []));
  expect(times.length).toBeGreaterThanOrEqual(3);
  return { lateByMs: times.map((t, i) => (k.wallAtRead[i]! - t) / 1e6) };
}

describe("the instant of a counters reading", () => {
  it("is the one the kernel read describes (80 ms before it was handed over), to the ms", async () => {
    const { lateByMs } = await readings(true);
    for (const d of lateByMs) expect(Math.abs(d - 80), lateByMs.join(" ")).toBeLessThan(3);
  });

  it("is the reader's clock with a loader that cannot say (older builds)", async () => {
    const { lateByMs } = await readings(false);
    for (const d of lateByMs) expect(Math.abs(d), lateByMs.join(" ")).toBeLessThan(3);
  });
});
