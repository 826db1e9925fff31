// Generated from conventions/ by `npm run generate`. Do not edit.

import type { SpanKindId } from "./names.js";

export type AttributeType = "string" | "int" | "double" | "boolean" | "enum" | "string[]" | "int[]" | "double[]" | "boolean[]";
export type RequirementLevel = "required" | "conditionally_required" | "recommended" | "opt_in";
export type MetricInstrument = "counter" | "updowncounter" | "gauge" | "histogram";
/** pipespan: defined in conventions/; otel: an upstream OpenTelemetry name pipespan references. */
export type NameSource = "pipespan" | "otel";

export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  /** Enum values (for type enum). */
  readonly members?: readonly string[];
  readonly brief: string;
  /** UCUM unit (annotations.pipespan.unit), where the attribute is a quantity. */
  readonly unit?: string;
  readonly source: NameSource;
  readonly stability: string;
}

export interface AttributeUse {
  readonly name: string;
  readonly requirementLevel: RequirementLevel;
  /** The condition of a conditionally_required attribute. */
  readonly condition?: string;
}

export interface MetricDefinition {
  readonly name: string;
  readonly instrument: MetricInstrument;
  readonly unit: string;
  readonly brief: string;
  readonly note?: string;
  readonly source: NameSource;
  readonly stability: string;
  readonly attributes: readonly AttributeUse[];
}

export interface SpanDefinition {
  /** pipespan's id of the span kind (SPAN_KIND_*). */
  readonly kind: SpanKindId;
  /** Registry group id. */
  readonly id: string;
  /** The OTel SpanKind, lower-case as in the registry. */
  readonly otelSpanKind: "internal" | "server" | "client" | "producer" | "consumer";
  readonly brief: string;
  /** Span name template; `{attribute}` stands for that attribute's value. */
  readonly nameTemplate: string;
  readonly attributes: readonly AttributeUse[];
}

export interface EventDefinition {
  readonly name: string;
  readonly id: string;
  readonly brief: string;
  readonly attributes: readonly AttributeUse[];
}

export interface ResourceDefinition {
  readonly id: string;
  readonly brief: string;
  readonly attributes: readonly AttributeUse[];
}

export interface EnvVariableDefinition {
  readonly name: string;
  readonly brief: string;
}

