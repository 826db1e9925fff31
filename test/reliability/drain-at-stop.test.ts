// The end of a run whose consumer fell behind: the kernel's ring buffer still holds more records than one drain
// hands over (4096). Every process the kernel reported must still be recorded. The kernel side is a stand-in here
// (a backlog cannot be produced on demand on a real machine); the real ring and its limits are exercised by
// test/kernel/burst.test.ts and bench/exec-storm.ts.
import { describe, expect, it } from "vitest";
import { KernelSource } from "../../packages/agent/src/source/kernel/kernel-source.ts";
import type { NativeEvent } from "../../packages/agent/src/source/kernel/native.ts";
import type { SourceEvent } from "../../packages/agent/src/source/types.ts";
import { forkRecord, standInKernel } from "../support/stand-in-kernel.js";

const BATCH = 4096;

/** A kernel whose ring holds `forks` fork records, handed over at most BATCH per pollEvents() call. */
function backloggedKernel(forks: number) {
  const queue: NativeEvent[] = [];
  for (let i = 0; i < forks; i++) queue.push(forkRecord(10_000 + i));
  return standInKernel({ poll: (max) => queue.splice(0, Math.min(max, BATCH)) });
}

describe("the kernel source at the end of a run", () => {
  it("records every process of a ring holding 3 drains' worth and more when it stops", async () => {
    const forks = 3 * BATCH + 123;
    const { native, probe } = backloggedKernel(forks);
    // pollMs high: nothing is drained while running, the whole backlog is there at stop()
    const source = new KernelSource({ native, probe, envKeys: [], pollMs: 60_000, intervalMs: 60_000 });
    const seen: SourceEvent[] = [];
    await source.startHostWide({ onEvent: (e) => seen.push(e) });
    await source.stop();
    const started = new Set(seen.filter((e) => e.type === "start").map((e) => (e.type === "start" ? e.key.pid : 0)));
    expect(started.size).toBe(forks);
  });
});
