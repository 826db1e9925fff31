// `pipespan agent` follows the whole host with eBPF and records the processes of tasks traced elsewhere: a
// `pipespan task` run without `pipespan run` gets its processes, with kernel measurements, under its task
// span in the same trace; unrelated processes of the host are not recorded.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import {
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_PIPESPAN_BLOCK_WRITE_BYTES,
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_PID,
} from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PIPESPAN_BIN, REPO_ROOT, runPipespan, scratchDir, tmpOutDir } from "../support/cli.js";
import { OtlpReceiver, type ReceivedSpan } from "../support/otlp-receiver.js";

const MiB = 1024 * 1024;

describe("pipespan agent (host-wide eBPF)", () => {
  const receiver = new OtlpReceiver();
  const out = tmpOutDir();
  const work = scratchDir();
  let spans: ReceivedSpan[] = [];
  let agentErr = "";

  beforeAll(async () => {
    const { endpoint } = await receiver.start();
    const env = { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, NO_COLOR: "1" };
    delete env["PIPESPAN_RUN_DIR"];
    const agent = spawn(process.execPath, [PIPESPAN_BIN, "agent", "--out", out, "--listen", "127.0.0.1:0"], {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    agent.stderr.on("data", (d) => {
      agentErr += d;
    });
    const deadline = Date.now() + 20_000;
    while (!agentErr.includes("following the host") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(agentErr).toContain("following the host");
    // A task traced elsewhere, and an unrelated process of the host.
    const t = await runPipespan(
      [
        "task",
        "agent_task",
        "--",
        "bash",
        "-c",
        `dd if=/dev/zero of=${work}/f bs=1M count=16 oflag=direct status=none; sleep 0.3`,
      ],
      {
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
          PIPESPAN_RUN_DIR: undefined,
          TRACEPARENT: undefined,
          PIPESPAN_RUN_ID: undefined,
        },
      },
    );
    expect(t.code, t.stderr).toBe(0);
    spawn("sleep", ["0.2"]);
    await new Promise((r) => setTimeout(r, 1500));
    const exited = new Promise((r) => agent.once("close", r));
    agent.kill("SIGTERM");
    await exited;
    await receiver.waitFor((rc) => rc.spans().some((s) => s.attributes[ATTR_PROCESS_EXECUTABLE_NAME] === "dd"), 10_000);
    spans = receiver.spans();
  }, 60_000);

  afterAll(async () => {
    await receiver.stop();
    rmSync(out, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it("puts the task's processes under the task span made by `pipespan task`, in its trace", () => {
    const task = spans.find((s) => s.name === "agent_task" && s.attributes[ATTR_PROCESS_PID] === undefined);
    expect(task, agentErr).toBeDefined();
    // The machine is shared: tasks other runs trace at the same time are recorded too, in their own traces.
    const procs = spans.filter((s) => s.attributes[ATTR_PROCESS_PID] !== undefined && s.traceId === task!.traceId);
    const bash = procs.find((p) => p.parentSpanId === task!.spanId);
    expect(bash?.attributes[ATTR_PROCESS_EXECUTABLE_NAME]).toBe("bash");
    for (const p of procs) {
      expect(p.traceId).toBe(task!.traceId);
      expect(p.attributes[ATTR_CICD_PIPELINE_TASK_NAME]).toBe("agent_task");
    }
    const dd = procs.find((p) => p.attributes[ATTR_PROCESS_EXECUTABLE_NAME] === "dd")!;
    expect(dd.parentSpanId).toBe(bash!.spanId);
    expect(Math.abs(Number(dd.attributes[ATTR_PIPESPAN_BLOCK_WRITE_BYTES]) - 16 * MiB) / (16 * MiB)).toBeLessThan(0.02);
  });

  it("does not record processes of the host that belong to no traced task", () => {
    expect(
      spans.some(
        (s) => s.attributes[ATTR_PROCESS_EXECUTABLE_NAME] === "sleep" && !s.attributes[ATTR_CICD_PIPELINE_TASK_NAME],
      ),
    ).toBe(false);
    // Every process recorded belongs to a traced task; in this task's trace, bash (which execs its last
    // command, sleep) and dd.
    for (const s of spans.filter((x) => x.attributes[ATTR_PROCESS_PID] !== undefined))
      expect(s.attributes[ATTR_CICD_PIPELINE_TASK_NAME]).toBeDefined();
    const task = spans.find((s) => s.name === "agent_task" && s.attributes[ATTR_PROCESS_PID] === undefined);
    expect(
      spans.filter((s) => s.attributes[ATTR_PROCESS_PID] !== undefined && s.traceId === task?.traceId),
    ).toHaveLength(2);
    expect(agentErr).toMatch(/recorded \d+ processes, 0 events lost/);
  });
});