/** Every attribute in the registry (own and referenced upstream), by name. */
export const ATTRIBUTES: Readonly<Record<string, AttributeDefinition>> = {
  "cicd.pipeline.action.name": { name: "cicd.pipeline.action.name", type: "enum", members: ["BUILD", "RUN", "SYNC"], brief: "The kind of action a pipeline run is performing.", source: "otel", stability: "development" },
  "cicd.pipeline.name": { name: "cicd.pipeline.name", type: "string", brief: "The human readable name of the pipeline within a CI/CD system.", source: "otel", stability: "development" },
  "cicd.pipeline.result": { name: "cicd.pipeline.result", type: "enum", members: ["cancellation", "error", "failure", "skip", "success", "timeout"], brief: "The result of a pipeline run.", source: "otel", stability: "development" },
  "cicd.pipeline.run.id": { name: "cicd.pipeline.run.id", type: "string", brief: "The unique identifier of a pipeline run within a CI/CD system.", source: "otel", stability: "development" },
  "cicd.pipeline.task.name": { name: "cicd.pipeline.task.name", type: "string", brief: "The human readable name of a task within a pipeline. Task here most closely aligns with a [computing process](https://wikipedia.org/wiki/Pipeline_(computing)) in a pipeline. Other terms for tasks include commands, steps, and procedures.", source: "otel", stability: "development" },
  "cicd.pipeline.task.run.id": { name: "cicd.pipeline.task.run.id", type: "string", brief: "The unique identifier of a task run within a pipeline.", source: "otel", stability: "development" },
  "cicd.pipeline.task.run.result": { name: "cicd.pipeline.task.run.result", type: "enum", members: ["cancellation", "error", "failure", "skip", "success", "timeout"], brief: "The result of a task run.", source: "otel", stability: "development" },
  "cicd.pipeline.task.run.url.full": { name: "cicd.pipeline.task.run.url.full", type: "string", brief: "The [URL](https://wikipedia.org/wiki/URL) of the pipeline task run, providing the complete address in order to locate and identify the pipeline task run.", source: "otel", stability: "development" },
  "cloud.platform": { name: "cloud.platform", type: "enum", members: ["akamai_cloud.compute", "alibaba_cloud_ecs", "alibaba_cloud_fc", "alibaba_cloud_openshift", "aws_app_runner", "aws_ec2", "aws_ecs", "aws_eks", "aws_elastic_beanstalk", "aws_lambda", "aws_openshift", "azure.aks", "azure.app_service", "azure.container_apps", "azure.container_instances", "azure.functions", "azure.openshift", "azure.vm", "gcp.agent_engine", "gcp_app_engine", "gcp_bare_metal_solution", "gcp_cloud_functions", "gcp_cloud_run", "gcp_compute_engine", "gcp_kubernetes_engine", "gcp_openshift", "hetzner.cloud_server", "ibm_cloud_openshift", "oracle_cloud_compute", "oracle_cloud_oke", "scaleway_cloud_compute", "tencent_cloud_cvm", "tencent_cloud_eks", "tencent_cloud_scf", "vultr.cloud_compute"], brief: "The cloud platform in use.", source: "otel", stability: "development" },
  "cloud.provider": { name: "cloud.provider", type: "enum", members: ["akamai_cloud", "alibaba_cloud", "aws", "azure", "gcp", "heroku", "hetzner", "ibm_cloud", "oracle_cloud", "scaleway_cloud", "tencent_cloud", "vultr"], brief: "Name of the cloud provider.", source: "otel", stability: "development" },
  "cloud.region": { name: "cloud.region", type: "string", brief: "The geographical region within a cloud provider. When associated with a resource, this attribute specifies the region where the resource operates. When calling services or APIs deployed on a cloud, this attribute identifies the region where the called destination is deployed.", source: "otel", stability: "development" },
  "cpu.mode": { name: "cpu.mode", type: "enum", members: ["idle", "interrupt", "iowait", "nice", "steal", "system", "user"], brief: "The mode of the CPU", source: "otel", stability: "development" },
  "disk.io.direction": { name: "disk.io.direction", type: "enum", members: ["read", "write"], brief: "The disk IO operation direction.", source: "otel", stability: "development" },
  "error.type": { name: "error.type", type: "string", brief: "Describes a class of error the operation ended with.", source: "otel", stability: "stable" },
  "host.arch": { name: "host.arch", type: "enum", members: ["amd64", "arm32", "arm64", "ia64", "ppc32", "ppc64", "s390x", "x86"], brief: "The CPU architecture the host system is running on.", source: "otel", stability: "development" },
  "host.id": { name: "host.id", type: "string", brief: "Unique host ID, determined by the first matching source in the priority order.", source: "otel", stability: "development" },
  "host.name": { name: "host.name", type: "string", brief: "Name of the host. On UNIX systems, it may contain what the hostname command returns, or the fully qualified hostname, or another name specified by the user.", source: "otel", stability: "development" },
  "host.type": { name: "host.type", type: "string", brief: "Type of host. For Cloud, this must be the machine type.", source: "otel", stability: "development" },
  "network.io.direction": { name: "network.io.direction", type: "enum", members: ["receive", "transmit"], brief: "The direction of traffic from the perspective of the observing host's physical or virtual network interface. It should not be used to represent the logical direction of a stateful connection or network flow.", source: "otel", stability: "development" },
  "os.description": { name: "os.description", type: "string", brief: "Human readable (not intended to be parsed) OS version information, like e.g. reported by `ver` or `lsb_release -a` commands.", source: "otel", stability: "development" },
  "os.type": { name: "os.type", type: "enum", members: ["aix", "darwin", "dragonflybsd", "freebsd", "hpux", "linux", "netbsd", "openbsd", "solaris", "windows", "zos"], brief: "The operating system type.", source: "otel", stability: "development" },
  "os.version": { name: "os.version", type: "string", brief: "The version string of the operating system as defined in Version Attributes.", source: "otel", stability: "development" },
  "pipespan.block.read_bytes": { name: "pipespan.block.read_bytes", type: "int", brief: "Bytes of block-layer read I/O submitted on behalf of the process (kernel source only).", unit: "By", source: "pipespan", stability: "development" },
  "pipespan.block.read_ops": { name: "pipespan.block.read_ops", type: "int", brief: "Block-layer read operations submitted on behalf of the process (kernel source only).", unit: "{operation}", source: "pipespan", stability: "development" },
  "pipespan.block.write_bytes": { name: "pipespan.block.write_bytes", type: "int", brief: "Bytes of block-layer write I/O submitted on behalf of the process (kernel source only).", unit: "By", source: "pipespan", stability: "development" },
  "pipespan.block.write_ops": { name: "pipespan.block.write_ops", type: "int", brief: "Block-layer write operations submitted on behalf of the process (kernel source only).", unit: "{operation}", source: "pipespan", stability: "development" },
  "pipespan.context_switches.involuntary": { name: "pipespan.context_switches.involuntary", type: "int", brief: "Involuntary context switches (the thread was preempted).", unit: "{switch}", source: "pipespan", stability: "development" },
  "pipespan.context_switches.voluntary": { name: "pipespan.context_switches.voluntary", type: "int", brief: "Voluntary context switches (the thread blocked).", unit: "{switch}", source: "pipespan", stability: "development" },
  "pipespan.cpu.system_time": { name: "pipespan.cpu.system_time", type: "double", brief: "Time on a CPU in kernel mode.", unit: "s", source: "pipespan", stability: "development" },
  "pipespan.cpu.time": { name: "pipespan.cpu.time", type: "double", brief: "Time on a CPU (user + system).", unit: "s", source: "pipespan", stability: "development" },
  "pipespan.cpu.unattributed_time": { name: "pipespan.cpu.unattributed_time", type: "double", brief: "CPU time of descendants that ended between two procfs samples, known only from their parent's reaped-children totals.", unit: "s", source: "pipespan", stability: "development" },
  "pipespan.cpu.user_time": { name: "pipespan.cpu.user_time", type: "double", brief: "Time on a CPU in user mode.", unit: "s", source: "pipespan", stability: "development" },
  "pipespan.cpu.utilization": { name: "pipespan.cpu.utilization", type: "double", brief: "CPU time divided by wall time (1.0 = one core busy all the time).", unit: "1", source: "pipespan", stability: "development" },
  "pipespan.device.name": { name: "pipespan.device.name", type: "string", brief: "The block device's kernel name, or major:minor when it cannot be named.", source: "pipespan", stability: "development" },
  "pipespan.device.timeline.busy_time": { name: "pipespan.device.timeline.busy_time", type: "double[]", brief: "Seconds of each bucket in which the device had at least one request in flight (the kernel's io_ticks, as iostat's %util uses); divided by the interval it is the device's utilization. 0 when not measured.", unit: "s", source: "pipespan", stability: "development" },
  "pipespan.device.timeline.read_bytes": { name: "pipespan.device.timeline.read_bytes", type: "double[]", brief: "Bytes of read requests the device completed in each bucket, host-wide.", unit: "By", source: "pipespan", stability: "development" },
  "pipespan.device.timeline.read_ops": { name: "pipespan.device.timeline.read_ops", type: "double[]", brief: "Read requests the device completed in each bucket, host-wide.", unit: "{operation}", source: "pipespan", stability: "development" },
  "pipespan.device.timeline.read_service_time": { name: "pipespan.device.timeline.read_service_time", type: "double[]", brief: "Seconds of device service summed over the read requests completed in each bucket (issue to completion); divided by that bucket's read_ops it is the mean read latency of the device (iostat's r_await without the scheduler queue). Present with the kernel source only.", unit: "s", source: "pipespan", stability: "development" },
  "pipespan.device.timeline.write_bytes": { name: "pipespan.device.timeline.write_bytes", type: "double[]", brief: "Bytes of write requests the device completed in each bucket, host-wide.", unit: "By", source: "pipespan", stability: "development" },
  "pipespan.device.timeline.write_ops": { name: "pipespan.device.timeline.write_ops", type: "double[]", brief: "Write requests the device completed in each bucket, host-wide.", unit: "{operation}", source: "pipespan", stability: "development" },
  "pipespan.device.timeline.write_service_time": { name: "pipespan.device.timeline.write_service_time", type: "double[]", brief: "Seconds of device service summed over the write requests completed in each bucket; divided by that bucket's write_ops it is the mean write latency of the device. Present with the kernel source only.", unit: "s", source: "pipespan", stability: "development" },
  "pipespan.disk.cancelled_write_bytes": { name: "pipespan.disk.cancelled_write_bytes", type: "int", brief: "Written bytes that never reached storage because the file was truncated or deleted first.", unit: "By", source: "pipespan", stability: "development" },
  "pipespan.disk.read_bytes": { name: "pipespan.disk.read_bytes", type: "int", brief: "Bytes the process caused to be read from storage (task I/O accounting read_bytes).", unit: "By", source: "pipespan", stability: "development" },
  "pipespan.disk.write_bytes": { name: "pipespan.disk.write_bytes", type: "int", brief: "Bytes the process caused to be written to storage (task I/O accounting write_bytes; charged when pages are dirtied).", unit: "By", source: "pipespan", stability: "development" },
  "pipespan.drop.reason": { name: "pipespan.drop.reason", type: "enum", members: ["ring_buffer_full", "counters_map_full", "tracked_map_full", "thread_map_full", "argv_unreadable", "block_latency_map_full", "decode_error", "env_unreadable", "process_vanished", "root_exited_early", "unknown_process", "export_queue_full", "export_rejected", "span_queue_full", "other"], brief: "Why events or telemetry items were dropped.", source: "pipespan", stability: "development" },
  "pipespan.export.signal": { name: "pipespan.export.signal", type: "enum", members: ["traces", "metrics"], brief: "Which telemetry signal an export concerned.", source: "pipespan", stability: "development" },
  "pipespan.file.read_bytes": { name: "pipespan.file.read_bytes", type: "int", brief: "Bytes read through read-like system calls (rchar), from files, pipes and sockets, including the page cache.", unit: "By", source: "pipespan", stability: "development" },
  "pipespan.file.write_bytes": { name: "pipespan.file.write_bytes", type: "int", brief: "Bytes written through write-like system calls (wchar).", unit: "By", source: "pipespan", stability: "development" },
  "pipespan.finding.advice": { name: "pipespan.finding.advice", type: "string", brief: "What to do about it.", source: "pipespan", stability: "development" },
  "pipespan.finding.binding_limit": { name: "pipespan.finding.binding_limit", type: "enum", members: ["cpu", "ebs", "network", "none"], brief: "Which instance limit would bound the run on the recommended instance type.", source: "pipespan", stability: "development" },
  "pipespan.finding.cost_change": { name: "pipespan.finding.cost_change", type: "double", brief: "Estimated relative change of the cost per run on the recommended instance type (-0.37 is 37% cheaper).", unit: "1", source: "pipespan", stability: "development" },
  "pipespan.finding.cost_per_run": { name: "pipespan.finding.cost_per_run", type: "double", brief: "Cost of one run on pipespan.finding.instance_type (on-demand price per hour times the observed or estimated runtime), in US dollars.", unit: "{USD}", source: "pipespan", stability: "development" },
  "pipespan.finding.evidence": { name: "pipespan.finding.evidence", type: "string", brief: "The numbers that decided the verdict, as a JSON object.", source: "pipespan", stability: "development" },
  "pipespan.finding.instance_type": { name: "pipespan.finding.instance_type", type: "string", brief: "The EC2 instance type a cost finding is about (the type the run used, or a recommended candidate).", source: "pipespan", stability: "development" },
  "pipespan.finding.rule": { name: "pipespan.finding.rule", type: "string", brief: "Id of the rule that produced the finding.", source: "pipespan", stability: "development" },
  "pipespan.finding.severity": { name: "pipespan.finding.severity", type: "enum", members: ["info", "warning", "critical"], brief: "How much the finding matters.", source: "pipespan", stability: "development" },
  "pipespan.finding.speedup": { name: "pipespan.finding.speedup", type: "double", brief: "Estimated speed-up of the run on the recommended instance type (observed runtime divided by estimated runtime; above 1 is faster).", unit: "1", source: "pipespan", stability: "development" },
  "pipespan.finding.summary": { name: "pipespan.finding.summary", type: "string", brief: "One-line verdict.", source: "pipespan", stability: "development" },
  "pipespan.host.cpu.logical_count": { name: "pipespan.host.cpu.logical_count", type: "int", brief: "Logical CPUs online on the measured host (hardware threads the scheduler can use).", unit: "{cpu}", source: "pipespan", stability: "development" },
  "pipespan.host.memory.total": { name: "pipespan.host.memory.total", type: "int", brief: "Physical memory of the measured host usable by the kernel (MemTotal).", unit: "By", source: "pipespan", stability: "development" },
  "pipespan.memory.major_faults": { name: "pipespan.memory.major_faults", type: "int", brief: "Page faults that needed I/O.", unit: "{fault}", source: "pipespan", stability: "development" },
  "pipespan.memory.minor_faults": { name: "pipespan.memory.minor_faults", type: "int", brief: "Page faults served without I/O.", unit: "{fault}", source: "pipespan", stability: "development" },
  "pipespan.memory.peak_rss": { name: "pipespan.memory.peak_rss", type: "int", brief: "Peak resident set size (VmHWM); for a task or run, the largest of its processes.", unit: "By", source: "pipespan", stability: "development" },
  "pipespan.network.rx_bytes": { name: "pipespan.network.rx_bytes", type: "int", brief: "Bytes received on sockets (kernel source only).", unit: "By", source: "pipespan", stability: "development" },
  "pipespan.network.tx_bytes": { name: "pipespan.network.tx_bytes", type: "int", brief: "Bytes sent on sockets (kernel source only).", unit: "By", source: "pipespan", stability: "development" },
  "pipespan.nextflow.error_action": { name: "pipespan.nextflow.error_action", type: "string", brief: "What Nextflow did about a failed task (RETRY, TERMINATE, FINISH, IGNORE), from its weblog.", source: "pipespan", stability: "development" },
  "pipespan.nextflow.exit_status": { name: "pipespan.nextflow.exit_status", type: "int", brief: "The task's exit status as Nextflow reported it in its weblog.", source: "pipespan", stability: "development" },
  "pipespan.nextflow.hash": { name: "pipespan.nextflow.hash", type: "string", brief: "The task's hash as Nextflow prints it (first 2 hex digits, `/`, next 6), which names its work dir.", source: "pipespan", stability: "development" },
  "pipespan.nextflow.native_id": { name: "pipespan.nextflow.native_id", type: "string", brief: "The executor's id for the task (from the weblog) — the wrapper's pid for the local executor, the job id on a grid or cloud batch service.", source: "pipespan", stability: "development" },
  "pipespan.nextflow.project": { name: "pipespan.nextflow.project", type: "string", brief: "The Nextflow project (pipeline) the run ran, from the weblog.", source: "pipespan", stability: "development" },
  "pipespan.nextflow.resumed": { name: "pipespan.nextflow.resumed", type: "boolean", brief: "True when the run was started with -resume (from the weblog).", source: "pipespan", stability: "development" },
  "pipespan.nextflow.run_name": { name: "pipespan.nextflow.run_name", type: "string", brief: "Nextflow's run name (new for every invocation, also on -resume).", source: "pipespan", stability: "development" },
  "pipespan.nextflow.session_id": { name: "pipespan.nextflow.session_id", type: "string", brief: "Nextflow's session id (runId in the weblog); -resume reuses the resumed run's id.", source: "pipespan", stability: "development" },
  "pipespan.nextflow.status": { name: "pipespan.nextflow.status", type: "string", brief: "The task's final status as Nextflow reported it in its weblog (COMPLETED, FAILED, ABORTED).", source: "pipespan", stability: "development" },
  "pipespan.nextflow.task_id": { name: "pipespan.nextflow.task_id", type: "int", brief: "Nextflow's sequential task id within the run (from the weblog).", source: "pipespan", stability: "development" },
  "pipespan.offcpu.blocked_time": { name: "pipespan.offcpu.blocked_time", type: "double", brief: "Time off the CPU in uninterruptible sleep (D state) outside io_schedule(): kernel locks and other uninterruptible waits. With pipespan.offcpu.io_wait_time it makes up all D-state time.", unit: "s", source: "pipespan", stability: "development" },
  "pipespan.offcpu.cause": { name: "pipespan.offcpu.cause", type: "enum", members: ["io_wait", "blocked", "sleep"], brief: "Why a thread was off the CPU.", source: "pipespan", stability: "development" },
  "pipespan.offcpu.io_wait_time": { name: "pipespan.offcpu.io_wait_time", type: "double", brief: "Time off the CPU in io_schedule() (D state waiting on storage, page-in, writeback throttling).", unit: "s", source: "pipespan", stability: "development" },
  "pipespan.offcpu.sleep_time": { name: "pipespan.offcpu.sleep_time", type: "double", brief: "Time off the CPU in interruptible sleep (S state) such as sleep(), pipes, sockets, waiting for children.", unit: "s", source: "pipespan", stability: "development" },
  "pipespan.process.exit.signal": { name: "pipespan.process.exit.signal", type: "int", brief: "Number of the signal that terminated the process, when it was killed by one.", source: "pipespan", stability: "development" },
  "pipespan.process.exit.signal_name": { name: "pipespan.process.exit.signal_name", type: "string", brief: "Name of the signal that terminated the process.", source: "pipespan", stability: "development" },
  "pipespan.process.exit_observed": { name: "pipespan.process.exit_observed", type: "boolean", brief: "True when the source saw the process exit with its final counters; false when the totals are the last sample before it vanished.", source: "pipespan", stability: "development" },
  "pipespan.process.oom_killed": { name: "pipespan.process.oom_killed", type: "boolean", brief: "True when the kernel's OOM killer chose this process.", source: "pipespan", stability: "development" },
  "pipespan.process.overhead": { name: "pipespan.process.overhead", type: "boolean", brief: "The process is the workflow manager's own work, not a task's (Snakemake's ILP solver, a helper the manager ran to learn about the host); it hangs under the run, not under a task.", source: "pipespan", stability: "development" },
  "pipespan.process.start_ticks": { name: "pipespan.process.start_ticks", type: "int", brief: "The process start time in clock ticks since boot (/proc/<pid>/stat field 22); with process.pid it identifies a process across pid reuse.", source: "pipespan", stability: "development" },
  "pipespan.run.command": { name: "pipespan.run.command", type: "string", brief: "The root command of the run, redacted like process.command_line.", source: "pipespan", stability: "development" },
  "pipespan.run.exit_code": { name: "pipespan.run.exit_code", type: "int", brief: "Exit code of the run's root command (128 + signal number when killed by a signal).", source: "pipespan", stability: "development" },
  "pipespan.run.incomplete": { name: "pipespan.run.incomplete", type: "boolean", brief: "True on a run span, and on task spans, that were rebuilt from the run folder after the pipespan process that wrote it was killed: totals cover what reached the disk, and the end time is when the writer was last seen alive.", source: "pipespan", stability: "development" },
  "pipespan.run.source": { name: "pipespan.run.source", type: "enum", members: ["procfs", "ebpf"], brief: "The event source that measured this run.", source: "pipespan", stability: "development" },
  "pipespan.run.task_count": { name: "pipespan.run.task_count", type: "int", brief: "Number of tasks in the run.", unit: "{task}", source: "pipespan", stability: "development" },
  "pipespan.runqueue.delay": { name: "pipespan.runqueue.delay", type: "double", brief: "Time runnable but waiting for a CPU (wake-up to switch-in).", unit: "s", source: "pipespan", stability: "development" },
  "pipespan.snakemake.jobid": { name: "pipespan.snakemake.jobid", type: "int", brief: "Snakemake's job id within the invocation.", source: "pipespan", stability: "development" },
  "pipespan.snakemake.resources": { name: "pipespan.snakemake.resources", type: "string", brief: "The job's resources as Snakemake resolved them, as `name=value` pairs joined by `, `.", source: "pipespan", stability: "development" },
  "pipespan.snakemake.threads": { name: "pipespan.snakemake.threads", type: "int", brief: "The threads Snakemake gave the job (also pipespan.task.requested_cpus).", source: "pipespan", stability: "development" },
  "pipespan.snakemake.workflow_id": { name: "pipespan.snakemake.workflow_id", type: "string", brief: "The id Snakemake gives each invocation of a workflow.", source: "pipespan", stability: "development" },
  "pipespan.source.lost_events": { name: "pipespan.source.lost_events", type: "int", brief: "Kernel or procfs events the source could not deliver (ring-buffer drops, processes gone before they were seen). 0 means nothing was lost.", unit: "{event}", source: "pipespan", stability: "development" },
  "pipespan.source.map": { name: "pipespan.source.map", type: "enum", members: ["counters", "tracked", "threads"], brief: "Which kernel map of the eBPF source a figure is about.", source: "pipespan", stability: "development" },
  "pipespan.stall.device": { name: "pipespan.stall.device", type: "string", brief: "Block device the process waited on, where known (major:minor or name).", source: "pipespan", stability: "development" },
  "pipespan.stall.duration": { name: "pipespan.stall.duration", type: "double", brief: "Length of the stall window.", unit: "s", source: "pipespan", stability: "development" },
  "pipespan.task.attempt": { name: "pipespan.task.attempt", type: "int", brief: "Attempt number of this task run, starting at 1.", source: "pipespan", stability: "development" },
  "pipespan.task.attribution": { name: "pipespan.task.attribution", type: "enum", members: ["env", "weblog", "nextflow", "snakemake", "root_child", "root"], brief: "How pipespan decided which processes belong to this task.", source: "pipespan", stability: "development" },
  "pipespan.task.process_count": { name: "pipespan.task.process_count", type: "int", brief: "Number of processes attributed to the task (or run) that the source observed.", unit: "{process}", source: "pipespan", stability: "development" },
  "pipespan.task.requested_cpus": { name: "pipespan.task.requested_cpus", type: "double", brief: "CPUs the workflow manager requested for the task, where known.", unit: "{cpu}", source: "pipespan", stability: "development" },
  "pipespan.task.requested_disk": { name: "pipespan.task.requested_disk", type: "int", brief: "Disk space the workflow manager requested for the task (Nextflow's disk directive, Snakemake's disk_mb), where known.", unit: "By", source: "pipespan", stability: "development" },
  "pipespan.task.requested_memory": { name: "pipespan.task.requested_memory", type: "int", brief: "Memory the workflow manager requested for the task, where known.", unit: "By", source: "pipespan", stability: "development" },
  "pipespan.task.requested_time": { name: "pipespan.task.requested_time", type: "double", brief: "Run time the workflow manager allowed the task (Nextflow's time directive, Snakemake's runtime resource), where known.", unit: "s", source: "pipespan", stability: "development" },
  "pipespan.task.tag": { name: "pipespan.task.tag", type: "string", brief: "What tells this run of the task from the other runs of the same step: Nextflow's tag (the part of the task name in parentheses), Snakemake's wildcards as `name=value` pairs joined by `, `.", source: "pipespan", stability: "development" },
  "pipespan.timeline.active_threads_max": { name: "pipespan.timeline.active_threads_max", type: "double[]", brief: "The most threads of the task (or run) that were on a CPU, runnable or in D state at one counter read in each bucket (0 when no read fell in the bucket): an estimate of the parallelism the work can use. For several processes it is the sum of each process's largest count in the bucket.", unit: "{thread}", source: "pipespan", stability: "development" },
  "pipespan.timeline.blocked_time": { name: "pipespan.timeline.blocked_time", type: "double[]", brief: "Thread-seconds in D state outside io_schedule() (locks, other uninterruptible waits) in each bucket.", unit: "s", source: "pipespan", stability: "development" },
  "pipespan.timeline.cpu_time": { name: "pipespan.timeline.cpu_time", type: "double[]", brief: "Thread-seconds on a CPU in each bucket, summed over every thread of every process of the task (or run).", unit: "s", source: "pipespan", stability: "development" },
  "pipespan.timeline.interval": { name: "pipespan.timeline.interval", type: "double", brief: "Width of one bucket of the span's (or event's) timeline arrays, in seconds; bucket 0 starts at the span's start.", source: "pipespan", stability: "development" },
  "pipespan.timeline.io_wait_time": { name: "pipespan.timeline.io_wait_time", type: "double[]", brief: "Thread-seconds in io_schedule() (D state waiting on storage, page-in, writeback throttling) in each bucket.", unit: "s", source: "pipespan", stability: "development" },
  "pipespan.timeline.network_bytes": { name: "pipespan.timeline.network_bytes", type: "double[]", brief: "Socket payload bytes sent plus received in each bucket.", unit: "By", source: "pipespan", stability: "development" },
  "pipespan.timeline.runqueue_delay": { name: "pipespan.timeline.runqueue_delay", type: "double[]", brief: "Thread-seconds runnable but waiting for a CPU in each bucket.", unit: "s", source: "pipespan", stability: "development" },
  "pipespan.timeline.sleep_time": { name: "pipespan.timeline.sleep_time", type: "double[]", brief: "Thread-seconds in interruptible sleep (S state, including idle worker threads) in each bucket.", unit: "s", source: "pipespan", stability: "development" },
  "pipespan.timeline.storage_bytes": { name: "pipespan.timeline.storage_bytes", type: "double[]", brief: "Block-layer bytes submitted (read plus write) in each bucket, in the submitter's context. Bios held back by cgroup I/O throttling and buffered writes flushed by writeback threads are submitted by kernel threads and are missing here; the device timeline (pipespan.device.io) has every byte the disk moved.", unit: "By", source: "pipespan", stability: "development" },
  "pipespan.workflow.cached_tasks": { name: "pipespan.workflow.cached_tasks", type: "int", brief: "Tasks the workflow manager did not run because a previous run's results were reused (Nextflow -resume); they have no task span.", unit: "{task}", source: "pipespan", stability: "development" },
  "pipespan.workflow.manager": { name: "pipespan.workflow.manager", type: "enum", members: ["nextflow", "snakemake"], brief: "The workflow manager that defined the run or the task.", source: "pipespan", stability: "development" },
  "process.command_line": { name: "process.command_line", type: "string", brief: "The full command used to launch the process as a single string representing the full command. On Windows, can be set to the result of `GetCommandLineW`. Do not set this if you have to assemble it just for monitoring; use `process.command_args` instead. **SHOULD NOT** be collected by default unless there is sanitization that excludes sensitive data.", source: "otel", stability: "development" },
  "process.executable.name": { name: "process.executable.name", type: "string", brief: "The name of the process executable. On Linux based systems, this **SHOULD** be set to the base name of the target of `/proc/[pid]/exe`. On Windows, this **SHOULD** be set to the base name of `GetProcessImageFileNameW`.", source: "otel", stability: "development" },
  "process.executable.path": { name: "process.executable.path", type: "string", brief: "The full path to the process executable. On Linux based systems, can be set to the target of `proc/[pid]/exe`. On Windows, can be set to the result of `GetProcessImageFileNameW`.", source: "otel", stability: "development" },
  "process.exit.code": { name: "process.exit.code", type: "int", brief: "The exit code of the process.", source: "otel", stability: "development" },
  "process.parent_pid": { name: "process.parent_pid", type: "int", brief: "Parent Process identifier (PPID).", source: "otel", stability: "development" },
  "process.pid": { name: "process.pid", type: "int", brief: "Process identifier (PID).", source: "otel", stability: "development" },
  "process.working_directory": { name: "process.working_directory", type: "string", brief: "The working directory of the process.", source: "otel", stability: "development" },
  "service.name": { name: "service.name", type: "string", brief: "Logical name of the service.", source: "otel", stability: "stable" },
  "service.version": { name: "service.version", type: "string", brief: "The version string of the service component. The format is not defined by these conventions.", source: "otel", stability: "stable" },
  "system.paging.fault.type": { name: "system.paging.fault.type", type: "enum", members: ["major", "minor"], brief: "The paging fault type", source: "otel", stability: "development" },
};

