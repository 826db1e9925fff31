// Can the kernel source run here? Checks the cheap facts first (so the message names the real cause), then
// loads and attaches the programs: only a successful load proves it.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { KernelMapLimits } from "./kernel-source.js";
import { importNative, type KernelProbe, NATIVE_PACKAGE, type NativeModule } from "./native.js";

export type KernelAvailability =
  | {
      readonly ok: true;
      readonly native: NativeModule;
      readonly probe: KernelProbe;
      readonly detail: string;
      readonly limits: KernelMapLimits;
    }
  | { readonly ok: false; readonly reason: string };

/** Sizes of the kernel maps (the addon's defaults when not given; see native/README.md). */
export interface KernelMapSizes {
  /** Processes followed at once: the tracked set and the per-process counters map (16..4194304). */
  readonly maxProcesses?: number;
  /** Threads with scheduler state at once (64..4194304). */
  readonly maxThreads?: number;
  /** Lifecycle ring buffer in bytes: a power of two, at least a page. */
  readonly ringBufferBytes?: number;
}

export const DEFAULT_MAP_LIMITS: KernelMapLimits = { processes: 16_384, threads: 65_536, ringBufferBytes: 4 << 20 };

const CAP_PERFMON = 38n;
const CAP_BPF = 39n;

/** Effective capabilities of this process (from /proc/self/status). */
function effectiveCaps(): bigint {
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync("/proc/self/status", "utf8"));
    return m ? BigInt(`0x${m[1]}`) : 0n;
  } catch {
    return 0n;
  }
}

/** The reason `npm ci` could not build the addon, when it could not. */
function buildFailure(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve(`${NATIVE_PACKAGE}/package.json`);
    const marker = join(dirname(pkg), "build", "BUILD_FAILED");
    if (!existsSync(marker)) return undefined;
    const lines = readFileSync(marker, "utf8").trim().split("\n");
    return lines.at(-1)?.trim() || "build failed";
  } catch {
    return undefined;
  }
}

export async function openKernelProbe(
  btfPath = "/sys/kernel/btf/vmlinux",
  sizes: KernelMapSizes = {},
): Promise<KernelAvailability> {
  if (process.platform !== "linux") return { ok: false, reason: "eBPF needs Linux" };
  const caps = effectiveCaps();
  const uid = process.geteuid?.() ?? -1;
  const privileged = uid === 0 || (((caps >> CAP_BPF) & 1n) === 1n && ((caps >> CAP_PERFMON) & 1n) === 1n);
  if (!privileged) {
    return { ok: false, reason: `needs root or CAP_BPF+CAP_PERFMON (running as uid ${uid} without them)` };
  }
  if (!existsSync(btfPath)) return { ok: false, reason: `the kernel has no BTF (${btfPath} is missing)` };
  const failed = buildFailure();
  if (failed) return { ok: false, reason: `the eBPF addon was not built at install (${failed})` };
  let native: NativeModule;
  try {
    native = await importNative();
  } catch (err) {
    return { ok: false, reason: `the eBPF addon cannot be loaded: ${firstLine(err)}` };
  }
  try {
    const probe = native.loadNative().open({
      hostWide: false,
      ...(sizes.maxProcesses !== undefined ? { maxProcesses: sizes.maxProcesses } : {}),
      ...(sizes.maxThreads !== undefined ? { maxThreads: sizes.maxThreads } : {}),
      ...(sizes.ringBufferBytes !== undefined ? { ringBufferBytes: sizes.ringBufferBytes } : {}),
    });
    const limits: KernelMapLimits = {
      processes: sizes.maxProcesses ?? DEFAULT_MAP_LIMITS.processes,
      threads: sizes.maxThreads ?? DEFAULT_MAP_LIMITS.threads,
      ringBufferBytes: sizes.ringBufferBytes ?? DEFAULT_MAP_LIMITS.ringBufferBytes,
    };
    const detached = probe.programs().filter((p) => !p.attached);
    const detail =
      detached.length === 0
        ? "all programs attached"
        : `not attached: ${detached.map((p) => `${p.name} (${p.reason ?? "unavailable"})`).join(", ")}`;
    return { ok: true, native, probe, detail, limits };
  } catch (err) {
    return { ok: false, reason: firstLine(err) };
  }
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split("\n")[0] ?? "unknown error";
}
