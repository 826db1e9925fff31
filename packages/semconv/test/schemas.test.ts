// The generated zod schemas, metadata and helpers, exercised through the package's public face.
import {
  ATTR_CICD_PIPELINE_ACTION_NAME,
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RESULT,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_RUN_RESULT,
  ATTR_CICD_PIPELINE_TASK_RUN_URL_FULL,
  ATTR_CLOUD_PLATFORM,
  ATTR_CLOUD_PROVIDER,
  ATTR_HOST_TYPE,
  ATTR_PIPESPAN_CPU_TIME,
  ATTR_PIPESPAN_FINDING_RULE,
  ATTR_PIPESPAN_FINDING_SEVERITY,
  ATTR_PIPESPAN_FINDING_SUMMARY,
  ATTR_PIPESPAN_MEMORY_PEAK_RSS,
  ATTR_PIPESPAN_PROCESS_OOM_KILLED,
  ATTR_PIPESPAN_RUN_SOURCE,
  ATTR_PIPESPAN_STALL_DEVICE,
  ATTR_PIPESPAN_STALL_DURATION,
  ATTR_PIPESPAN_TASK_ATTRIBUTION,
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_PARENT_PID,
  ATTR_PROCESS_PID,
  ATTR_SERVICE_NAME,
  ATTR_SYSTEM_PAGING_FAULT_TYPE,
  ATTRIBUTE_VALUE_SCHEMAS,
  ATTRIBUTES,
  attributeDefinition,
  attributeUnit,
  CICD_PIPELINE_ACTION_NAME_VALUE_RUN,
  CICD_PIPELINE_RESULT_VALUE_FAILURE,
  CICD_PIPELINE_RESULT_VALUE_SUCCESS,
  CICD_PIPELINE_TASK_RUN_RESULT_VALUE_SUCCESS,
  CLOUD_PLATFORM_VALUE_AWS_EC2,
  CLOUD_PROVIDER_VALUE_AWS,
  CPU_MODE_VALUE_SYSTEM,
  CPU_MODE_VALUE_USER,
  DISK_IO_DIRECTION_VALUE_READ,
  DISK_IO_DIRECTION_VALUE_WRITE,
  EVENT_PIPESPAN_STALL,
  EVENTS,
  FindingSpanAttributesSchema,
  findingSpanName,
  HOST_RESOURCE,
  HostResourceAttributesSchema,
  METRIC_PIPESPAN_OFFCPU_TIME,
  METRIC_PROCESS_CPU_TIME,
  METRIC_PROCESS_PAGING_FAULTS,
  METRICS,
  metricDefinition,
  NETWORK_IO_DIRECTION_VALUE_RECEIVE,
  NETWORK_IO_DIRECTION_VALUE_TRANSMIT,
  PIPESPAN_FINDING_SEVERITY_VALUE_WARNING,
  PIPESPAN_RUN_SOURCE_VALUE_EBPF,
  PIPESPAN_TASK_ATTRIBUTION_VALUE_ENV,
  type PipelineRunSpanAttributes,
  PipelineRunSpanAttributesSchema,
  PROCESS_PAGING_FAULT_TYPE_VALUE_MAJOR,
  PROCESS_PAGING_FAULT_TYPE_VALUE_MINOR,
  ProcessSpanAttributesSchema,
  pipelineRunSpanName,
  processSpanName,
  SPAN_ATTRIBUTE_SCHEMAS,
  SPAN_KIND_FINDING,
  SPAN_KIND_PIPELINE_RUN,
  SPAN_KIND_PROCESS,
  SPAN_KIND_TASK,
  SPANS,
  StallEventAttributesSchema,
  SYSTEM_PAGING_FAULT_TYPE_VALUE_MAJOR,
  TaskSpanAttributesSchema,
  taskSpanName,
  UNITS,
} from "@pipespan/semconv";
import { describe, expect, it } from "vitest";
import type { z } from "zod";

const validRun: PipelineRunSpanAttributes = {
  [ATTR_CICD_PIPELINE_NAME]: "rnaseq",
  [ATTR_CICD_PIPELINE_RUN_ID]: "run-42",
  [ATTR_CICD_PIPELINE_ACTION_NAME]: CICD_PIPELINE_ACTION_NAME_VALUE_RUN,
  [ATTR_CICD_PIPELINE_RESULT]: CICD_PIPELINE_RESULT_VALUE_SUCCESS,
  [ATTR_PIPESPAN_RUN_SOURCE]: PIPESPAN_RUN_SOURCE_VALUE_EBPF,
  [ATTR_PIPESPAN_CPU_TIME]: 12.5,
  [ATTR_PIPESPAN_MEMORY_PEAK_RSS]: 64 * 2 ** 30,
};