/** Unit of every attribute that has one (annotations.pipespan.unit in conventions/), by attribute name. */
export const UNITS: Readonly<Record<string, string>> = {
  "pipespan.block.read_bytes": "By",
  "pipespan.block.read_ops": "{operation}",
  "pipespan.block.write_bytes": "By",
  "pipespan.block.write_ops": "{operation}",
  "pipespan.context_switches.involuntary": "{switch}",
  "pipespan.context_switches.voluntary": "{switch}",
  "pipespan.cpu.system_time": "s",
  "pipespan.cpu.time": "s",
  "pipespan.cpu.unattributed_time": "s",
  "pipespan.cpu.user_time": "s",
  "pipespan.cpu.utilization": "1",
  "pipespan.device.timeline.busy_time": "s",
  "pipespan.device.timeline.read_bytes": "By",
  "pipespan.device.timeline.read_ops": "{operation}",
  "pipespan.device.timeline.read_service_time": "s",
  "pipespan.device.timeline.write_bytes": "By",
  "pipespan.device.timeline.write_ops": "{operation}",
  "pipespan.device.timeline.write_service_time": "s",
  "pipespan.disk.cancelled_write_bytes": "By",
  "pipespan.disk.read_bytes": "By",
  "pipespan.disk.write_bytes": "By",
  "pipespan.file.read_bytes": "By",
  "pipespan.file.write_bytes": "By",
  "pipespan.finding.cost_change": "1",
  "pipespan.finding.cost_per_run": "{USD}",
  "pipespan.finding.speedup": "1",
  "pipespan.host.cpu.logical_count": "{cpu}",
  "pipespan.host.memory.total": "By",
  "pipespan.memory.major_faults": "{fault}",
  "pipespan.memory.minor_faults": "{fault}",
  "pipespan.memory.peak_rss": "By",
  "pipespan.network.rx_bytes": "By",
  "pipespan.network.tx_bytes": "By",
  "pipespan.offcpu.blocked_time": "s",
  "pipespan.offcpu.io_wait_time": "s",
  "pipespan.offcpu.sleep_time": "s",
  "pipespan.run.task_count": "{task}",
  "pipespan.runqueue.delay": "s",
  "pipespan.source.lost_events": "{event}",
  "pipespan.stall.duration": "s",
  "pipespan.task.process_count": "{process}",
  "pipespan.task.requested_cpus": "{cpu}",
  "pipespan.task.requested_disk": "By",
  "pipespan.task.requested_memory": "By",
  "pipespan.task.requested_time": "s",
  "pipespan.timeline.active_threads_max": "{thread}",
  "pipespan.timeline.blocked_time": "s",
  "pipespan.timeline.cpu_time": "s",
  "pipespan.timeline.io_wait_time": "s",
  "pipespan.timeline.network_bytes": "By",
  "pipespan.timeline.runqueue_delay": "s",
  "pipespan.timeline.sleep_time": "s",
  "pipespan.timeline.storage_bytes": "By",
  "pipespan.workflow.cached_tasks": "{task}",
};

