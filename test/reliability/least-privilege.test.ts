// The systemd unit in examples/systemd runs the agent with least privilege: an unprivileged user and four
// capabilities. Tested for real: the agent started by setpriv as nobody with exactly the unit's capabilities
// (every other one dropped, from the bounding set too) loads its programs and records a task another user
// (root) runs; its effective set is exactly those four. Without the two /proc ones it still names another
// user's task (the keys are captured in the kernel at exec), but cannot read that process's working directory;
// without CAP_BPF it refuses in one line.
import { spawnSync } from "node:child_process";
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PIPESPAN_BIN, REPO_ROOT } from "../support/cli.js";
import { newTraceparent, startAgent } from "./support/agent.js";

const UNIT = join(REPO_ROOT, "examples/systemd/pipespan-agent.service");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** `Key=value` lines of the unit (the last one wins, as systemd reads them). */
function unitSettings(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(UNIT, "utf8").split("\n")) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1] as string, (m[2] as string).trim());
  }
  return out;
}

/** CAP_BPF → "bpf", for setpriv. */
const capNames = (v: string) => v.split(/\s+/).map((c) => c.replace(/^CAP_/, "").toLowerCase());

/** Capability numbers (linux/capability.h). */
const CAP_NUMBERS: Record<string, number> = { dac_read_search: 2, sys_ptrace: 19, perfmon: 38, bpf: 39 };

function outDir(): string {
  const d = mkdtempSync(join(tmpdir(), "pipespan-lp-"));
  dirs.push(d);
  chownSync(d, 65534, 65534); // nobody:nogroup
  return d;
}

/** Runs a task as root (another user than the agent's) and returns the spans of it the agent wrote. */
async function taskSeenBy(
  caps: string[],
): Promise<{ spans: number; capEff: bigint; stderr: string; code: number | null }> {
  const out = outDir();
  const agent = await startAgent({ out, caps });
  let capEff = 0n;
  try {
    const status = readFileSync(`/proc/${agent.child.pid}/status`, "utf8");
    capEff = BigInt(`0x${/^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? "0"}`);
    const task = `lp-${caps.length}-${process.pid}`;
    // The bash lives a moment first, so that its working directory can be read from /proc (where allowed).
    spawnSync("bash", ["-c", "sleep 0.3; for i in 1 2 3 4 5; do /bin/true; done"], {
      env: { ...process.env, PIPESPAN_TASK_NAME: task, TRACEPARENT: newTraceparent().traceparent },
    });
    await new Promise((r) => setTimeout(r, 1_500));
    const code = await agent.stop();
    let spans = 0;
    for (const f of readdirSync(agent.dir).filter((n) => n.startsWith("traces"))) {
      spans += readFileSync(join(agent.dir, f), "utf8").split(`"${task}"`).length - 1;
    }
    return { spans, capEff, stderr: agent.stderr(), code };
  } finally {
    await agent.stop();
  }
}

describe("examples/systemd/pipespan-agent.service", () => {
  const unit = unitSettings();
  const caps = capNames(unit.get("CapabilityBoundingSet") ?? "");

  it("asks for no user of its own and exactly four capabilities, the same bounding and ambient sets", () => {
    expect(unit.get("DynamicUser")).toBe("yes");
    expect(unit.has("User")).toBe(false);
    expect(unit.get("NoNewPrivileges")).toBe("yes");
    expect(caps.sort()).toEqual(["bpf", "dac_read_search", "perfmon", "sys_ptrace"]);
    expect(capNames(unit.get("AmbientCapabilities") ?? "").sort()).toEqual(caps);
  });

  it("is a valid unit (systemd-analyze verify, with the real command line)", () => {
    const copy = join(mkdtempSync(join(tmpdir(), "pipespan-unit-")), "pipespan-agent.service");
    dirs.push(join(copy, ".."));
    const exec = `${process.execPath} ${PIPESPAN_BIN}`;
    writeFileSync(copy, readFileSync(UNIT, "utf8").replace("/usr/local/bin/pipespan", exec));
    const r = spawnSync("systemd-analyze", ["verify", copy], { encoding: "utf8" });
    expect(r.stderr.split("\n").filter((l) => /pipespan-agent/.test(l))).toEqual([]);
  });

  it("with exactly the unit's capabilities, as nobody: loads, and records another user's task", async () => {
    const r = await taskSeenBy(caps);
    expect(r.code, r.stderr).toBe(0);
    // bash, sleep and 5 × /bin/true, each span carrying the task name.
    expect(r.spans, r.stderr).toBeGreaterThanOrEqual(7);
    const mask = caps.reduce((m, c) => m | (1n << BigInt(CAP_NUMBERS[c] as number)), 0n);
    expect(r.capEff.toString(16)).toBe(mask.toString(16));
  });

  it("without CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH it still names another user's task: the keys come from the kernel", async () => {
    const r = await taskSeenBy(["bpf", "perfmon"]);
    expect(r.code, r.stderr).toBe(0);
    // bash, sleep and 5 × /bin/true, each span carrying the task name, as with all four capabilities
    expect(r.spans, r.stderr).toBeGreaterThanOrEqual(7);
  });

  it("without CAP_BPF it refuses in one line, exit 2", () => {
    const d = outDir();
    const r = spawnSync(
      "setpriv",
      [
        "--reuid=nobody",
        "--regid=nogroup",
        "--clear-groups",
        "--inh-caps=-all,+perfmon",
        "--ambient-caps=-all,+perfmon",
        "--bounding-set=-all,+perfmon",
        process.execPath,
        PIPESPAN_BIN,
        "agent",
        "--out",
        d,
      ],
      { encoding: "utf8", cwd: "/tmp", timeout: 30_000 },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/pipespan agent needs the kernel source.*needs root or CAP_BPF\+CAP_PERFMON/);
  });
});