/** The attribute names a failed parse complains about. */
function failingKeys(schema: z.ZodType, value: unknown): string[] {
  const r = schema.safeParse(value);
  if (r.success) return [];
  return r.error.issues.map((i) => String(i.path[0]));
}

describe("span attribute schemas", () => {
  it("accept a valid pipeline_run attribute set, keeping unknown keys", () => {
    const withExtra = { ...validRun, "custom.key": "kept" };
    const parsed = PipelineRunSpanAttributesSchema.parse(withExtra);
    expect(parsed).toEqual(withExtra);
  });

  it("reject a set missing a required attribute, naming it", () => {
    const { [ATTR_CICD_PIPELINE_RESULT]: _dropped, ...missing } = validRun;
    expect(failingKeys(PipelineRunSpanAttributesSchema, missing)).toEqual([ATTR_CICD_PIPELINE_RESULT]);
  });

  it("reject wrong types: string for a number, fraction for an int, unknown enum value, number for a boolean", () => {
    expect(failingKeys(PipelineRunSpanAttributesSchema, { ...validRun, [ATTR_PIPESPAN_CPU_TIME]: "12.5" })).toEqual([
      ATTR_PIPESPAN_CPU_TIME,
    ]);
    expect(failingKeys(PipelineRunSpanAttributesSchema, { ...validRun, [ATTR_PIPESPAN_MEMORY_PEAK_RSS]: 1.5 })).toEqual(
      [ATTR_PIPESPAN_MEMORY_PEAK_RSS],
    );
    expect(failingKeys(PipelineRunSpanAttributesSchema, { ...validRun, [ATTR_CICD_PIPELINE_RESULT]: "great" })).toEqual(
      [ATTR_CICD_PIPELINE_RESULT],
    );
    expect(failingKeys(PipelineRunSpanAttributesSchema, { ...validRun, [ATTR_PIPESPAN_RUN_SOURCE]: "kprobe" })).toEqual(
      [ATTR_PIPESPAN_RUN_SOURCE],
    );
    const proc = {
      [ATTR_PROCESS_PID]: 4242,
      [ATTR_PROCESS_PARENT_PID]: 1,
      [ATTR_PROCESS_EXECUTABLE_NAME]: "STAR",
    };
    expect(ProcessSpanAttributesSchema.safeParse(proc).success).toBe(true);
    expect(failingKeys(ProcessSpanAttributesSchema, { ...proc, [ATTR_PIPESPAN_PROCESS_OOM_KILLED]: 1 })).toEqual([
      ATTR_PIPESPAN_PROCESS_OOM_KILLED,
    ]);
    expect(failingKeys(ProcessSpanAttributesSchema, { ...proc, [ATTR_PROCESS_PID]: "4242" })).toEqual([
      ATTR_PROCESS_PID,
    ]);
  });

  it("validate task, finding, stall event and resource attribute sets", () => {
    const task = {
      [ATTR_CICD_PIPELINE_TASK_NAME]: "STAR_ALIGN",
      [ATTR_CICD_PIPELINE_TASK_RUN_ID]: "STAR_ALIGN-1",
      [ATTR_CICD_PIPELINE_TASK_RUN_URL_FULL]: "file:///work/3f/ab12",
      [ATTR_CICD_PIPELINE_TASK_RUN_RESULT]: CICD_PIPELINE_TASK_RUN_RESULT_VALUE_SUCCESS,
      [ATTR_PIPESPAN_TASK_ATTRIBUTION]: PIPESPAN_TASK_ATTRIBUTION_VALUE_ENV,
    };
    expect(TaskSpanAttributesSchema.safeParse(task).success).toBe(true);
    expect(failingKeys(TaskSpanAttributesSchema, { ...task, [ATTR_PIPESPAN_TASK_ATTRIBUTION]: "guess" })).toEqual([
      ATTR_PIPESPAN_TASK_ATTRIBUTION,
    ]);

    const finding = {
      [ATTR_PIPESPAN_FINDING_RULE]: "io-bound",
      [ATTR_PIPESPAN_FINDING_SEVERITY]: PIPESPAN_FINDING_SEVERITY_VALUE_WARNING,
      [ATTR_PIPESPAN_FINDING_SUMMARY]: "STAR_ALIGN waited on block I/O 71% of its wall time",
      [ATTR_CICD_PIPELINE_RUN_ID]: "run-42",
    };
    expect(FindingSpanAttributesSchema.safeParse(finding).success).toBe(true);
    const { [ATTR_CICD_PIPELINE_RUN_ID]: _r, ...noRun } = finding;
    expect(failingKeys(FindingSpanAttributesSchema, noRun)).toEqual([ATTR_CICD_PIPELINE_RUN_ID]);

    expect(StallEventAttributesSchema.safeParse({ [ATTR_PIPESPAN_STALL_DURATION]: 2.5 }).success).toBe(true);
    expect(
      failingKeys(StallEventAttributesSchema, {
        [ATTR_PIPESPAN_STALL_DURATION]: 2.5,
        [ATTR_PIPESPAN_STALL_DEVICE]: 259,
      }),
    ).toEqual([ATTR_PIPESPAN_STALL_DEVICE]);
    expect(failingKeys(StallEventAttributesSchema, {})).toEqual([ATTR_PIPESPAN_STALL_DURATION]);

    const resource = {
      [ATTR_SERVICE_NAME]: "pipespan",
      [ATTR_HOST_TYPE]: "r6i.16xlarge",
      [ATTR_CLOUD_PROVIDER]: CLOUD_PROVIDER_VALUE_AWS,
      [ATTR_CLOUD_PLATFORM]: CLOUD_PLATFORM_VALUE_AWS_EC2,
    };
    expect(HostResourceAttributesSchema.safeParse(resource).success).toBe(true);
    expect(failingKeys(HostResourceAttributesSchema, { ...resource, [ATTR_CLOUD_PROVIDER]: "aws-ish" })).toEqual([
      ATTR_CLOUD_PROVIDER,
    ]);
    const { [ATTR_SERVICE_NAME]: _s, ...noService } = resource;
    expect(failingKeys(HostResourceAttributesSchema, noService)).toEqual([ATTR_SERVICE_NAME]);
  });

  it("for every span kind: examples pass, and dropping any required attribute fails on exactly that key", () => {
    const example = (name: string): unknown => {
      const def = ATTRIBUTES[name]!;
      if (def.type === "enum") return def.members![0];
      if (def.type === "int") return 7;
      if (def.type === "double") return 0.5;
      if (def.type === "boolean") return true;
      if (def.type === "double[]") return [0.5, 1.5];
      return "x";
    };
    for (const [kind, schema] of Object.entries(SPAN_ATTRIBUTE_SCHEMAS)) {
      const def = SPANS[kind as keyof typeof SPANS];
      const full = Object.fromEntries(def.attributes.map((a) => [a.name, example(a.name)]));
      expect(schema.safeParse(full).success, `${kind}: all attributes`).toBe(true);
      const required = def.attributes.filter((a) => a.requirementLevel === "required").map((a) => a.name);
      expect(required.length, `${kind} has required attributes`).toBeGreaterThan(0);
      const minimal = Object.fromEntries(required.map((n) => [n, example(n)]));
      expect(schema.safeParse(minimal).success, `${kind}: only required attributes`).toBe(true);
      for (const n of required) {
        const { [n]: _gone, ...rest } = minimal;
        expect(failingKeys(schema, rest), `${kind} without ${n}`).toEqual([n]);
      }
    }
  });

  it("have a value schema for every attribute in the registry", () => {
    expect(Object.keys(ATTRIBUTE_VALUE_SCHEMAS).sort()).toEqual(Object.keys(ATTRIBUTES).sort());
    expect(ATTRIBUTE_VALUE_SCHEMAS[ATTR_PROCESS_PID].safeParse(2 ** 53).success).toBe(false);
  });
});

