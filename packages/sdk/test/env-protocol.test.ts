import { ROOT_CONTEXT, TraceFlags, trace } from "@opentelemetry/api";
import { TraceState } from "@opentelemetry/core";
import { ENV_PROTOCOL_KEYS, extractEnv, injectEnv, parseTraceparent, withoutProtocolEnv } from "@pipespan/sdk";
import {
  ENV_PIPESPAN_PIPELINE_NAME,
  ENV_PIPESPAN_RUN_ID,
  ENV_PIPESPAN_TASK_ATTEMPT,
  ENV_PIPESPAN_TASK_NAME,
  ENV_PIPESPAN_TASK_RUN_ID,
  ENV_TRACEPARENT,
  ENV_TRACESTATE,
} from "@pipespan/semconv";
import { describe, expect, it } from "vitest";

const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const SPAN_ID = "b7ad6b7169203331";
const GOOD = `00-${TRACE_ID}-${SPAN_ID}-01`;

describe("extractEnv", () => {
  it("reads a full, valid environment", () => {
    const got = extractEnv({
      [ENV_TRACEPARENT]: GOOD,
      [ENV_TRACESTATE]: "vendor=value,other=x",
      [ENV_PIPESPAN_RUN_ID]: "2f1c7a9e-run-42",
      [ENV_PIPESPAN_PIPELINE_NAME]: "rnaseq",
      [ENV_PIPESPAN_TASK_NAME]: "STAR_ALIGN",
      [ENV_PIPESPAN_TASK_RUN_ID]: "STAR_ALIGN-3",
      [ENV_PIPESPAN_TASK_ATTEMPT]: "2",
      UNRELATED: "ignored",
    });
    expect(got.issues).toEqual([]);
    expect(got.spanContext).toMatchObject({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    expect(got.spanContext?.traceState?.serialize()).toBe("vendor=value,other=x");
    expect(got.context).toBeDefined();
    expect(trace.getSpanContext(got.context!)).toEqual(got.spanContext);
    expect(got).toMatchObject({
      runId: "2f1c7a9e-run-42",
      pipelineName: "rnaseq",
      taskName: "STAR_ALIGN",
      taskRunId: "STAR_ALIGN-3",
      attempt: 2,
    });
  });

  it("returns nothing and no issues for an empty environment; empty values count as unset", () => {
    for (const env of [{}, { [ENV_TRACEPARENT]: "", [ENV_PIPESPAN_TASK_ATTEMPT]: "" }]) {
      const got = extractEnv(env);
      expect(got).toEqual({
        context: undefined,
        spanContext: undefined,
        runId: undefined,
        pipelineName: undefined,
        taskName: undefined,
        taskRunId: undefined,
        attempt: undefined,
        issues: [],
      });
    }
  });

  const malformed: [string, string, string][] = [
    ["all-zero trace id", `00-${"0".repeat(32)}-${SPAN_ID}-01`, "trace-id is all zeros"],
    ["all-zero parent id", `00-${TRACE_ID}-${"0".repeat(16)}-01`, "parent-id is all zeros"],
    ["upper-case hex", `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`, "trace-id is not 32 lower-case hex digits"],
    ["short trace id", `00-${TRACE_ID.slice(2)}-${SPAN_ID}-01`, "version 00 must be 55 characters, got 53"],
    ["version ff", `ff-${TRACE_ID}-${SPAN_ID}-01`, "version ff is invalid"],
    ["non-hex version", `0x-${TRACE_ID}-${SPAN_ID}-01`, 'version "0x" is not two lower-case hex digits'],
    ["extra field on version 00", `${GOOD}-extra`, "version 00 must be 55 characters, got 61"],
    ["bad flags", `00-${TRACE_ID}-${SPAN_ID}-zz`, "trace-flags is not two lower-case hex digits"],
    ["wrong separators", `00_${TRACE_ID}_${SPAN_ID}_01`, "not of the form version-traceid-parentid-flags"],
    ["garbage", "hello", 'version "he" is not two lower-case hex digits'],
    ["huge", `00-${"a".repeat(10_000)}`, "longer than 512 characters (10003)"],
  ];
  for (const [what, value, reason] of malformed) {
    it(`ignores a TRACEPARENT with ${what}, with the reason`, () => {
      const got = extractEnv({ [ENV_TRACEPARENT]: value, [ENV_PIPESPAN_TASK_NAME]: "t" });
      expect(got.context).toBeUndefined();
      expect(got.spanContext).toBeUndefined();
      expect(got.issues).toHaveLength(1);
      expect(got.issues[0]).toContain(`TRACEPARENT ignored: ${reason}`);
      expect(got.taskName).toBe("t"); // the rest of the environment still counts
    });
  }

  it("accepts a later version with extra fields, and surrounding blanks", () => {
    const future = extractEnv({ [ENV_TRACEPARENT]: `cc-${TRACE_ID}-${SPAN_ID}-01-what-the-future-holds` });
    expect(future.issues).toEqual([]);
    expect(future.spanContext?.spanId).toBe(SPAN_ID);
    const padded = extractEnv({ [ENV_TRACEPARENT]: ` ${GOOD}\t` });
    expect(padded.spanContext?.traceId).toBe(TRACE_ID);
  });

  it("bounds and validates the other values", () => {
    const got = extractEnv({
      [ENV_TRACESTATE]: "a=b",
      [ENV_PIPESPAN_RUN_ID]: "r".repeat(257),
      [ENV_PIPESPAN_PIPELINE_NAME]: "bad\u0000name",
      [ENV_PIPESPAN_TASK_NAME]: "line\nbreak",
      [ENV_PIPESPAN_TASK_RUN_ID]: "ok-1",
      [ENV_PIPESPAN_TASK_ATTEMPT]: "0x10",
    });
    expect(got.runId).toBeUndefined();
    expect(got.pipelineName).toBeUndefined();
    expect(got.taskName).toBeUndefined();
    expect(got.taskRunId).toBe("ok-1");
    expect(got.attempt).toBeUndefined();
    expect(got.issues).toEqual([
      "TRACESTATE ignored: set without TRACEPARENT",
      "PIPESPAN_RUN_ID ignored: value is 257 characters long (at most 256)",
      "PIPESPAN_PIPELINE_NAME ignored: value contains control characters",
      "PIPESPAN_TASK_NAME ignored: value contains control characters",
      'PIPESPAN_TASK_ATTEMPT ignored: value is not a decimal integer: "0x10"',
    ]);
    for (const [attempt, reason] of [
      ["0", "must be between 1 and 1000000, got 0"],
      ["-1", 'is not a decimal integer: "-1"'],
      ["99999999", 'is not a decimal integer: "99999999"'],
      ["1.5", 'is not a decimal integer: "1.5"'],
    ] as const) {
      expect(extractEnv({ [ENV_PIPESPAN_TASK_ATTEMPT]: attempt }).issues).toEqual([
        `PIPESPAN_TASK_ATTEMPT ignored: value ${reason}`,
      ]);
    }
  });

  it("keeps TRACEPARENT but drops a TRACESTATE that is too long or has no valid member", () => {
    const long = extractEnv({ [ENV_TRACEPARENT]: GOOD, [ENV_TRACESTATE]: `a=${"b".repeat(5000)}` });
    expect(long.spanContext?.traceId).toBe(TRACE_ID);
    expect(long.spanContext?.traceState).toBeUndefined();
    expect(long.issues).toEqual(["TRACESTATE ignored: longer than 4096 characters (5002)"]);
    const junk = extractEnv({ [ENV_TRACEPARENT]: GOOD, [ENV_TRACESTATE]: "no equals sign here" });
    expect(junk.spanContext?.traceState).toBeUndefined();
    expect(junk.issues).toEqual(["TRACESTATE ignored: no valid list members"]);
  });

  it("never throws, whatever the values", () => {
    const nasty = ["\u0000", "-", "--", "00-", "00--", "😀".repeat(30), " ".repeat(600), "00-\u00ff"];
    for (const value of nasty) {
      for (const key of ENV_PROTOCOL_KEYS) {
        expect(() => extractEnv({ [key]: value })).not.toThrow();
      }
    }
  });
});

describe("injectEnv", () => {
  const spanContext = { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: false };

  it("writes the protocol and round-trips through extractEnv", () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, { ...spanContext, traceState: new TraceState("k=v") });
    const env = injectEnv(ctx, {
      runId: "run-1",
      pipelineName: "p",
      taskName: "t",
      taskRunId: "t-1",
      attempt: 3,
    });
    expect(env).toEqual({
      [ENV_TRACEPARENT]: GOOD,
      [ENV_TRACESTATE]: "k=v",
      [ENV_PIPESPAN_RUN_ID]: "run-1",
      [ENV_PIPESPAN_PIPELINE_NAME]: "p",
      [ENV_PIPESPAN_TASK_NAME]: "t",
      [ENV_PIPESPAN_TASK_RUN_ID]: "t-1",
      [ENV_PIPESPAN_TASK_ATTEMPT]: "3",
    });
    const back = extractEnv(env);
    expect(back.issues).toEqual([]);
    expect(back.spanContext?.spanId).toBe(SPAN_ID);
    expect(back.attempt).toBe(3);
  });

  it("mutates and returns the given env; removes a stale parent when the context has no span", () => {
    const env: Record<string, string | undefined> = { PATH: "/bin", [ENV_TRACEPARENT]: GOOD, [ENV_TRACESTATE]: "a=b" };
    const same = injectEnv(ROOT_CONTEXT, { taskName: "t" }, env);
    expect(same).toBe(env);
    expect(env).toEqual({ PATH: "/bin", [ENV_PIPESPAN_TASK_NAME]: "t" });
  });

  it("refuses values a child could not receive", () => {
    expect(() => injectEnv(ROOT_CONTEXT, { taskName: "a\u0000b" })).toThrow(
      "pipespan: taskName contains control characters",
    );
    expect(() => injectEnv(ROOT_CONTEXT, { attempt: 1.5 })).toThrow("pipespan: attempt must be an integer");
  });

  it("withoutProtocolEnv strips every protocol key and nothing else", () => {
    const env = Object.fromEntries(ENV_PROTOCOL_KEYS.map((k) => [k, "x"]));
    expect(withoutProtocolEnv({ ...env, HOME: "/root" })).toEqual({ HOME: "/root" });
  });
});

describe("parseTraceparent", () => {
  it("parses flags", () => {
    expect(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-00`)).toEqual({
      ok: true,
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: 0,
    });
  });
});
