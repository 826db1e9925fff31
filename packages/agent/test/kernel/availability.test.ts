// The kernel source's availability check names the real cause.
import { describe, expect, it } from "vitest";
import { openKernelProbe } from "../../src/source/kernel/availability.js";

describe("openKernelProbe", () => {
  it("says when the kernel has no BTF", async () => {
    const r = await openKernelProbe("/nonexistent/btf/vmlinux");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe("the kernel has no BTF (/nonexistent/btf/vmlinux is missing)");
  });

  it("loads and attaches every program here (root, BTF, addon built)", async () => {
    const r = await openKernelProbe();
    if (!r.ok) throw new Error(`the kernel source cannot run on this machine: ${r.reason}`);
    expect(r.detail).toBe("all programs attached");
    r.probe.close();
  });
});