/** Every metric pipespan emits (own and upstream), by metric name: create instruments from these. */
export const METRICS = {
  "pipespan.offcpu.time": {
    name: "pipespan.offcpu.time",
    instrument: "counter",
    unit: "s",
    brief: "Time processes spent off the CPU, by cause.",
    source: "pipespan",
    stability: "development",
    attributes: [
      { name: "cicd.pipeline.name", requirementLevel: "required" },
      { name: "cicd.pipeline.task.name", requirementLevel: "required" },
      { name: "pipespan.offcpu.cause", requirementLevel: "required" },
      { name: "cicd.pipeline.run.id", requirementLevel: "opt_in" },
    ],
  },
  "pipespan.runqueue.delay": {
    name: "pipespan.runqueue.delay",
    instrument: "counter",
    unit: "s",
    brief: "Time processes were runnable but waiting for a CPU.",
    source: "pipespan",
    stability: "development",
    attributes: [
      { name: "cicd.pipeline.name", requirementLevel: "required" },
      { name: "cicd.pipeline.task.name", requirementLevel: "required" },
      { name: "cicd.pipeline.run.id", requirementLevel: "opt_in" },
    ],
  },
  "pipespan.memory.peak_rss": {
    name: "pipespan.memory.peak_rss",
    instrument: "gauge",
    unit: "By",
    brief: "Largest peak resident set size among a task's processes.",
    source: "pipespan",
    stability: "development",
    attributes: [
      { name: "cicd.pipeline.name", requirementLevel: "required" },
      { name: "cicd.pipeline.task.name", requirementLevel: "required" },
      { name: "cicd.pipeline.run.id", requirementLevel: "opt_in" },
    ],
  },
  "pipespan.task.duration": {
    name: "pipespan.task.duration",
    instrument: "histogram",
    unit: "s",
    brief: "Wall time of finished tasks.",
    source: "pipespan",
    stability: "development",
    attributes: [
      { name: "cicd.pipeline.name", requirementLevel: "required" },
      { name: "cicd.pipeline.task.name", requirementLevel: "required" },
      { name: "cicd.pipeline.task.run.result", requirementLevel: "required" },
    ],
  },
  "pipespan.source.lost_events": {
    name: "pipespan.source.lost_events",
    instrument: "counter",
    unit: "{event}",
    brief: "Events an event source could not deliver (ring-buffer drops, processes gone before they were seen).",
    source: "pipespan",
    stability: "development",
    attributes: [
      { name: "pipespan.run.source", requirementLevel: "required" },
    ],
  },
  "pipespan.export.failures": {
    name: "pipespan.export.failures",
    instrument: "counter",
    unit: "{failure}",
    brief: "Export attempts that failed, by signal; the local OTLP/JSON files are still written.",
    source: "pipespan",
    stability: "development",
    attributes: [
      { name: "pipespan.export.signal", requirementLevel: "required" },
    ],
  },
  "pipespan.source.dropped": {
    name: "pipespan.source.dropped",
    instrument: "counter",
    unit: "{event}",
    brief: "Events or measurements the event source lost, by reason (0 is exported too once the source runs).",
    source: "pipespan",
    stability: "development",
    attributes: [
      { name: "pipespan.run.source", requirementLevel: "required" },
      { name: "pipespan.drop.reason", requirementLevel: "required" },
    ],
  },
  "pipespan.source.events": {
    name: "pipespan.source.events",
    instrument: "counter",
    unit: "{event}",
    brief: "Events the source delivered (process starts, execs, counter readings, exits); its rate is events/s.",
    source: "pipespan",
    stability: "development",
    attributes: [
      { name: "pipespan.run.source", requirementLevel: "required" },
    ],
  },
  "pipespan.source.map.usage": {
    name: "pipespan.source.map.usage",
    instrument: "gauge",
    unit: "{entry}",
    brief: "Entries in use in a kernel map of the eBPF source, as last read.",
    source: "pipespan",
    stability: "development",
    attributes: [
      { name: "pipespan.source.map", requirementLevel: "required" },
    ],
  },
  "pipespan.source.map.limit": {
    name: "pipespan.source.map.limit",
    instrument: "gauge",
    unit: "{entry}",
    brief: "Capacity of a kernel map of the eBPF source (configurable; see pipespan agent --help).",
    source: "pipespan",
    stability: "development",
    attributes: [
      { name: "pipespan.source.map", requirementLevel: "required" },
    ],
  },
  "pipespan.export.queue.usage": {
    name: "pipespan.export.queue.usage",
    instrument: "gauge",
    unit: "By",
    brief: "Bytes of local OTLP/JSON not yet delivered to the configured backend (the on-disk export queue).",
    source: "pipespan",
    stability: "development",
    attributes: [
      { name: "pipespan.export.signal", requirementLevel: "required" },
    ],
  },
  "pipespan.export.queue.limit": {
    name: "pipespan.export.queue.limit",
    instrument: "gauge",
    unit: "By",
    brief: "Bound of the on-disk export queue; beyond it the oldest undelivered data is dropped and counted.",
    source: "pipespan",
    stability: "development",
    attributes: [
    ],
  },
  "pipespan.export.sent": {
    name: "pipespan.export.sent",
    instrument: "counter",
    unit: "{item}",
    brief: "Spans or metric data points delivered to the backend, by signal (replays after an outage included).",
    source: "pipespan",
    stability: "development",
    attributes: [
      { name: "pipespan.export.signal", requirementLevel: "required" },
    ],
  },
  "pipespan.export.dropped": {
    name: "pipespan.export.dropped",
    instrument: "counter",
    unit: "{item}",
    brief: "Spans or metric data points that will never reach the backend, by signal and reason.",
    source: "pipespan",
    stability: "development",
    attributes: [
      { name: "pipespan.export.signal", requirementLevel: "required" },
      { name: "pipespan.drop.reason", requirementLevel: "required" },
    ],
  },
  "pipespan.agent.memory.rss": {
    name: "pipespan.agent.memory.rss",
    instrument: "gauge",
    unit: "By",
    brief: "Resident set size of the pipespan process itself.",
    source: "pipespan",
    stability: "development",
    attributes: [
    ],
  },
  "pipespan.agent.processes": {
    name: "pipespan.agent.processes",
    instrument: "gauge",
    unit: "{process}",
    brief: "Processes the agent holds in memory (live ones, and ended ones whose spans are not out yet).",
    source: "pipespan",
    stability: "development",
    attributes: [
    ],
  },
  "pipespan.agent.clock.adjustment": {
    name: "pipespan.agent.clock.adjustment",
    instrument: "gauge",
    unit: "s",
    brief: "Change of the kernel-clock-to-wall-clock offset at the latest re-anchoring (the agent re-anchors every minute; NTP slews and steps show here).",
    source: "pipespan",
    stability: "development",
    attributes: [
    ],
  },
  "process.cpu.time": {
    name: "process.cpu.time",
    instrument: "counter",
    unit: "s",
    brief: "Total CPU seconds broken down by different CPU modes.",
    note: "cpu.mode is user or system. Summed over a task's processes.",
    source: "otel",
    stability: "development",
    attributes: [
      { name: "cicd.pipeline.name", requirementLevel: "required" },
      { name: "cicd.pipeline.task.name", requirementLevel: "required" },
      { name: "cpu.mode", requirementLevel: "required" },
    ],
  },
  "process.disk.io": {
    name: "process.disk.io",
    instrument: "counter",
    unit: "By",
    brief: "Disk bytes transferred.",
    note: "From task I/O accounting (read_bytes / write_bytes).",
    source: "otel",
    stability: "development",
    attributes: [
      { name: "cicd.pipeline.name", requirementLevel: "required" },
      { name: "cicd.pipeline.task.name", requirementLevel: "required" },
      { name: "disk.io.direction", requirementLevel: "required" },
    ],
  },
  "process.network.io": {
    name: "process.network.io",
    instrument: "counter",
    unit: "By",
    brief: "Network bytes transferred.",
    note: "Kernel source only.",
    source: "otel",
    stability: "development",
    attributes: [
      { name: "cicd.pipeline.name", requirementLevel: "required" },
      { name: "cicd.pipeline.task.name", requirementLevel: "required" },
      { name: "network.io.direction", requirementLevel: "required" },
    ],
  },
  "process.paging.faults": {
    name: "process.paging.faults",
    instrument: "counter",
    unit: "{fault}",
    brief: "Number of page faults the process has made.",
    note: "major and minor faults. system.paging.fault.type replaces process.paging.fault_type, which upstream deprecated.",
    source: "otel",
    stability: "development",
    attributes: [
      { name: "cicd.pipeline.name", requirementLevel: "required" },
      { name: "cicd.pipeline.task.name", requirementLevel: "required" },
      { name: "system.paging.fault.type", requirementLevel: "required" },
    ],
  },
} as const satisfies Readonly<Record<string, MetricDefinition>>;