describe("enum value constants", () => {
  it("carry the upstream values pipespan uses", () => {
    expect([CICD_PIPELINE_RESULT_VALUE_SUCCESS, CICD_PIPELINE_RESULT_VALUE_FAILURE]).toEqual(["success", "failure"]);
    expect(CICD_PIPELINE_ACTION_NAME_VALUE_RUN).toBe("RUN");
    expect([CPU_MODE_VALUE_USER, CPU_MODE_VALUE_SYSTEM]).toEqual(["user", "system"]);
    expect([DISK_IO_DIRECTION_VALUE_READ, DISK_IO_DIRECTION_VALUE_WRITE]).toEqual(["read", "write"]);
    expect([NETWORK_IO_DIRECTION_VALUE_TRANSMIT, NETWORK_IO_DIRECTION_VALUE_RECEIVE]).toEqual(["transmit", "receive"]);
    expect([CLOUD_PROVIDER_VALUE_AWS, CLOUD_PLATFORM_VALUE_AWS_EC2]).toEqual(["aws", "aws_ec2"]);
    expect(SYSTEM_PAGING_FAULT_TYPE_VALUE_MAJOR).toBe("major");
    // Deprecated upstream, kept for code written against them.
    expect([PROCESS_PAGING_FAULT_TYPE_VALUE_MAJOR, PROCESS_PAGING_FAULT_TYPE_VALUE_MINOR]).toEqual(["major", "minor"]);
  });
});

