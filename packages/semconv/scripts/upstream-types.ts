// Value types of the upstream OTel attributes pipespan references. The JS semantic-conventions package exports
// names and enum values but not types, so we keep this small table (types as in the OTel registry YAML).
// "enum" takes its members from the package's `<NAME>_VALUE_*` exports (deprecated members left out).
// error.type is an open enum upstream whose only listed value is `_OTHER`; pipespan puts signal names and
// similar in it, so it is a string here.
export type PrimitiveType = "string" | "int" | "double" | "boolean" | "string[]" | "int[]" | "double[]" | "boolean[]";
export type UpstreamType = PrimitiveType | "enum";

export const UPSTREAM_TYPES: Readonly<Record<string, UpstreamType>> = {
  "cicd.pipeline.action.name": "enum",
  "cicd.pipeline.name": "string",
  "cicd.pipeline.result": "enum",
  "cicd.pipeline.run.id": "string",
  "cicd.pipeline.task.name": "string",
  "cicd.pipeline.task.run.id": "string",
  "cicd.pipeline.task.run.result": "enum",
  "cicd.pipeline.task.run.url.full": "string",
  "cloud.platform": "enum",
  "cloud.provider": "enum",
  "cloud.region": "string",
  "cpu.mode": "enum",
  "disk.io.direction": "enum",
  "error.type": "string",
  "host.arch": "enum",
  "host.id": "string",
  "host.name": "string",
  "host.type": "string",
  "network.io.direction": "enum",
  "os.description": "string",
  "os.type": "enum",
  "os.version": "string",
  "process.command_line": "string",
  "process.executable.name": "string",
  "process.executable.path": "string",
  "process.exit.code": "int",
  "process.paging.fault_type": "enum",
  "process.parent_pid": "int",
  "process.pid": "int",
  "process.working_directory": "string",
  "service.name": "string",
  "service.version": "string",
  "system.paging.fault.type": "enum",
};

/**
 * Upstream names pipespan referenced before upstream deprecated them: old name -> replacement. Their constants
 * stay exported, marked @deprecated, so code written against them keeps compiling while it moves over;
 * conventions/ itself must not reference them any more.
 */
export const DEPRECATED_ALIASES: Readonly<Record<string, string>> = {
  "process.paging.fault_type": "system.paging.fault.type",
};