/** The spans pipespan emits, by span kind id. */
export const SPANS = {
  pipeline_run: {
    kind: "pipeline_run",
    id: "span.pipespan.pipeline_run",
    otelSpanKind: "server",
    brief: "One run of a pipeline; the root of its trace.",
    nameTemplate: "{cicd.pipeline.action.name} {cicd.pipeline.name}",
    attributes: [
      { name: "cicd.pipeline.name", requirementLevel: "required" },
      { name: "cicd.pipeline.run.id", requirementLevel: "required" },
      { name: "cicd.pipeline.action.name", requirementLevel: "required" },
      { name: "cicd.pipeline.result", requirementLevel: "required" },
      { name: "pipespan.run.source", requirementLevel: "required" },
      { name: "pipespan.run.command", requirementLevel: "recommended" },
      { name: "pipespan.run.exit_code", requirementLevel: "recommended" },
      { name: "pipespan.run.task_count", requirementLevel: "recommended" },
      { name: "pipespan.task.process_count", requirementLevel: "recommended" },
      { name: "pipespan.source.lost_events", requirementLevel: "recommended" },
      { name: "pipespan.run.incomplete", requirementLevel: "conditionally_required", condition: "when the span was rebuilt after its writer was killed" },
      { name: "pipespan.workflow.manager", requirementLevel: "recommended" },
      { name: "pipespan.workflow.cached_tasks", requirementLevel: "opt_in" },
      { name: "pipespan.nextflow.run_name", requirementLevel: "opt_in" },
      { name: "pipespan.nextflow.session_id", requirementLevel: "opt_in" },
      { name: "pipespan.nextflow.project", requirementLevel: "opt_in" },
      { name: "pipespan.nextflow.resumed", requirementLevel: "opt_in" },
      { name: "pipespan.snakemake.workflow_id", requirementLevel: "opt_in" },
      { name: "pipespan.cpu.time", requirementLevel: "recommended" },
      { name: "pipespan.cpu.user_time", requirementLevel: "recommended" },
      { name: "pipespan.cpu.system_time", requirementLevel: "recommended" },
      { name: "pipespan.cpu.unattributed_time", requirementLevel: "opt_in" },
      { name: "pipespan.cpu.utilization", requirementLevel: "recommended" },
      { name: "pipespan.offcpu.io_wait_time", requirementLevel: "opt_in" },
      { name: "pipespan.offcpu.sleep_time", requirementLevel: "opt_in" },
      { name: "pipespan.offcpu.blocked_time", requirementLevel: "opt_in" },
      { name: "pipespan.runqueue.delay", requirementLevel: "opt_in" },
      { name: "pipespan.disk.read_bytes", requirementLevel: "recommended" },
      { name: "pipespan.disk.write_bytes", requirementLevel: "recommended" },
      { name: "pipespan.disk.cancelled_write_bytes", requirementLevel: "opt_in" },
      { name: "pipespan.file.read_bytes", requirementLevel: "recommended" },
      { name: "pipespan.file.write_bytes", requirementLevel: "recommended" },
      { name: "pipespan.block.read_bytes", requirementLevel: "opt_in" },
      { name: "pipespan.block.write_bytes", requirementLevel: "opt_in" },
      { name: "pipespan.block.read_ops", requirementLevel: "opt_in" },
      { name: "pipespan.block.write_ops", requirementLevel: "opt_in" },
      { name: "pipespan.network.tx_bytes", requirementLevel: "opt_in" },
      { name: "pipespan.network.rx_bytes", requirementLevel: "opt_in" },
      { name: "pipespan.memory.peak_rss", requirementLevel: "recommended" },
      { name: "pipespan.memory.major_faults", requirementLevel: "recommended" },
      { name: "pipespan.memory.minor_faults", requirementLevel: "opt_in" },
      { name: "pipespan.context_switches.voluntary", requirementLevel: "opt_in" },
      { name: "pipespan.context_switches.involuntary", requirementLevel: "opt_in" },
      { name: "pipespan.timeline.interval", requirementLevel: "conditionally_required", condition: "kernel source" },
      { name: "pipespan.timeline.cpu_time", requirementLevel: "opt_in" },
      { name: "pipespan.timeline.io_wait_time", requirementLevel: "opt_in" },
      { name: "pipespan.timeline.blocked_time", requirementLevel: "opt_in" },
      { name: "pipespan.timeline.runqueue_delay", requirementLevel: "opt_in" },
      { name: "pipespan.timeline.sleep_time", requirementLevel: "opt_in" },
      { name: "pipespan.timeline.network_bytes", requirementLevel: "opt_in" },
      { name: "pipespan.timeline.storage_bytes", requirementLevel: "opt_in" },
      { name: "pipespan.timeline.active_threads_max", requirementLevel: "opt_in" },
    ],
  },
  task: {
    kind: "task",
    id: "span.pipespan.task",
    otelSpanKind: "internal",
    brief: "One task (step) of a pipeline run; child of the pipeline_run span.",
    nameTemplate: "{cicd.pipeline.task.name}",
    attributes: [
      { name: "cicd.pipeline.task.name", requirementLevel: "required" },
      { name: "cicd.pipeline.task.run.id", requirementLevel: "required" },
      { name: "cicd.pipeline.task.run.url.full", requirementLevel: "required" },
      { name: "cicd.pipeline.task.run.result", requirementLevel: "required" },
      { name: "cicd.pipeline.name", requirementLevel: "recommended" },
      { name: "cicd.pipeline.run.id", requirementLevel: "recommended" },
      { name: "pipespan.task.attempt", requirementLevel: "recommended" },
      { name: "pipespan.task.attribution", requirementLevel: "recommended" },
      { name: "pipespan.run.incomplete", requirementLevel: "conditionally_required", condition: "when the span was rebuilt after its writer was killed" },
      { name: "pipespan.task.requested_cpus", requirementLevel: "opt_in" },
      { name: "pipespan.task.requested_memory", requirementLevel: "opt_in" },
      { name: "pipespan.task.requested_time", requirementLevel: "opt_in" },
      { name: "pipespan.task.requested_disk", requirementLevel: "opt_in" },
      { name: "pipespan.task.tag", requirementLevel: "recommended" },
      { name: "pipespan.workflow.manager", requirementLevel: "recommended" },
      { name: "pipespan.nextflow.hash", requirementLevel: "opt_in" },
      { name: "pipespan.nextflow.task_id", requirementLevel: "opt_in" },
      { name: "pipespan.nextflow.native_id", requirementLevel: "opt_in" },
      { name: "pipespan.nextflow.status", requirementLevel: "opt_in" },
      { name: "pipespan.nextflow.exit_status", requirementLevel: "opt_in" },
      { name: "pipespan.nextflow.error_action", requirementLevel: "opt_in" },
      { name: "pipespan.snakemake.jobid", requirementLevel: "opt_in" },
      { name: "pipespan.snakemake.threads", requirementLevel: "opt_in" },
      { name: "pipespan.snakemake.resources", requirementLevel: "opt_in" },
      { name: "pipespan.snakemake.workflow_id", requirementLevel: "opt_in" },
      { name: "pipespan.task.process_count", requirementLevel: "recommended" },
      { name: "pipespan.cpu.time", requirementLevel: "recommended" },
      { name: "pipespan.cpu.user_time", requirementLevel: "recommended" },
      { name: "pipespan.cpu.system_time", requirementLevel: "recommended" },
      { name: "pipespan.cpu.unattributed_time", requirementLevel: "opt_in" },
      { name: "pipespan.cpu.utilization", requirementLevel: "recommended" },
      { name: "pipespan.offcpu.io_wait_time", requirementLevel: "opt_in" },
      { name: "pipespan.offcpu.sleep_time", requirementLevel: "opt_in" },
      { name: "pipespan.offcpu.blocked_time", requirementLevel: "opt_in" },
      { name: "pipespan.runqueue.delay", requirementLevel: "opt_in" },
      { name: "pipespan.disk.read_bytes", requirementLevel: "recommended" },
      { name: "pipespan.disk.write_bytes", requirementLevel: "recommended" },
      { name: "pipespan.disk.cancelled_write_bytes", requirementLevel: "opt_in" },
      { name: "pipespan.file.read_bytes", requirementLevel: "recommended" },
      { name: "pipespan.file.write_bytes", requirementLevel: "recommended" },
      { name: "pipespan.block.read_bytes", requirementLevel: "opt_in" },
      { name: "pipespan.block.write_bytes", requirementLevel: "opt_in" },
      { name: "pipespan.block.read_ops", requirementLevel: "opt_in" },
      { name: "pipespan.block.write_ops", requirementLevel: "opt_in" },
      { name: "pipespan.network.tx_bytes", requirementLevel: "opt_in" },
      { name: "pipespan.network.rx_bytes", requirementLevel: "opt_in" },
      { name: "pipespan.memory.peak_rss", requirementLevel: "recommended" },
      { name: "pipespan.memory.major_faults", requirementLevel: "recommended" },
      { name: "pipespan.memory.minor_faults", requirementLevel: "opt_in" },
      { name: "pipespan.context_switches.voluntary", requirementLevel: "opt_in" },
      { name: "pipespan.context_switches.involuntary", requirementLevel: "opt_in" },
      { name: "pipespan.timeline.interval", requirementLevel: "conditionally_required", condition: "kernel source" },
      { name: "pipespan.timeline.cpu_time", requirementLevel: "opt_in" },
      { name: "pipespan.timeline.io_wait_time", requirementLevel: "opt_in" },
      { name: "pipespan.timeline.blocked_time", requirementLevel: "opt_in" },
      { name: "pipespan.timeline.runqueue_delay", requirementLevel: "opt_in" },
      { name: "pipespan.timeline.sleep_time", requirementLevel: "opt_in" },
      { name: "pipespan.timeline.network_bytes", requirementLevel: "opt_in" },
      { name: "pipespan.timeline.storage_bytes", requirementLevel: "opt_in" },
      { name: "pipespan.timeline.active_threads_max", requirementLevel: "opt_in" },
    ],
  },
  process: {
    kind: "process",
    id: "span.pipespan.process",
    otelSpanKind: "internal",
    brief: "One process (thread group) of a task; child of its task span, or of its parent process's span.",
    nameTemplate: "{process.executable.name}",
    attributes: [
      { name: "process.pid", requirementLevel: "required" },
      { name: "process.parent_pid", requirementLevel: "required" },
      { name: "process.executable.name", requirementLevel: "required" },
      { name: "process.executable.path", requirementLevel: "recommended" },
      { name: "process.command_line", requirementLevel: "recommended" },
      { name: "process.working_directory", requirementLevel: "recommended" },
      { name: "process.exit.code", requirementLevel: "recommended" },
      { name: "error.type", requirementLevel: "conditionally_required", condition: "when the process was killed by a signal or exited non-zero" },
      { name: "pipespan.process.start_ticks", requirementLevel: "recommended" },
      { name: "pipespan.process.exit.signal", requirementLevel: "conditionally_required", condition: "when the process was killed by a signal" },
      { name: "pipespan.process.exit.signal_name", requirementLevel: "conditionally_required", condition: "when the process was killed by a signal" },
      { name: "pipespan.process.oom_killed", requirementLevel: "recommended" },
      { name: "pipespan.process.overhead", requirementLevel: "opt_in" },
      { name: "pipespan.process.exit_observed", requirementLevel: "recommended" },
      { name: "pipespan.cpu.time", requirementLevel: "recommended" },
      { name: "pipespan.cpu.user_time", requirementLevel: "recommended" },
      { name: "pipespan.cpu.system_time", requirementLevel: "recommended" },
      { name: "pipespan.cpu.unattributed_time", requirementLevel: "opt_in" },
      { name: "pipespan.cpu.utilization", requirementLevel: "recommended" },
      { name: "pipespan.offcpu.io_wait_time", requirementLevel: "opt_in" },
      { name: "pipespan.offcpu.sleep_time", requirementLevel: "opt_in" },
      { name: "pipespan.offcpu.blocked_time", requirementLevel: "opt_in" },
      { name: "pipespan.runqueue.delay", requirementLevel: "opt_in" },
      { name: "pipespan.disk.read_bytes", requirementLevel: "recommended" },
      { name: "pipespan.disk.write_bytes", requirementLevel: "recommended" },
      { name: "pipespan.disk.cancelled_write_bytes", requirementLevel: "opt_in" },
      { name: "pipespan.file.read_bytes", requirementLevel: "recommended" },
      { name: "pipespan.file.write_bytes", requirementLevel: "recommended" },
      { name: "pipespan.block.read_bytes", requirementLevel: "opt_in" },
      { name: "pipespan.block.write_bytes", requirementLevel: "opt_in" },
      { name: "pipespan.block.read_ops", requirementLevel: "opt_in" },
      { name: "pipespan.block.write_ops", requirementLevel: "opt_in" },
      { name: "pipespan.network.tx_bytes", requirementLevel: "opt_in" },
      { name: "pipespan.network.rx_bytes", requirementLevel: "opt_in" },
      { name: "pipespan.memory.peak_rss", requirementLevel: "recommended" },
      { name: "pipespan.memory.major_faults", requirementLevel: "recommended" },
      { name: "pipespan.memory.minor_faults", requirementLevel: "opt_in" },
      { name: "pipespan.context_switches.voluntary", requirementLevel: "opt_in" },
      { name: "pipespan.context_switches.involuntary", requirementLevel: "opt_in" },
    ],
  },
  finding: {
    kind: "finding",
    id: "span.pipespan.finding",
    otelSpanKind: "internal",
    brief: "A finding of the rules engine; child of the pipeline_run span, zero duration.",
    nameTemplate: "finding {pipespan.finding.rule}",
    attributes: [
      { name: "pipespan.finding.rule", requirementLevel: "required" },
      { name: "pipespan.finding.severity", requirementLevel: "required" },
      { name: "pipespan.finding.summary", requirementLevel: "required" },
      { name: "pipespan.finding.advice", requirementLevel: "recommended" },
      { name: "pipespan.finding.evidence", requirementLevel: "recommended" },
      { name: "cicd.pipeline.run.id", requirementLevel: "required" },
      { name: "cicd.pipeline.task.name", requirementLevel: "conditionally_required", condition: "when the finding is about one task" },
      { name: "process.pid", requirementLevel: "conditionally_required", condition: "when the finding is about one process" },
      { name: "process.executable.name", requirementLevel: "conditionally_required", condition: "when the finding is about one process" },
      { name: "pipespan.finding.instance_type", requirementLevel: "conditionally_required", condition: "for instance cost findings and recommendations" },
      { name: "pipespan.finding.cost_per_run", requirementLevel: "conditionally_required", condition: "for instance cost findings and recommendations" },
      { name: "pipespan.finding.speedup", requirementLevel: "conditionally_required", condition: "for instance recommendations" },
      { name: "pipespan.finding.cost_change", requirementLevel: "conditionally_required", condition: "for instance recommendations" },
      { name: "pipespan.finding.binding_limit", requirementLevel: "conditionally_required", condition: "for instance recommendations" },
    ],
  },
} as const satisfies Readonly<Record<SpanKindId, SpanDefinition>>;

