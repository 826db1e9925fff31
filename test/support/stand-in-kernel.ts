// A stand-in for the kernel side of KernelSource (the native module and its probe), for tests of what the source
// does with what the kernel hands it: backlogs, clocks, quiet rings, the instant of a reading. What the real kernel
// hands over is tested against the real addon (native/test, test/kernel).
import type {
  KernelProbe,
  NativeCounters,
  NativeEvent,
  NativeModule,
} from "../../packages/agent/src/source/kernel/native.ts";

export interface StandIn {
  /** Records for each pollEvents() call (what decodeEvents then returns); default none. */
  poll?: (max: number) => NativeEvent[];
  /** Records for each readCounters() call (what decodeCounters then returns); default none. */
  counters?: () => NativeCounters[];
  /** CLOCK_BOOTTIME now; default a fixed instant. */
  bootNs?: () => bigint;
  /** Extra probe methods (countersReadAtNs, onReadable, …). */
  probe?: Partial<KernelProbe>;
}

export function standInKernel(o: StandIn = {}): { native: NativeModule; probe: KernelProbe } {
  let handed: NativeEvent[] = [];
  let read: NativeCounters[] = [];
  const probe: KernelProbe = {
    addTrackedPid: () => undefined,
    setHostWide: () => undefined,
    pollEvents: (max = 4096) => {
      handed = o.poll?.(max) ?? [];
      return Buffer.alloc(handed.length);
    },
    readCounters: () => {
      read = o.counters?.() ?? [];
      return Buffer.alloc(read.length);
    },
    lostEvents: () => 0,
    stats: () => ({ ringBufferDrops: 0 }),
    programs: () => [],
    close: () => undefined,
    ...o.probe,
  };
  const native: NativeModule = {
    loadNative: () => ({ open: () => probe, clockBoottimeNs: o.bootNs ?? (() => 1_000_000_000_000n) }),
    decodeEvents: () => handed,
    decodeCounters: () => read,
  };
  return { native, probe };
}

/** A fork record of process `tgid`, started (and forked) at `tgid` ms of boot time, its parent init. */
export function forkRecord(tgid: number, startBoottimeNs = BigInt(tgid) * 1_000_000n): NativeEvent {
  return {
    kind: "fork",
    tgid,
    startBoottimeNs,
    tsNs: startBoottimeNs,
    ppid: 1,
    parentPid: 1,
    parentStartBoottimeNs: 0n,
  };
}
