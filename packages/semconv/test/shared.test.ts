import {
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_RUN_URL_FULL,
  ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL,
  ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME,
  ATTR_PIPESPAN_TASK_ATTEMPT,
  ATTR_PROCESS_EXIT_CODE,
  exitAttributes,
  exitCodeForSignal,
  formatTraceparent,
  hrTimeFromNs,
  METRIC_FILES_PATTERN,
  nowNs,
  nsFromHrTime,
  parseTraceparent,
  signalName,
  signalNumber,
  TRACE_FILES_PATTERN,
  taskSpanAttributes,
} from "@pipespan/semconv";
import { describe, expect, it } from "vitest";

describe("the shared helpers in @pipespan/semconv", () => {
  it("turns epoch nanoseconds (number or bigint) into HrTime pairs, and reads a clock near Date.now()", () => {
    expect(hrTimeFromNs(1_700_000_000_123_456_789n)).toEqual([1_700_000_000, 123_456_789]);
    expect(hrTimeFromNs(2_500_000_000)).toEqual([2, 500_000_000]);
    // A number that rounds up to the next second still gives nanoseconds within [0, 1e9).
    const [sec, ns] = hrTimeFromNs(Number(1_700_000_000_999_999_999n));
    expect(ns).toBeGreaterThanOrEqual(0);
    expect(ns).toBeLessThanOrEqual(999_999_999);
    expect(sec).toBeGreaterThanOrEqual(1_700_000_000);
    expect(nsFromHrTime([1_700_000_000, 123_456_789])).toBe(1_700_000_000_123_456_789n);
    // The monotonic clock anchored at the time origin stays within a second of the wall clock.
    expect(Math.abs(nowNs() / 1e6 - Date.now())).toBeLessThan(1000);
  });

  it("names signals both ways and gives the shell's exit status for a death by signal", () => {
    expect(signalName(9)).toBe("SIGKILL");
    expect(signalName(15)).toBe("SIGTERM");
    expect(signalName(99)).toBe("SIG99");
    expect(signalNumber("SIGTERM")).toBe(15);
    expect(signalNumber("SIGNOPE")).toBeUndefined();
    expect(signalNumber("__proto__")).toBeUndefined();
    expect(exitCodeForSignal("SIGKILL")).toBe(137);
  });

  it("parses and formats traceparent values as one pair", () => {
    const tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const parsed = parseTraceparent(tp);
    expect(parsed).toEqual({
      ok: true,
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      traceFlags: 1,
    });
    if (parsed.ok) expect(formatTraceparent(parsed)).toBe(tp);
    expect(parseTraceparent(tp.toUpperCase())).toMatchObject({ ok: false });
  });

  it("builds a task span's identity and a process's exit attributes", () => {
    expect(
      taskSpanAttributes({
        name: "align",
        taskRunId: "align-1",
        workDir: "/data/work/3f",
        attempt: 2,
        runId: "r1",
        pipelineName: "rnaseq",
      }),
    ).toEqual({
      [ATTR_CICD_PIPELINE_TASK_NAME]: "align",
      [ATTR_CICD_PIPELINE_TASK_RUN_ID]: "align-1",
      [ATTR_CICD_PIPELINE_TASK_RUN_URL_FULL]: "file:///data/work/3f",
      [ATTR_PIPESPAN_TASK_ATTEMPT]: 2,
      [ATTR_CICD_PIPELINE_RUN_ID]: "r1",
      [ATTR_CICD_PIPELINE_NAME]: "rnaseq",
    });
    expect(Object.keys(taskSpanAttributes({ name: "a", taskRunId: "a", workDir: "/" }))).toHaveLength(3);
    expect(exitAttributes({ exitCode: 3 })).toEqual({ [ATTR_PROCESS_EXIT_CODE]: 3 });
    expect(exitAttributes({ signal: 9 })).toEqual({
      [ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL]: 9,
      [ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME]: "SIGKILL",
    });
    expect(exitAttributes({ exitCode: 143, signal: "SIGTERM" })).toEqual({
      [ATTR_PROCESS_EXIT_CODE]: 143,
      [ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL]: 15,
      [ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME]: "SIGTERM",
    });
  });

  it("tells a run folder's trace and metric files from the rest", () => {
    for (const n of ["traces.jsonl", "traces-findings.jsonl", "traces-000002.jsonl"]) {
      expect(TRACE_FILES_PATTERN.test(n)).toBe(true);
    }
    for (const n of ["traces.json", "journal.jsonl", "traces-/x.jsonl", "metrics.jsonl"]) {
      expect(TRACE_FILES_PATTERN.test(n)).toBe(false);
    }
    expect(METRIC_FILES_PATTERN.test("metrics-000003.jsonl")).toBe(true);
  });
});
