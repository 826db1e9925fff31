// A run of many short processes (more than the evictor's batch, more tasks than the summary keeps one row each):
// ended processes leave memory as the run goes (the process table, the recorder, the attributor, the kernel
// source), root children's task spans end with their last process, and still every total is exact: each task's
// figures are the sum of its processes', the run's the sum of all processes'.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type NormalizedSpan, readOtlpJsonTraces } from "@pipespan/findings";
import {
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_PIPESPAN_CPU_TIME,
  ATTR_PIPESPAN_FILE_READ_BYTES,
  ATTR_PIPESPAN_RUN_TASK_COUNT,
  ATTR_PIPESPAN_SOURCE_LOST_EVENTS,
  ATTR_PIPESPAN_TASK_PROCESS_COUNT,
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_PID,
} from "@pipespan/semconv";
import { afterAll, describe, expect, it } from "vitest";
import { runPipespan, tmpOutDir } from "../support/cli.js";

const ROOT_CHILDREN = 1300; // past the 1000 tasks the summary keeps one row each
const WRAPPED = 400;
const script = `
  for i in $(seq ${ROOT_CHILDREN}); do /bin/true; done
  PIPESPAN_TASK_NAME=wrapped bash -c 'for i in $(seq ${WRAPPED}); do head -c 100 /etc/hostname > /dev/null; done'
`;

const num = (s: NormalizedSpan | undefined, attr: string) => Number(s?.attributes[attr] ?? 0);
const isProcess = (s: NormalizedSpan) => s.attributes[ATTR_PROCESS_PID] !== undefined;
/** Span figures are rounded to the µs: a sum of n of them is within n µs of the rounded sum. */
const closeTo = (value: number, truth: number, n: number) => Math.abs(value - truth) <= (n + 1) * 1e-6 + 1e-9;

for (const source of ["ebpf", "procfs"] as const) {
  describe(`many short processes under pipespan run (${source})`, () => {
    const out = tmpOutDir();
    let spans: NormalizedSpan[] = [];
    let stdout = "";
    let runJson: Record<string, unknown> = {};
    afterAll(() => rmSync(out, { recursive: true, force: true }));

    it("records the run with nothing lost", async () => {
      const r = await runPipespan(
        [
          "run",
          "--source",
          source,
          "--run-id",
          "many",
          "--out",
          out,
          "--no-findings",
          "--no-report",
          "--",
          "bash",
          "-c",
          script,
        ],
        { timeoutMs: 150_000 },
      );
      expect(r.code, r.stderr).toBe(0);
      stdout = r.stdout + r.stderr;
      spans = (await readOtlpJsonTraces(join(out, "many"))).spans;
      runJson = JSON.parse(readFileSync(join(out, "many", "run.json"), "utf8"));
      const run = spans.find((s) => !s.parentSpanId);
      // The kernel source loses nothing. Sampling /proc can miss a process that came and went between two reads
      // (a busy machine stretches the gaps): then the loss is counted, and run.json says the same figure.
      if (source === "ebpf") expect(num(run, ATTR_PIPESPAN_SOURCE_LOST_EVENTS)).toBe(0);
      else expect(runJson.lostEvents).toBe(num(run, ATTR_PIPESPAN_SOURCE_LOST_EVENTS));
    }, 180_000);

    it("ends every task span with its processes' sums, and the run with all of them", () => {
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const tasks = spans.filter((s) => !isProcess(s) && s.parentSpanId);
      const procs = spans.filter(isProcess);
      const run = spans.find((s) => !s.parentSpanId);
      expect(run).toBeDefined();
      // The task each process belongs to: its nearest task ancestor.
      const taskOf = (s: NormalizedSpan): NormalizedSpan | undefined => {
        let p = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
        while (p && isProcess(p)) p = p.parentSpanId ? byId.get(p.parentSpanId) : undefined;
        return p && p !== run ? p : undefined;
      };
      const members = new Map<NormalizedSpan, NormalizedSpan[]>();
      for (const p of procs) {
        const t = taskOf(p);
        if (!t) continue;
        members.set(t, [...(members.get(t) ?? []), p]);
      }
      expect(num(run, ATTR_PIPESPAN_RUN_TASK_COUNT)).toBe(tasks.length);
      expect(runJson.tasks).toBe(tasks.length);
      expect(new Set(tasks.map((t) => t.attributes[ATTR_CICD_PIPELINE_TASK_RUN_ID])).size).toBe(tasks.length);
      for (const t of tasks) {
        const ps = members.get(t) ?? [];
        expect(num(t, ATTR_PIPESPAN_TASK_PROCESS_COUNT), t.name).toBe(ps.length);
        const cpu = ps.reduce((a, p) => a + num(p, ATTR_PIPESPAN_CPU_TIME), 0);
        expect(
          closeTo(num(t, ATTR_PIPESPAN_CPU_TIME), cpu, ps.length),
          `${t.name}: ${num(t, ATTR_PIPESPAN_CPU_TIME)} vs ${cpu}`,
        ).toBe(true);
        const read = ps.reduce((a, p) => a + num(p, ATTR_PIPESPAN_FILE_READ_BYTES), 0);
        expect(num(t, ATTR_PIPESPAN_FILE_READ_BYTES), t.name).toBe(read);
      }
      const cpu = procs.reduce((a, p) => a + num(p, ATTR_PIPESPAN_CPU_TIME), 0);
      expect(
        closeTo(num(run, ATTR_PIPESPAN_CPU_TIME), cpu, procs.length),
        `run ${num(run, ATTR_PIPESPAN_CPU_TIME)} vs ${cpu}`,
      ).toBe(true);
      expect(num(run, ATTR_PIPESPAN_FILE_READ_BYTES)).toBe(
        procs.reduce((a, p) => a + num(p, ATTR_PIPESPAN_FILE_READ_BYTES), 0),
      );
      expect(runJson.processes).toBe(num(run, ATTR_PIPESPAN_TASK_PROCESS_COUNT));
    });

    if (source === "ebpf") {
      it("sees every process: each `true` a task of its own, each `head` a process of the wrapped task", () => {
        const trues = spans.filter((s) => isProcess(s) && s.attributes[ATTR_PROCESS_EXECUTABLE_NAME] === "true");
        expect(trues).toHaveLength(ROOT_CHILDREN);
        expect(new Set(trues.map((s) => s.attributes[ATTR_CICD_PIPELINE_TASK_RUN_ID])).size).toBe(ROOT_CHILDREN);
        const heads = spans.filter((s) => isProcess(s) && s.attributes[ATTR_PROCESS_EXECUTABLE_NAME] === "head");
        expect(heads).toHaveLength(WRAPPED);
        expect(heads.every((s) => s.attributes[ATTR_CICD_PIPELINE_TASK_NAME] === "wrapped")).toBe(true);
        // Each `head` read the 100 bytes it was asked for (or the whole, shorter file): at least its size.
        const file = readFileSync("/etc/hostname").length;
        expect(heads.every((s) => num(s, ATTR_PIPESPAN_FILE_READ_BYTES) >= Math.min(100, file))).toBe(true);
        expect(runJson.processes as number).toBeGreaterThanOrEqual(1 + ROOT_CHILDREN + 1 + WRAPPED);
      });

      it("prints the 1300 `true` tasks as one summary row", () => {
        expect(stdout).toMatch(new RegExp(`true ×${ROOT_CHILDREN}\\b`));
      });
    }
  });
}