describe("metadata", () => {
  it("gives units from annotations.pipespan.unit and none for unit-less attributes", () => {
    expect(UNITS[ATTR_PIPESPAN_CPU_TIME]).toBe("s");
    expect(attributeUnit(ATTR_PIPESPAN_MEMORY_PEAK_RSS)).toBe("By");
    expect(attributeUnit(ATTR_PIPESPAN_RUN_SOURCE)).toBeUndefined();
    expect(attributeUnit("no.such.attribute")).toBeUndefined();
    expect(attributeUnit("toString")).toBeUndefined();
    for (const [name, unit] of Object.entries(UNITS)) expect(ATTRIBUTES[name]?.unit).toBe(unit);
  });

  it("describes every metric with instrument, unit and attributes", () => {
    expect(METRICS[METRIC_PROCESS_CPU_TIME]).toMatchObject({ instrument: "counter", unit: "s", source: "otel" });
    expect(METRICS[METRIC_PIPESPAN_OFFCPU_TIME]).toMatchObject({
      instrument: "counter",
      unit: "s",
      source: "pipespan",
    });
    expect(METRICS[METRIC_PROCESS_PAGING_FAULTS].attributes.map((a) => a.name)).toContain(
      ATTR_SYSTEM_PAGING_FAULT_TYPE,
    );
    expect(metricDefinition(METRIC_PROCESS_CPU_TIME)?.brief.length).toBeGreaterThan(0);
    expect(metricDefinition("nope")).toBeUndefined();
    for (const m of Object.values(METRICS)) {
      expect(["counter", "updowncounter", "gauge", "histogram"]).toContain(m.instrument);
      for (const a of m.attributes) expect(attributeDefinition(a.name), `${m.name}: ${a.name}`).toBeDefined();
    }
  });

  it("describes spans, the stall event and the resource", () => {
    expect(Object.keys(SPANS)).toEqual([SPAN_KIND_PIPELINE_RUN, SPAN_KIND_TASK, SPAN_KIND_PROCESS, SPAN_KIND_FINDING]);
    expect(SPANS[SPAN_KIND_PIPELINE_RUN].otelSpanKind).toBe("server");
    expect(SPANS[SPAN_KIND_PROCESS].otelSpanKind).toBe("internal");
    expect(EVENTS[EVENT_PIPESPAN_STALL].attributes[0]).toEqual({
      name: ATTR_PIPESPAN_STALL_DURATION,
      requirementLevel: "required",
    });
    expect(HOST_RESOURCE.attributes.find((a) => a.name === ATTR_HOST_TYPE)?.requirementLevel).toBe(
      "conditionally_required",
    );
  });
});

describe("span names", () => {
  it("follow each span's name template", () => {
    expect(pipelineRunSpanName(validRun)).toBe("RUN rnaseq");
    expect(taskSpanName({ [ATTR_CICD_PIPELINE_TASK_NAME]: "STAR_ALIGN" })).toBe("STAR_ALIGN");
    expect(processSpanName({ [ATTR_PROCESS_EXECUTABLE_NAME]: "samtools" })).toBe("samtools");
    expect(findingSpanName({ [ATTR_PIPESPAN_FINDING_RULE]: "io-bound" })).toBe("finding io-bound");
  });
});
