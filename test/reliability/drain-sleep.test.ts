// A quiet host costs the agent no wake-ups: once the ring buffer has stayed empty for a few drains, the kernel
// source stops polling it and sleeps until the kernel says a record landed (KernelProbe.onReadable), then drains at
// once and polls again while records come. Known truth: how many times the ring was polled while it stayed empty,
// and when a record handed over after the wake-up was seen. The kernel side is a stand-in here (a quiet host cannot
// be had on demand on a shared machine); the real addon's wake-up is checked by the native kernel tests
// (onReadable), the idle agent's CPU by bench/footprint.ts.
import { describe, expect, it } from "vitest";
import { KernelSource } from "../../packages/agent/src/source/kernel/kernel-source.ts";
import type { NativeEvent } from "../../packages/agent/src/source/kernel/native.ts";
import type { SourceEvent } from "../../packages/agent/src/source/types.ts";
import { forkRecord, standInKernel } from "../support/stand-in-kernel.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quietKernel(withWake: boolean) {
  let polls = 0;
  let waiting: (() => void) | null = null;
  let cancelled = 0;
  let queue: NativeEvent[] = [];
  const onReadable = (fn: (() => void) | null) => {
    if (fn === null && waiting) cancelled++;
    waiting = fn;
  };
  const k = standInKernel({
    poll: () => {
      polls++;
      const out = queue;
      queue = [];
      return out;
    },
    probe: withWake ? { onReadable } : {},
  });
  /** A record lands; the kernel wakes the sleeper, if any (from the event loop, as the addon does). */
  const land = (e: NativeEvent) => {
    queue.push(e);
    const fn = waiting;
    waiting = null;
    if (fn) setImmediate(fn);
  };
  return {
    ...k,
    land,
    polls: () => polls,
    asleep: () => waiting !== null,
    cancelled: () => cancelled,
  };
}

async function started(withWake: boolean) {
  const k = quietKernel(withWake);
  // pollMs 10 (the default), counters read rarely: only the drain polls the ring here.
  const source = new KernelSource({ native: k.native, probe: k.probe, envKeys: [], pollMs: 10, intervalMs: 60_000 });
  const seen: SourceEvent[] = [];
  await source.startHostWide({ onEvent: (e) => seen.push(e) });
  return { k, source, seen };
}

describe("the drain on a quiet ring", () => {
  it("stops polling after a few empty drains, sleeps, and drains at once when a record lands", async () => {
    const { k, source, seen } = await started(true);
    await sleep(300);
    // 10, 20, 40, 50 ms: four empty drains, then asleep.
    expect(k.asleep()).toBe(true);
    const pollsAsleep = k.polls();
    expect(pollsAsleep).toBeLessThanOrEqual(5);
    await sleep(500);
    expect(k.polls(), "no polls while asleep").toBe(pollsAsleep);

    const t0 = performance.now();
    k.land(forkRecord(20_001));
    while (!seen.some((e) => e.type === "start") && performance.now() - t0 < 1_000) await sleep(1);
    const after = performance.now() - t0;
    expect(seen.filter((e) => e.type === "start")).toHaveLength(1);
    expect(after, "seen as soon as the kernel said so").toBeLessThan(20);
    // Awake again: polling while records may come, then back to sleep.
    await sleep(300);
    expect(k.asleep()).toBe(true);
    await source.stop();
    expect(k.cancelled(), "stop() lets go of the wait").toBe(1);
  });

  it("keeps polling, backed off to every 50 ms, with a loader that cannot wake it", async () => {
    const { k, source } = await started(false);
    await sleep(200);
    const before = k.polls();
    await sleep(500);
    const polls = k.polls() - before;
    await source.stop();
    // 500 ms at one poll per 50 ms: 10 (timers on a shared machine run late, never early).
    expect(polls).toBeGreaterThanOrEqual(6);
    expect(polls).toBeLessThanOrEqual(11);
  });
});
