// Can the kernel source run here? Checks the cheap facts first (so the message names the real cause), then
// loads and attaches the programs: only a successful load proves it.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { importNative, type KernelProbe, NATIVE_PACKAGE, type NativeModule } from "./native.js";

export type KernelAvailability =
  | { readonly ok: true; readonly native: NativeModule; readonly probe: KernelProbe; readonly detail: string }
  | { readonly ok: false; readonly reason: string };

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

export async function openKernelProbe(btfPath = "/sys/kernel/btf/vmlinux"): Promise<KernelAvailability> {
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
    const probe = native.loadNative().open({ hostWide: false });
    const detached = probe.programs().filter((p) => !p.attached);
    const detail =
      detached.length === 0
        ? "all programs attached"
        : `not attached: ${detached.map((p) => `${p.name} (${p.reason ?? "unavailable"})`).join(", ")}`;
    return { ok: true, native, probe, detail };
  } catch (err) {
    return { ok: false, reason: firstLine(err) };
  }
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split("\n")[0] ?? "unknown error";
}
