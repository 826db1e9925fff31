// The agent runs for weeks: kernel timestamps (CLOCK_BOOTTIME) are re-anchored to the wall clock every minute,
// so a clock step (NTP, a resumed VM) moves span times with it and is said once. Known truth: a wall clock set
// 5 s ahead while the kernel clock runs on. The kernel side is a stand-in here (the anchoring is pure arithmetic
// on two clocks); the real kernel source is exercised by test/kernel and the agent tests.
import { afterEach, describe, expect, it, vi } from "vitest";
import { KernelSource } from "../../packages/agent/src/source/kernel/kernel-source.ts";
import { standInKernel } from "../support/stand-in-kernel.js";

function fakeKernel() {
  const bootAtStart = 1_000_000_000_000n;
  const t0 = performance.now();
  // CLOCK_BOOTTIME runs with real time, whatever the wall clock does.
  return standInKernel({ bootNs: () => bootAtStart + BigInt(Math.round((performance.now() - t0) * 1e6)) });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("re-anchoring the kernel clock (host agent)", () => {
  it("follows a wall-clock step within one re-anchoring, and says it once", async () => {
    const { native, probe } = fakeKernel();
    const warnings: string[] = [];
    const source = new KernelSource({
      native,
      probe,
      envKeys: [],
      reanchorMs: 100,
      onWarning: (l) => warnings.push(l),
    });
    await source.startHostWide({ onEvent: () => undefined });
    await new Promise((r) => setTimeout(r, 250));
    // Steady clocks: the anchor does not move (by more than the ms granularity of Date.now around a tick).
    expect(Math.abs(source.clockAdjustmentNs)).toBeLessThan(2e6);
    // The wall clock jumps 5 s ahead: Date.now answers real time + 5 s from now on (timers keep real time).
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, "now").mockImplementation(() => realNow() + 5_000);
    await new Promise((r) => setTimeout(r, 300));
    const step = source.clockAdjustmentNs / 1e9;
    // The first re-anchoring after the step carries it (the faked Date advances in 20 ms steps: ±0.1 s); later
    // ones see steady clocks again.
    expect(
      warnings.some((w) => /the wall clock moved by (4\.9|5\.0|5\.1) s/.test(w)),
      warnings.join("; "),
    ).toBe(true);
    expect(warnings.filter((w) => /wall clock moved/.test(w))).toHaveLength(1);
    expect(Math.abs(step) < 0.1 || Math.abs(step - 5) < 0.1).toBe(true);
    await source.stop();
  });
});
