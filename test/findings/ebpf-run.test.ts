// The findings on real runs traced by the kernel source: a truly I/O-bound step (O_DIRECT writes and reads in
// a cgroup whose disk throughput is limited) and a truly CPU-bound step are classified io-bound and cpu-bound
// respectively — and not the other.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPipespan, scratchDir, tmpOutDir } from "../support/cli.js";
import { blkioThrottle } from "../support/throttle.js";
import { cpuShield } from "./support/cpu-shield.ts";

interface Finding {
  rule: string;
  task?: string;
  evidence: Record<string, unknown>;
}

describe("pipespan run --source ebpf → pipespan analyze", () => {
  const work = scratchDir();
  const out = tmpOutDir();
  const throttle = blkioThrottle(work, 10 * 1024 * 1024);
  const shield = cpuShield();
  let findings: Finding[] = [];

  beforeAll(async () => {
    // io_step: 24 MiB written then read back with O_DIRECT through a 10 MiB/s limit (~5 s waiting on the disk).
    // cpu_step: 3 s of pure computation, in a heavily weighted cpu group so other work on the machine cannot
    // starve it (it would be cpu-starved, rightly).
    const script = `
      set -e
      PIPESPAN_TASK_NAME=io_step bash -c '${throttle.join} dd if=/dev/zero of="$0/f" bs=1M count=24 oflag=direct status=none; dd if="$0/f" of=/dev/null bs=1M iflag=direct status=none; rm -f "$0/f"' "${work}"
      PIPESPAN_TASK_NAME=cpu_step bash -c '${shield.join} exec node -e "const t = Date.now(); let x = 0; while (Date.now() - t < 3000) x++;"'
      true
    `;
    const r = await runPipespan(
      ["run", "--source", "ebpf", "--run-id", "cls", "--out", out, "--", "bash", "-c", script],
      {
        timeoutMs: 120_000,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const a = await runPipespan(["analyze", "--json", "--instance", "m6i.large", join(out, "cls")]);
    expect(a.code, a.stderr).toBe(0);
    findings = JSON.parse(a.stdout).findings;
  }, 180_000);

  afterAll(() => {
    throttle.remove();
    shield.remove();
    rmSync(work, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  const has = (rule: string, task: string) => findings.some((f) => f.rule === rule && f.task === task);
  const rules = () => JSON.stringify(findings.map((f) => `${f.rule}:${f.task ?? "-"}`));

  it("classifies the throttled O_DIRECT step io-bound, not cpu-bound", () => {
    expect(has("io-bound", "io_step"), rules()).toBe(true);
    expect(has("cpu-bound", "io_step"), rules()).toBe(false);
  });

  it("classifies the computation cpu-bound, not io-bound", () => {
    expect(has("cpu-bound", "cpu_step"), rules()).toBe(true);
    expect(has("io-bound", "cpu_step"), rules()).toBe(false);
  });
});
