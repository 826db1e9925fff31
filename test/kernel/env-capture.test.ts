// Task names of processes that live a few milliseconds, under `pipespan run --source ebpf`: the environment keys
// are captured in the kernel at exec, so a process that is gone before user space drains the ring buffer is still
// named by its own PIPESPAN_TASK_NAME (and not by its parent's task, nor left unnamed).
import { rmSync } from "node:fs";
import { type NormalizedSpan, readOtlpJsonTraces } from "@pipespan/findings";
import {
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_PIPESPAN_SOURCE_LOST_EVENTS,
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_EXIT_CODE,
  ATTR_PROCESS_PID,
} from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPipespan, tmpOutDir } from "../support/cli.js";

const N = 200;

// 200 `sleep`s of 1–5 ms, each with its own task name, every tenth exiting 3 (`sh -c 'sleep; exit 3'` execs no
// further: the sleep is the child, sh exits 3). Then the case the fallback lost: a shell that starts a named
// short process in the background and exits at once.
const script = `
  for i in $(seq ${N}); do
    if [ $((i % 10)) -eq 0 ]; then PIPESPAN_TASK_NAME=t$i sh -c "sleep 0.00$((i % 5 + 1)); exit 3" || true
    else PIPESPAN_TASK_NAME=t$i sleep 0.00$((i % 5 + 1)); fi
  done
  bash -c 'PIPESPAN_TASK_NAME=nap sleep 0.003 & exit 0'
  sleep 0.1
`;

describe("eBPF source: environment keys captured at exec", () => {
  let spans: NormalizedSpan[];
  let out: string;
  beforeAll(async () => {
    out = tmpOutDir();
    const r = await runPipespan(
      [
        "run",
        "--source",
        "ebpf",
        "--run-id",
        "env",
        "--out",
        out,
        "--no-findings",
        "--no-report",
        "--",
        "bash",
        "-c",
        script,
      ],
      { timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    spans = (await readOtlpJsonTraces(`${out}/env`)).spans;
  }, 180_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const procs = (exe: string) =>
    spans.filter(
      (s) => s.attributes[ATTR_PROCESS_PID] !== undefined && s.attributes[ATTR_PROCESS_EXECUTABLE_NAME] === exe,
    );

  it("names every one of 200 processes of 1–5 ms by its own task, with its exit code", () => {
    const run = spans.find((s) => !s.parentSpanId);
    expect(run?.attributes[ATTR_PIPESPAN_SOURCE_LOST_EVENTS]).toBe(0);
    const sleeps = procs("sleep").filter((s) => s.attributes[ATTR_CICD_PIPELINE_TASK_NAME] !== "nap");
    const names = sleeps.map((s) => String(s.attributes[ATTR_CICD_PIPELINE_TASK_NAME]));
    // 100%: each name once, none missing, none borrowed from the shell's task
    expect(new Set(names).size).toBe(N);
    for (let i = 1; i <= N; i++) expect(names, `t${i}`).toContain(`t${i}`);
    const shells = procs("sh").filter((s) => /^t\d+$/.test(String(s.attributes[ATTR_CICD_PIPELINE_TASK_NAME])));
    expect(shells).toHaveLength(N / 10);
    for (const sh of shells) expect(sh.attributes[ATTR_PROCESS_EXIT_CODE]).toBe(3);
    for (const s of sleeps) expect(s.attributes[ATTR_PROCESS_EXIT_CODE]).toBe(0);
  });

  it("names a short process whose launching shell exited at once", () => {
    const naps = procs("sleep").filter((s) => s.attributes[ATTR_CICD_PIPELINE_TASK_NAME] === "nap");
    expect(naps).toHaveLength(1);
  });
});