/** The span events pipespan emits, by event name. */
export const EVENTS = {
  "pipespan.stall": {
    name: "pipespan.stall",
    id: "event.pipespan.stall",
    brief: "An aggregated window in which a process was blocked on I/O for longer than a threshold; an event on its process span.",
    attributes: [
      { name: "pipespan.stall.duration", requirementLevel: "required" },
      { name: "pipespan.stall.device", requirementLevel: "recommended" },
    ],
  },
  "pipespan.device.io": {
    name: "pipespan.device.io",
    id: "event.pipespan.device.io",
    brief: "One block device of the host that moved data during the run: its requests over time, bucketed from the run's start. An event on the pipeline_run span, timestamped at the run's start.",
    attributes: [
      { name: "pipespan.device.name", requirementLevel: "required" },
      { name: "pipespan.timeline.interval", requirementLevel: "required" },
      { name: "pipespan.device.timeline.read_bytes", requirementLevel: "required" },
      { name: "pipespan.device.timeline.write_bytes", requirementLevel: "required" },
      { name: "pipespan.device.timeline.read_ops", requirementLevel: "required" },
      { name: "pipespan.device.timeline.write_ops", requirementLevel: "required" },
      { name: "pipespan.device.timeline.busy_time", requirementLevel: "recommended" },
      { name: "pipespan.device.timeline.read_service_time", requirementLevel: "recommended" },
      { name: "pipespan.device.timeline.write_service_time", requirementLevel: "recommended" },
    ],
  },
} as const satisfies Readonly<Record<string, EventDefinition>>;

/** The host a pipespan run or agent measured. */
export const HOST_RESOURCE = {
  id: "resource.pipespan.host",
  brief: "The host a pipespan run or agent measured.",
  attributes: [
    { name: "service.name", requirementLevel: "required" },
    { name: "service.version", requirementLevel: "recommended" },
    { name: "host.name", requirementLevel: "recommended" },
    { name: "host.arch", requirementLevel: "recommended" },
    { name: "host.type", requirementLevel: "conditionally_required", condition: "when known (EC2 DMI or OTEL_RESOURCE_ATTRIBUTES)" },
    { name: "host.id", requirementLevel: "conditionally_required", condition: "when known (EC2 DMI or OTEL_RESOURCE_ATTRIBUTES)" },
    { name: "cloud.provider", requirementLevel: "conditionally_required", condition: "when known" },
    { name: "cloud.platform", requirementLevel: "conditionally_required", condition: "when known" },
    { name: "cloud.region", requirementLevel: "recommended" },
    { name: "os.type", requirementLevel: "recommended" },
    { name: "os.description", requirementLevel: "recommended" },
    { name: "os.version", requirementLevel: "recommended" },
    { name: "pipespan.host.cpu.logical_count", requirementLevel: "recommended" },
    { name: "pipespan.host.memory.total", requirementLevel: "recommended" },
  ],
} as const satisfies ResourceDefinition;

/** The environment protocol's variables (see conventions/env-protocol.md). */
export const ENV_VARIABLES: readonly EnvVariableDefinition[] = [
  { name: "TRACEPARENT", brief: "W3C trace context of the span the process runs under (its task span), as in the OTel environment-variable carrier spec." },
  { name: "TRACESTATE", brief: "W3C tracestate that goes with TRACEPARENT." },
  { name: "PIPESPAN_RUN_ID", brief: "The pipeline run id (cicd.pipeline.run.id) the process belongs to." },
  { name: "PIPESPAN_PIPELINE_NAME", brief: "The pipeline name (cicd.pipeline.name)." },
  { name: "PIPESPAN_TASK_NAME", brief: "The task name (cicd.pipeline.task.name); every process started with it, and its descendants, belong to this task." },
  { name: "PIPESPAN_TASK_RUN_ID", brief: "The id of this run of the task (cicd.pipeline.task.run.id); distinguishes two runs of the same task name." },
  { name: "PIPESPAN_TASK_ATTEMPT", brief: "Attempt number of the task run, starting at 1." },
  { name: "PIPESPAN_RUN_DIR", brief: "Folder of the current run's local OTLP/JSON files, set by `pipespan run`. Helpers that create spans of their own (such as `pipespan task`) append them there as `traces-<name>.jsonl`, so the local copy of the trace is complete even without a backend. `pipespan agent` reads it from a process's environment only to leave that process to its run, which records it (so it is not recorded twice)." },
  { name: "PIPESPAN_AGENT_URL", brief: "Where a pipespan receiver listens for workflow-manager events: `pipespan agent` (default `http://127.0.0.1:4390`) or `pipespan run --listen`, which sets it for the command. The Snakemake logger plugin posts its job events there when it runs outside `pipespan run`; a Nextflow run points `-with-weblog` at it." },
];

/** Variables workflow managers set that pipespan reads by name (see conventions/env-protocol.md). */
export const FOREIGN_ENV_VARIABLES: readonly (EnvVariableDefinition & { readonly setBy: string })[] = [
  { name: "NXF_TASK_WORKDIR", setBy: "Nextflow", brief: "The task's work dir, exported by Nextflow's task wrapper (.command.run) before it starts the task script. A process that carries it, with a work-dir path (`…/<2 hex>/<30 hex>`), belongs to that Nextflow task." },
];

/** Span name of a `pipeline_run` span: `{cicd.pipeline.action.name} {cicd.pipeline.name}`. */
export function pipelineRunSpanName(attributes: { readonly "cicd.pipeline.action.name": string; readonly "cicd.pipeline.name": string }): string {
  return `${attributes["cicd.pipeline.action.name"]} ${attributes["cicd.pipeline.name"]}`;
}

/** Span name of a `task` span: `{cicd.pipeline.task.name}`. */
export function taskSpanName(attributes: { readonly "cicd.pipeline.task.name": string }): string {
  return `${attributes["cicd.pipeline.task.name"]}`;
}

/** Span name of a `process` span: `{process.executable.name}`. */
export function processSpanName(attributes: { readonly "process.executable.name": string }): string {
  return `${attributes["process.executable.name"]}`;
}

/** Span name of a `finding` span: `finding {pipespan.finding.rule}`. */
export function findingSpanName(attributes: { readonly "pipespan.finding.rule": string }): string {
  return `finding ${attributes["pipespan.finding.rule"]}`;
}
