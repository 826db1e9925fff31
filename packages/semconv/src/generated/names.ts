// Generated from conventions/ by `npm run generate`. Do not edit.

// pipespan's own attributes
/** Bytes of block-layer read I/O submitted on behalf of the process (kernel source only). */
export const ATTR_PIPESPAN_BLOCK_READ_BYTES = "pipespan.block.read_bytes" as const;
/** Block-layer read operations submitted on behalf of the process (kernel source only). */
export const ATTR_PIPESPAN_BLOCK_READ_OPS = "pipespan.block.read_ops" as const;
/** Bytes of block-layer write I/O submitted on behalf of the process (kernel source only). */
export const ATTR_PIPESPAN_BLOCK_WRITE_BYTES = "pipespan.block.write_bytes" as const;
/** Block-layer write operations submitted on behalf of the process (kernel source only). */
export const ATTR_PIPESPAN_BLOCK_WRITE_OPS = "pipespan.block.write_ops" as const;
/** Involuntary context switches (the thread was preempted). */
export const ATTR_PIPESPAN_CONTEXT_SWITCHES_INVOLUNTARY = "pipespan.context_switches.involuntary" as const;
/** Voluntary context switches (the thread blocked). */
export const ATTR_PIPESPAN_CONTEXT_SWITCHES_VOLUNTARY = "pipespan.context_switches.voluntary" as const;
/** Time on a CPU in kernel mode. */
export const ATTR_PIPESPAN_CPU_SYSTEM_TIME = "pipespan.cpu.system_time" as const;
/** Time on a CPU (user + system). */
export const ATTR_PIPESPAN_CPU_TIME = "pipespan.cpu.time" as const;
/** CPU time of descendants that ended between two procfs samples, known only from their parent's reaped-children totals. */
export const ATTR_PIPESPAN_CPU_UNATTRIBUTED_TIME = "pipespan.cpu.unattributed_time" as const;
/** Time on a CPU in user mode. */
export const ATTR_PIPESPAN_CPU_USER_TIME = "pipespan.cpu.user_time" as const;
/** CPU time divided by wall time (1.0 = one core busy all the time). */
export const ATTR_PIPESPAN_CPU_UTILIZATION = "pipespan.cpu.utilization" as const;
/** The block device's kernel name, or major:minor when it cannot be named. */
export const ATTR_PIPESPAN_DEVICE_NAME = "pipespan.device.name" as const;
/** Seconds of each bucket in which the device had at least one request in flight (the kernel's io_ticks, as iostat's %util uses); divided by the interval it is the device's utilization. 0 when not measured. */
export const ATTR_PIPESPAN_DEVICE_TIMELINE_BUSY_TIME = "pipespan.device.timeline.busy_time" as const;
/** Bytes of read requests the device completed in each bucket, host-wide. */
export const ATTR_PIPESPAN_DEVICE_TIMELINE_READ_BYTES = "pipespan.device.timeline.read_bytes" as const;
/** Read requests the device completed in each bucket, host-wide. */
export const ATTR_PIPESPAN_DEVICE_TIMELINE_READ_OPS = "pipespan.device.timeline.read_ops" as const;
/** Seconds of device service summed over the read requests completed in each bucket (issue to completion); divided by that bucket's read_ops it is the mean read latency of the device (iostat's r_await without the scheduler queue). Present with the kernel source only. */
export const ATTR_PIPESPAN_DEVICE_TIMELINE_READ_SERVICE_TIME = "pipespan.device.timeline.read_service_time" as const;
/** Bytes of write requests the device completed in each bucket, host-wide. */
export const ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_BYTES = "pipespan.device.timeline.write_bytes" as const;
/** Write requests the device completed in each bucket, host-wide. */
export const ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_OPS = "pipespan.device.timeline.write_ops" as const;
/** Seconds of device service summed over the write requests completed in each bucket; divided by that bucket's write_ops it is the mean write latency of the device. Present with the kernel source only. */
export const ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_SERVICE_TIME = "pipespan.device.timeline.write_service_time" as const;
/** Written bytes that never reached storage because the file was truncated or deleted first. */
export const ATTR_PIPESPAN_DISK_CANCELLED_WRITE_BYTES = "pipespan.disk.cancelled_write_bytes" as const;
/** Bytes the process caused to be read from storage (task I/O accounting read_bytes). */
export const ATTR_PIPESPAN_DISK_READ_BYTES = "pipespan.disk.read_bytes" as const;
/** Bytes the process caused to be written to storage (task I/O accounting write_bytes; charged when pages are dirtied). */
export const ATTR_PIPESPAN_DISK_WRITE_BYTES = "pipespan.disk.write_bytes" as const;
/** Why events or telemetry items were dropped. */
export const ATTR_PIPESPAN_DROP_REASON = "pipespan.drop.reason" as const;
export const PIPESPAN_DROP_REASON_VALUE_RING_BUFFER_FULL = "ring_buffer_full" as const;
export const PIPESPAN_DROP_REASON_VALUE_COUNTERS_MAP_FULL = "counters_map_full" as const;
export const PIPESPAN_DROP_REASON_VALUE_TRACKED_MAP_FULL = "tracked_map_full" as const;
export const PIPESPAN_DROP_REASON_VALUE_THREAD_MAP_FULL = "thread_map_full" as const;
export const PIPESPAN_DROP_REASON_VALUE_ARGV_UNREADABLE = "argv_unreadable" as const;
export const PIPESPAN_DROP_REASON_VALUE_BLOCK_LATENCY_MAP_FULL = "block_latency_map_full" as const;
export const PIPESPAN_DROP_REASON_VALUE_DECODE_ERROR = "decode_error" as const;
export const PIPESPAN_DROP_REASON_VALUE_ENV_UNREADABLE = "env_unreadable" as const;
export const PIPESPAN_DROP_REASON_VALUE_PROCESS_VANISHED = "process_vanished" as const;
export const PIPESPAN_DROP_REASON_VALUE_ROOT_EXITED_EARLY = "root_exited_early" as const;
export const PIPESPAN_DROP_REASON_VALUE_UNKNOWN_PROCESS = "unknown_process" as const;
export const PIPESPAN_DROP_REASON_VALUE_EXPORT_QUEUE_FULL = "export_queue_full" as const;
export const PIPESPAN_DROP_REASON_VALUE_EXPORT_REJECTED = "export_rejected" as const;
export const PIPESPAN_DROP_REASON_VALUE_SPAN_QUEUE_FULL = "span_queue_full" as const;
export const PIPESPAN_DROP_REASON_VALUE_OTHER = "other" as const;
/** Which telemetry signal an export concerned. */
export const ATTR_PIPESPAN_EXPORT_SIGNAL = "pipespan.export.signal" as const;
export const PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES = "traces" as const;
export const PIPESPAN_EXPORT_SIGNAL_VALUE_METRICS = "metrics" as const;
/** Bytes read through read-like system calls (rchar), from files, pipes and sockets, including the page cache. */
export const ATTR_PIPESPAN_FILE_READ_BYTES = "pipespan.file.read_bytes" as const;
/** Bytes written through write-like system calls (wchar). */
export const ATTR_PIPESPAN_FILE_WRITE_BYTES = "pipespan.file.write_bytes" as const;
/** What to do about it. */
export const ATTR_PIPESPAN_FINDING_ADVICE = "pipespan.finding.advice" as const;
/** Which instance limit would bound the run on the recommended instance type. */
export const ATTR_PIPESPAN_FINDING_BINDING_LIMIT = "pipespan.finding.binding_limit" as const;
export const PIPESPAN_FINDING_BINDING_LIMIT_VALUE_CPU = "cpu" as const;
export const PIPESPAN_FINDING_BINDING_LIMIT_VALUE_EBS = "ebs" as const;
export const PIPESPAN_FINDING_BINDING_LIMIT_VALUE_NETWORK = "network" as const;
export const PIPESPAN_FINDING_BINDING_LIMIT_VALUE_NONE = "none" as const;
/** Estimated relative change of the cost per run on the recommended instance type (-0.37 is 37% cheaper). */
export const ATTR_PIPESPAN_FINDING_COST_CHANGE = "pipespan.finding.cost_change" as const;
/** Cost of one run on pipespan.finding.instance_type (on-demand price per hour times the observed or estimated runtime), in US dollars. */
export const ATTR_PIPESPAN_FINDING_COST_PER_RUN = "pipespan.finding.cost_per_run" as const;
/** The numbers that decided the verdict, as a JSON object. */
export const ATTR_PIPESPAN_FINDING_EVIDENCE = "pipespan.finding.evidence" as const;
/** The EC2 instance type a cost finding is about (the type the run used, or a recommended candidate). */
export const ATTR_PIPESPAN_FINDING_INSTANCE_TYPE = "pipespan.finding.instance_type" as const;
/** Id of the rule that produced the finding. */
export const ATTR_PIPESPAN_FINDING_RULE = "pipespan.finding.rule" as const;
/** How much the finding matters. */
export const ATTR_PIPESPAN_FINDING_SEVERITY = "pipespan.finding.severity" as const;
export const PIPESPAN_FINDING_SEVERITY_VALUE_INFO = "info" as const;
export const PIPESPAN_FINDING_SEVERITY_VALUE_WARNING = "warning" as const;
export const PIPESPAN_FINDING_SEVERITY_VALUE_CRITICAL = "critical" as const;
/** Estimated speed-up of the run on the recommended instance type (observed runtime divided by estimated runtime; above 1 is faster). */
export const ATTR_PIPESPAN_FINDING_SPEEDUP = "pipespan.finding.speedup" as const;
/** One-line verdict. */
export const ATTR_PIPESPAN_FINDING_SUMMARY = "pipespan.finding.summary" as const;
/** Logical CPUs online on the measured host (hardware threads the scheduler can use). */
export const ATTR_PIPESPAN_HOST_CPU_LOGICAL_COUNT = "pipespan.host.cpu.logical_count" as const;
/** Physical memory of the measured host usable by the kernel (MemTotal). */
export const ATTR_PIPESPAN_HOST_MEMORY_TOTAL = "pipespan.host.memory.total" as const;
/** Page faults that needed I/O. */
export const ATTR_PIPESPAN_MEMORY_MAJOR_FAULTS = "pipespan.memory.major_faults" as const;
/** Page faults served without I/O. */
export const ATTR_PIPESPAN_MEMORY_MINOR_FAULTS = "pipespan.memory.minor_faults" as const;
/** Peak resident set size (VmHWM); for a task or run, the largest of its processes. */
export const ATTR_PIPESPAN_MEMORY_PEAK_RSS = "pipespan.memory.peak_rss" as const;
/** Bytes received on sockets (kernel source only). */
export const ATTR_PIPESPAN_NETWORK_RX_BYTES = "pipespan.network.rx_bytes" as const;
/** Bytes sent on sockets (kernel source only). */
export const ATTR_PIPESPAN_NETWORK_TX_BYTES = "pipespan.network.tx_bytes" as const;
/** What Nextflow did about a failed task (RETRY, TERMINATE, FINISH, IGNORE), from its weblog. */
export const ATTR_PIPESPAN_NEXTFLOW_ERROR_ACTION = "pipespan.nextflow.error_action" as const;
/** The task's exit status as Nextflow reported it in its weblog. */
export const ATTR_PIPESPAN_NEXTFLOW_EXIT_STATUS = "pipespan.nextflow.exit_status" as const;
/** The task's hash as Nextflow prints it (first 2 hex digits, `/`, next 6), which names its work dir. */
export const ATTR_PIPESPAN_NEXTFLOW_HASH = "pipespan.nextflow.hash" as const;
/** The executor's id for the task (from the weblog) — the wrapper's pid for the local executor, the job id on a grid or cloud batch service. */
export const ATTR_PIPESPAN_NEXTFLOW_NATIVE_ID = "pipespan.nextflow.native_id" as const;
/** The Nextflow project (pipeline) the run ran, from the weblog. */
export const ATTR_PIPESPAN_NEXTFLOW_PROJECT = "pipespan.nextflow.project" as const;
/** True when the run was started with -resume (from the weblog). */
export const ATTR_PIPESPAN_NEXTFLOW_RESUMED = "pipespan.nextflow.resumed" as const;
/** Nextflow's run name (new for every invocation, also on -resume). */
export const ATTR_PIPESPAN_NEXTFLOW_RUN_NAME = "pipespan.nextflow.run_name" as const;
/** Nextflow's session id (runId in the weblog); -resume reuses the resumed run's id. */
export const ATTR_PIPESPAN_NEXTFLOW_SESSION_ID = "pipespan.nextflow.session_id" as const;
/** The task's final status as Nextflow reported it in its weblog (COMPLETED, FAILED, ABORTED). */
export const ATTR_PIPESPAN_NEXTFLOW_STATUS = "pipespan.nextflow.status" as const;
/** Nextflow's sequential task id within the run (from the weblog). */
export const ATTR_PIPESPAN_NEXTFLOW_TASK_ID = "pipespan.nextflow.task_id" as const;
/** Time off the CPU in uninterruptible sleep (D state) outside io_schedule(): kernel locks and other uninterruptible waits. With pipespan.offcpu.io_wait_time it makes up all D-state time. */
export const ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME = "pipespan.offcpu.blocked_time" as const;
/** Why a thread was off the CPU. */
export const ATTR_PIPESPAN_OFFCPU_CAUSE = "pipespan.offcpu.cause" as const;
export const PIPESPAN_OFFCPU_CAUSE_VALUE_IO_WAIT = "io_wait" as const;
export const PIPESPAN_OFFCPU_CAUSE_VALUE_BLOCKED = "blocked" as const;
export const PIPESPAN_OFFCPU_CAUSE_VALUE_SLEEP = "sleep" as const;
/** Time off the CPU in io_schedule() (D state waiting on storage, page-in, writeback throttling). */
export const ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME = "pipespan.offcpu.io_wait_time" as const;
/** Time off the CPU in interruptible sleep (S state) such as sleep(), pipes, sockets, waiting for children. */
export const ATTR_PIPESPAN_OFFCPU_SLEEP_TIME = "pipespan.offcpu.sleep_time" as const;
/** Number of the signal that terminated the process, when it was killed by one. */
export const ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL = "pipespan.process.exit.signal" as const;
/** Name of the signal that terminated the process. */
export const ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME = "pipespan.process.exit.signal_name" as const;
/** True when the source saw the process exit with its final counters; false when the totals are the last sample before it vanished. */
export const ATTR_PIPESPAN_PROCESS_EXIT_OBSERVED = "pipespan.process.exit_observed" as const;
/** True when the kernel's OOM killer chose this process. */
export const ATTR_PIPESPAN_PROCESS_OOM_KILLED = "pipespan.process.oom_killed" as const;
/** The process is the workflow manager's own work, not a task's (Snakemake's ILP solver, a helper the manager ran to learn about the host); it hangs under the run, not under a task. */
export const ATTR_PIPESPAN_PROCESS_OVERHEAD = "pipespan.process.overhead" as const;
/** The process start time in clock ticks since boot (/proc/<pid>/stat field 22); with process.pid it identifies a process across pid reuse. */
export const ATTR_PIPESPAN_PROCESS_START_TICKS = "pipespan.process.start_ticks" as const;
/** The root command of the run, redacted like process.command_line. */
export const ATTR_PIPESPAN_RUN_COMMAND = "pipespan.run.command" as const;
/** Exit code of the run's root command (128 + signal number when killed by a signal). */
export const ATTR_PIPESPAN_RUN_EXIT_CODE = "pipespan.run.exit_code" as const;
/** True on a run span, and on task spans, that were rebuilt from the run folder after the pipespan process that wrote it was killed: totals cover what reached the disk, and the end time is when the writer was last seen alive. */
export const ATTR_PIPESPAN_RUN_INCOMPLETE = "pipespan.run.incomplete" as const;
/** The event source that measured this run. */
export const ATTR_PIPESPAN_RUN_SOURCE = "pipespan.run.source" as const;
export const PIPESPAN_RUN_SOURCE_VALUE_PROCFS = "procfs" as const;
export const PIPESPAN_RUN_SOURCE_VALUE_EBPF = "ebpf" as const;
/** Number of tasks in the run. */
export const ATTR_PIPESPAN_RUN_TASK_COUNT = "pipespan.run.task_count" as const;
/** Time runnable but waiting for a CPU (wake-up to switch-in). */
export const ATTR_PIPESPAN_RUNQUEUE_DELAY = "pipespan.runqueue.delay" as const;
/** Snakemake's job id within the invocation. */
export const ATTR_PIPESPAN_SNAKEMAKE_JOBID = "pipespan.snakemake.jobid" as const;
/** The job's resources as Snakemake resolved them, as `name=value` pairs joined by `, `. */
export const ATTR_PIPESPAN_SNAKEMAKE_RESOURCES = "pipespan.snakemake.resources" as const;
/** The threads Snakemake gave the job (also pipespan.task.requested_cpus). */
export const ATTR_PIPESPAN_SNAKEMAKE_THREADS = "pipespan.snakemake.threads" as const;
/** The id Snakemake gives each invocation of a workflow. */
export const ATTR_PIPESPAN_SNAKEMAKE_WORKFLOW_ID = "pipespan.snakemake.workflow_id" as const;
/** Kernel or procfs events the source could not deliver (ring-buffer drops, processes gone before they were seen). 0 means nothing was lost. */
export const ATTR_PIPESPAN_SOURCE_LOST_EVENTS = "pipespan.source.lost_events" as const;
/** Which kernel map of the eBPF source a figure is about. */
export const ATTR_PIPESPAN_SOURCE_MAP = "pipespan.source.map" as const;
export const PIPESPAN_SOURCE_MAP_VALUE_COUNTERS = "counters" as const;
export const PIPESPAN_SOURCE_MAP_VALUE_TRACKED = "tracked" as const;
export const PIPESPAN_SOURCE_MAP_VALUE_THREADS = "threads" as const;
/** Block device the process waited on, where known (major:minor or name). */
export const ATTR_PIPESPAN_STALL_DEVICE = "pipespan.stall.device" as const;
/** Length of the stall window. */
export const ATTR_PIPESPAN_STALL_DURATION = "pipespan.stall.duration" as const;
/** Attempt number of this task run, starting at 1. */
export const ATTR_PIPESPAN_TASK_ATTEMPT = "pipespan.task.attempt" as const;
/** How pipespan decided which processes belong to this task. */
export const ATTR_PIPESPAN_TASK_ATTRIBUTION = "pipespan.task.attribution" as const;
export const PIPESPAN_TASK_ATTRIBUTION_VALUE_ENV = "env" as const;
export const PIPESPAN_TASK_ATTRIBUTION_VALUE_WEBLOG = "weblog" as const;
export const PIPESPAN_TASK_ATTRIBUTION_VALUE_NEXTFLOW = "nextflow" as const;
export const PIPESPAN_TASK_ATTRIBUTION_VALUE_SNAKEMAKE = "snakemake" as const;
export const PIPESPAN_TASK_ATTRIBUTION_VALUE_ROOT_CHILD = "root_child" as const;
export const PIPESPAN_TASK_ATTRIBUTION_VALUE_ROOT = "root" as const;
/** Number of processes attributed to the task (or run) that the source observed. */
export const ATTR_PIPESPAN_TASK_PROCESS_COUNT = "pipespan.task.process_count" as const;
/** CPUs the workflow manager requested for the task, where known. */
export const ATTR_PIPESPAN_TASK_REQUESTED_CPUS = "pipespan.task.requested_cpus" as const;
/** Disk space the workflow manager requested for the task (Nextflow's disk directive, Snakemake's disk_mb), where known. */
export const ATTR_PIPESPAN_TASK_REQUESTED_DISK = "pipespan.task.requested_disk" as const;
/** Memory the workflow manager requested for the task, where known. */
export const ATTR_PIPESPAN_TASK_REQUESTED_MEMORY = "pipespan.task.requested_memory" as const;
/** Run time the workflow manager allowed the task (Nextflow's time directive, Snakemake's runtime resource), where known. */
export const ATTR_PIPESPAN_TASK_REQUESTED_TIME = "pipespan.task.requested_time" as const;
/** What tells this run of the task from the other runs of the same step: Nextflow's tag (the part of the task name in parentheses), Snakemake's wildcards as `name=value` pairs joined by `, `. */
export const ATTR_PIPESPAN_TASK_TAG = "pipespan.task.tag" as const;
/** The most threads of the task (or run) that were on a CPU, runnable or in D state at one counter read in each bucket (0 when no read fell in the bucket): an estimate of the parallelism the work can use. For several processes it is the sum of each process's largest count in the bucket. */
export const ATTR_PIPESPAN_TIMELINE_ACTIVE_THREADS_MAX = "pipespan.timeline.active_threads_max" as const;
/** Thread-seconds in D state outside io_schedule() (locks, other uninterruptible waits) in each bucket. */
export const ATTR_PIPESPAN_TIMELINE_BLOCKED_TIME = "pipespan.timeline.blocked_time" as const;
/** Thread-seconds on a CPU in each bucket, summed over every thread of every process of the task (or run). */
export const ATTR_PIPESPAN_TIMELINE_CPU_TIME = "pipespan.timeline.cpu_time" as const;
/** Width of one bucket of the span's (or event's) timeline arrays, in seconds; bucket 0 starts at the span's start. */
export const ATTR_PIPESPAN_TIMELINE_INTERVAL = "pipespan.timeline.interval" as const;
/** Thread-seconds in io_schedule() (D state waiting on storage, page-in, writeback throttling) in each bucket. */
export const ATTR_PIPESPAN_TIMELINE_IO_WAIT_TIME = "pipespan.timeline.io_wait_time" as const;
/** Socket payload bytes sent plus received in each bucket. */
export const ATTR_PIPESPAN_TIMELINE_NETWORK_BYTES = "pipespan.timeline.network_bytes" as const;
/** Thread-seconds runnable but waiting for a CPU in each bucket. */
export const ATTR_PIPESPAN_TIMELINE_RUNQUEUE_DELAY = "pipespan.timeline.runqueue_delay" as const;
/** Thread-seconds in interruptible sleep (S state, including idle worker threads) in each bucket. */
export const ATTR_PIPESPAN_TIMELINE_SLEEP_TIME = "pipespan.timeline.sleep_time" as const;
/** Block-layer bytes submitted (read plus write) in each bucket, in the submitter's context. Bios held back by cgroup I/O throttling and buffered writes flushed by writeback threads are submitted by kernel threads and are missing here; the device timeline (pipespan.device.io) has every byte the disk moved. */
export const ATTR_PIPESPAN_TIMELINE_STORAGE_BYTES = "pipespan.timeline.storage_bytes" as const;
/** Tasks the workflow manager did not run because a previous run's results were reused (Nextflow -resume); they have no task span. */
export const ATTR_PIPESPAN_WORKFLOW_CACHED_TASKS = "pipespan.workflow.cached_tasks" as const;
/** The workflow manager that defined the run or the task. */
export const ATTR_PIPESPAN_WORKFLOW_MANAGER = "pipespan.workflow.manager" as const;
export const PIPESPAN_WORKFLOW_MANAGER_VALUE_NEXTFLOW = "nextflow" as const;
export const PIPESPAN_WORKFLOW_MANAGER_VALUE_SNAKEMAKE = "snakemake" as const;

// Upstream OTel attributes pipespan uses (names exactly as in the OTel semantic conventions)
/** The kind of action a pipeline run is performing. */
export const ATTR_CICD_PIPELINE_ACTION_NAME = "cicd.pipeline.action.name" as const;
/** The human readable name of the pipeline within a CI/CD system. */
export const ATTR_CICD_PIPELINE_NAME = "cicd.pipeline.name" as const;
/** The result of a pipeline run. */
export const ATTR_CICD_PIPELINE_RESULT = "cicd.pipeline.result" as const;
/** The unique identifier of a pipeline run within a CI/CD system. */
export const ATTR_CICD_PIPELINE_RUN_ID = "cicd.pipeline.run.id" as const;
/** The human readable name of a task within a pipeline. Task here most closely aligns with a [computing process](https://wikipedia.org/wiki/Pipeline_(computing)) in a pipeline. Other terms for tasks include commands, steps, and procedures. */
export const ATTR_CICD_PIPELINE_TASK_NAME = "cicd.pipeline.task.name" as const;
/** The unique identifier of a task run within a pipeline. */
export const ATTR_CICD_PIPELINE_TASK_RUN_ID = "cicd.pipeline.task.run.id" as const;
/** The result of a task run. */
export const ATTR_CICD_PIPELINE_TASK_RUN_RESULT = "cicd.pipeline.task.run.result" as const;
/** The [URL](https://wikipedia.org/wiki/URL) of the pipeline task run, providing the complete address in order to locate and identify the pipeline task run. */
export const ATTR_CICD_PIPELINE_TASK_RUN_URL_FULL = "cicd.pipeline.task.run.url.full" as const;
/** The cloud platform in use. */
export const ATTR_CLOUD_PLATFORM = "cloud.platform" as const;
/** Name of the cloud provider. */
export const ATTR_CLOUD_PROVIDER = "cloud.provider" as const;
/** The geographical region within a cloud provider. When associated with a resource, this attribute specifies the region where the resource operates. When calling services or APIs deployed on a cloud, this attribute identifies the region where the called destination is deployed. */
export const ATTR_CLOUD_REGION = "cloud.region" as const;
/** The mode of the CPU */
export const ATTR_CPU_MODE = "cpu.mode" as const;
/** The disk IO operation direction. */
export const ATTR_DISK_IO_DIRECTION = "disk.io.direction" as const;
/** Describes a class of error the operation ended with. */
export const ATTR_ERROR_TYPE = "error.type" as const;
/** The CPU architecture the host system is running on. */
export const ATTR_HOST_ARCH = "host.arch" as const;
/** Unique host ID, determined by the first matching source in the priority order. */
export const ATTR_HOST_ID = "host.id" as const;
/** Name of the host. On UNIX systems, it may contain what the hostname command returns, or the fully qualified hostname, or another name specified by the user. */
export const ATTR_HOST_NAME = "host.name" as const;
/** Type of host. For Cloud, this must be the machine type. */
export const ATTR_HOST_TYPE = "host.type" as const;
/** The direction of traffic from the perspective of the observing host's physical or virtual network interface. It should not be used to represent the logical direction of a stateful connection or network flow. */
export const ATTR_NETWORK_IO_DIRECTION = "network.io.direction" as const;
/** Human readable (not intended to be parsed) OS version information, like e.g. reported by `ver` or `lsb_release -a` commands. */
export const ATTR_OS_DESCRIPTION = "os.description" as const;
/** The operating system type. */
export const ATTR_OS_TYPE = "os.type" as const;
/** The version string of the operating system as defined in Version Attributes. */
export const ATTR_OS_VERSION = "os.version" as const;
/** The full command used to launch the process as a single string representing the full command. On Windows, can be set to the result of `GetCommandLineW`. Do not set this if you have to assemble it just for monitoring; use `process.command_args` instead. **SHOULD NOT** be collected by default unless there is sanitization that excludes sensitive data. */
export const ATTR_PROCESS_COMMAND_LINE = "process.command_line" as const;
/** The name of the process executable. On Linux based systems, this **SHOULD** be set to the base name of the target of `/proc/[pid]/exe`. On Windows, this **SHOULD** be set to the base name of `GetProcessImageFileNameW`. */
export const ATTR_PROCESS_EXECUTABLE_NAME = "process.executable.name" as const;
/** The full path to the process executable. On Linux based systems, can be set to the target of `proc/[pid]/exe`. On Windows, can be set to the result of `GetProcessImageFileNameW`. */
export const ATTR_PROCESS_EXECUTABLE_PATH = "process.executable.path" as const;
/** The exit code of the process. */
export const ATTR_PROCESS_EXIT_CODE = "process.exit.code" as const;
/** Parent Process identifier (PPID). */
export const ATTR_PROCESS_PARENT_PID = "process.parent_pid" as const;
/** Process identifier (PID). */
export const ATTR_PROCESS_PID = "process.pid" as const;
/** The working directory of the process. */
export const ATTR_PROCESS_WORKING_DIRECTORY = "process.working_directory" as const;
/** Logical name of the service. */
export const ATTR_SERVICE_NAME = "service.name" as const;
/** The version string of the service component. The format is not defined by these conventions. */
export const ATTR_SERVICE_VERSION = "service.version" as const;
/** The paging fault type */
export const ATTR_SYSTEM_PAGING_FAULT_TYPE = "system.paging.fault.type" as const;

// Metrics
/** Time processes spent off the CPU, by cause. */
export const METRIC_PIPESPAN_OFFCPU_TIME = "pipespan.offcpu.time" as const;
/** Time processes were runnable but waiting for a CPU. */
export const METRIC_PIPESPAN_RUNQUEUE_DELAY = "pipespan.runqueue.delay" as const;
/** Largest peak resident set size among a task's processes. */
export const METRIC_PIPESPAN_MEMORY_PEAK_RSS = "pipespan.memory.peak_rss" as const;
/** Wall time of finished tasks. */
export const METRIC_PIPESPAN_TASK_DURATION = "pipespan.task.duration" as const;
/** Events an event source could not deliver (ring-buffer drops, processes gone before they were seen). */
export const METRIC_PIPESPAN_SOURCE_LOST_EVENTS = "pipespan.source.lost_events" as const;
/** Export attempts that failed, by signal; the local OTLP/JSON files are still written. */
export const METRIC_PIPESPAN_EXPORT_FAILURES = "pipespan.export.failures" as const;
/** Events or measurements the event source lost, by reason (0 is exported too once the source runs). */
export const METRIC_PIPESPAN_SOURCE_DROPPED = "pipespan.source.dropped" as const;
/** Events the source delivered (process starts, execs, counter readings, exits); its rate is events/s. */
export const METRIC_PIPESPAN_SOURCE_EVENTS = "pipespan.source.events" as const;
/** Entries in use in a kernel map of the eBPF source, as last read. */
export const METRIC_PIPESPAN_SOURCE_MAP_USAGE = "pipespan.source.map.usage" as const;
/** Capacity of a kernel map of the eBPF source (configurable; see pipespan agent --help). */
export const METRIC_PIPESPAN_SOURCE_MAP_LIMIT = "pipespan.source.map.limit" as const;
/** Bytes of local OTLP/JSON not yet delivered to the configured backend (the on-disk export queue). */
export const METRIC_PIPESPAN_EXPORT_QUEUE_USAGE = "pipespan.export.queue.usage" as const;
/** Bound of the on-disk export queue; beyond it the oldest undelivered data is dropped and counted. */
export const METRIC_PIPESPAN_EXPORT_QUEUE_LIMIT = "pipespan.export.queue.limit" as const;
/** Spans or metric data points delivered to the backend, by signal (replays after an outage included). */
export const METRIC_PIPESPAN_EXPORT_SENT = "pipespan.export.sent" as const;
/** Spans or metric data points that will never reach the backend, by signal and reason. */
export const METRIC_PIPESPAN_EXPORT_DROPPED = "pipespan.export.dropped" as const;
/** Resident set size of the pipespan process itself. */
export const METRIC_PIPESPAN_AGENT_MEMORY_RSS = "pipespan.agent.memory.rss" as const;
/** Processes the agent holds in memory (live ones, and ended ones whose spans are not out yet). */
export const METRIC_PIPESPAN_AGENT_PROCESSES = "pipespan.agent.processes" as const;
/** Change of the kernel-clock-to-wall-clock offset at the latest re-anchoring (the agent re-anchors every minute; NTP slews and steps show here). */
export const METRIC_PIPESPAN_AGENT_CLOCK_ADJUSTMENT = "pipespan.agent.clock.adjustment" as const;
/** Total CPU seconds broken down by different CPU modes. */
export const METRIC_PROCESS_CPU_TIME = "process.cpu.time" as const;
/** Disk bytes transferred. */
export const METRIC_PROCESS_DISK_IO = "process.disk.io" as const;
/** Network bytes transferred. */
export const METRIC_PROCESS_NETWORK_IO = "process.network.io" as const;
/** Number of page faults the process has made. */
export const METRIC_PROCESS_PAGING_FAULTS = "process.paging.faults" as const;

// Events
/** An aggregated window in which a process was blocked on I/O for longer than a threshold; an event on its process span. */
export const EVENT_PIPESPAN_STALL = "pipespan.stall" as const;
/** One block device of the host that moved data during the run: its requests over time, bucketed from the run's start. An event on the pipeline_run span, timestamped at the run's start. */
export const EVENT_PIPESPAN_DEVICE_IO = "pipespan.device.io" as const;

// Environment protocol
/** W3C trace context of the span the process runs under (its task span), as in the OTel environment-variable carrier spec. */
export const ENV_TRACEPARENT = "TRACEPARENT" as const;
/** W3C tracestate that goes with TRACEPARENT. */
export const ENV_TRACESTATE = "TRACESTATE" as const;
/** The pipeline run id (cicd.pipeline.run.id) the process belongs to. */
export const ENV_PIPESPAN_RUN_ID = "PIPESPAN_RUN_ID" as const;
/** The pipeline name (cicd.pipeline.name). */
export const ENV_PIPESPAN_PIPELINE_NAME = "PIPESPAN_PIPELINE_NAME" as const;
/** The task name (cicd.pipeline.task.name); every process started with it, and its descendants, belong to this task. */
export const ENV_PIPESPAN_TASK_NAME = "PIPESPAN_TASK_NAME" as const;
/** The id of this run of the task (cicd.pipeline.task.run.id); distinguishes two runs of the same task name. */
export const ENV_PIPESPAN_TASK_RUN_ID = "PIPESPAN_TASK_RUN_ID" as const;
/** Attempt number of the task run, starting at 1. */
export const ENV_PIPESPAN_TASK_ATTEMPT = "PIPESPAN_TASK_ATTEMPT" as const;
/** Folder of the current run's local OTLP/JSON files, set by `pipespan run`. Helpers that create spans of their own (such as `pipespan task`) append them there as `traces-<name>.jsonl`, so the local copy of the trace is complete even without a backend. `pipespan agent` reads it from a process's environment only to leave that process to its run, which records it (so it is not recorded twice). */
export const ENV_PIPESPAN_RUN_DIR = "PIPESPAN_RUN_DIR" as const;
/** Where a pipespan receiver listens for workflow-manager events: `pipespan agent` (default `http://127.0.0.1:4390`) or `pipespan run --listen`, which sets it for the command. The Snakemake logger plugin posts its job events there when it runs outside `pipespan run`; a Nextflow run points `-with-weblog` at it. */
export const ENV_PIPESPAN_AGENT_URL = "PIPESPAN_AGENT_URL" as const;
/** Set by Nextflow: The task's work dir, exported by Nextflow's task wrapper (.command.run) before it starts the task script. A process that carries it, with a work-dir path (`…/<2 hex>/<30 hex>`), belongs to that Nextflow task. */
export const ENV_NXF_TASK_WORKDIR = "NXF_TASK_WORKDIR" as const;

// Upstream enum values pipespan uses (from @opentelemetry/semantic-conventions 1.45.0; deprecated values left out)
/** The pipeline run is executing a build. */
export const CICD_PIPELINE_ACTION_NAME_VALUE_BUILD = "BUILD" as const;
/** The pipeline run is executing. */
export const CICD_PIPELINE_ACTION_NAME_VALUE_RUN = "RUN" as const;
/** The pipeline run is executing a sync. */
export const CICD_PIPELINE_ACTION_NAME_VALUE_SYNC = "SYNC" as const;
/** The pipeline run was cancelled, eg. by a user manually cancelling the pipeline run. */
export const CICD_PIPELINE_RESULT_VALUE_CANCELLATION = "cancellation" as const;
/** The pipeline run failed due to an error in the CI/CD system, eg. due to the worker being killed. */
export const CICD_PIPELINE_RESULT_VALUE_ERROR = "error" as const;
/** The pipeline run did not finish successfully, eg. due to a compile error or a failing test. Such failures are usually detected by non-zero exit codes of the tools executed in the pipeline run. */
export const CICD_PIPELINE_RESULT_VALUE_FAILURE = "failure" as const;
/** The pipeline run was skipped, eg. due to a precondition not being met. */
export const CICD_PIPELINE_RESULT_VALUE_SKIP = "skip" as const;
/** The pipeline run finished successfully. */
export const CICD_PIPELINE_RESULT_VALUE_SUCCESS = "success" as const;
/** A timeout caused the pipeline run to be interrupted. */
export const CICD_PIPELINE_RESULT_VALUE_TIMEOUT = "timeout" as const;
/** The task run was cancelled, eg. by a user manually cancelling the task run. */
export const CICD_PIPELINE_TASK_RUN_RESULT_VALUE_CANCELLATION = "cancellation" as const;
/** The task run failed due to an error in the CI/CD system, eg. due to the worker being killed. */
export const CICD_PIPELINE_TASK_RUN_RESULT_VALUE_ERROR = "error" as const;
/** The task run did not finish successfully, eg. due to a compile error or a failing test. Such failures are usually detected by non-zero exit codes of the tools executed in the task run. */
export const CICD_PIPELINE_TASK_RUN_RESULT_VALUE_FAILURE = "failure" as const;
/** The task run was skipped, eg. due to a precondition not being met. */
export const CICD_PIPELINE_TASK_RUN_RESULT_VALUE_SKIP = "skip" as const;
/** The task run finished successfully. */
export const CICD_PIPELINE_TASK_RUN_RESULT_VALUE_SUCCESS = "success" as const;
/** A timeout caused the task run to be interrupted. */
export const CICD_PIPELINE_TASK_RUN_RESULT_VALUE_TIMEOUT = "timeout" as const;
/** Akamai Cloud Compute */
export const CLOUD_PLATFORM_VALUE_AKAMAI_CLOUD_COMPUTE = "akamai_cloud.compute" as const;
/** Alibaba Cloud Elastic Compute Service */
export const CLOUD_PLATFORM_VALUE_ALIBABA_CLOUD_ECS = "alibaba_cloud_ecs" as const;
/** Alibaba Cloud Function Compute */
export const CLOUD_PLATFORM_VALUE_ALIBABA_CLOUD_FC = "alibaba_cloud_fc" as const;
/** Red Hat OpenShift on Alibaba Cloud */
export const CLOUD_PLATFORM_VALUE_ALIBABA_CLOUD_OPENSHIFT = "alibaba_cloud_openshift" as const;
/** AWS App Runner */
export const CLOUD_PLATFORM_VALUE_AWS_APP_RUNNER = "aws_app_runner" as const;
/** AWS Elastic Compute Cloud */
export const CLOUD_PLATFORM_VALUE_AWS_EC2 = "aws_ec2" as const;
/** AWS Elastic Container Service */
export const CLOUD_PLATFORM_VALUE_AWS_ECS = "aws_ecs" as const;
/** AWS Elastic Kubernetes Service */
export const CLOUD_PLATFORM_VALUE_AWS_EKS = "aws_eks" as const;
/** AWS Elastic Beanstalk */
export const CLOUD_PLATFORM_VALUE_AWS_ELASTIC_BEANSTALK = "aws_elastic_beanstalk" as const;
/** AWS Lambda */
export const CLOUD_PLATFORM_VALUE_AWS_LAMBDA = "aws_lambda" as const;
/** Red Hat OpenShift on AWS (ROSA) */
export const CLOUD_PLATFORM_VALUE_AWS_OPENSHIFT = "aws_openshift" as const;
/** Azure Kubernetes Service */
export const CLOUD_PLATFORM_VALUE_AZURE_AKS = "azure.aks" as const;
/** Azure App Service */
export const CLOUD_PLATFORM_VALUE_AZURE_APP_SERVICE = "azure.app_service" as const;
/** Azure Container Apps */
export const CLOUD_PLATFORM_VALUE_AZURE_CONTAINER_APPS = "azure.container_apps" as const;
/** Azure Container Instances */
export const CLOUD_PLATFORM_VALUE_AZURE_CONTAINER_INSTANCES = "azure.container_instances" as const;
/** Azure Functions */
export const CLOUD_PLATFORM_VALUE_AZURE_FUNCTIONS = "azure.functions" as const;
/** Azure Red Hat OpenShift */
export const CLOUD_PLATFORM_VALUE_AZURE_OPENSHIFT = "azure.openshift" as const;
/** Azure Virtual Machines */
export const CLOUD_PLATFORM_VALUE_AZURE_VM = "azure.vm" as const;
/** Google Vertex AI Agent Engine */
export const CLOUD_PLATFORM_VALUE_GCP_AGENT_ENGINE = "gcp.agent_engine" as const;
/** Google Cloud App Engine (GAE) */
export const CLOUD_PLATFORM_VALUE_GCP_APP_ENGINE = "gcp_app_engine" as const;
/** Google Bare Metal Solution (BMS) */
export const CLOUD_PLATFORM_VALUE_GCP_BARE_METAL_SOLUTION = "gcp_bare_metal_solution" as const;
/** Google Cloud Functions (GCF) */
export const CLOUD_PLATFORM_VALUE_GCP_CLOUD_FUNCTIONS = "gcp_cloud_functions" as const;
/** Google Cloud Run */
export const CLOUD_PLATFORM_VALUE_GCP_CLOUD_RUN = "gcp_cloud_run" as const;
/** Google Cloud Compute Engine (GCE) */
export const CLOUD_PLATFORM_VALUE_GCP_COMPUTE_ENGINE = "gcp_compute_engine" as const;
/** Google Cloud Kubernetes Engine (GKE) */
export const CLOUD_PLATFORM_VALUE_GCP_KUBERNETES_ENGINE = "gcp_kubernetes_engine" as const;
/** Red Hat OpenShift on Google Cloud */
export const CLOUD_PLATFORM_VALUE_GCP_OPENSHIFT = "gcp_openshift" as const;
/** Server on Hetzner Cloud */
export const CLOUD_PLATFORM_VALUE_HETZNER_CLOUD_SERVER = "hetzner.cloud_server" as const;
/** Red Hat OpenShift on IBM Cloud */
export const CLOUD_PLATFORM_VALUE_IBM_CLOUD_OPENSHIFT = "ibm_cloud_openshift" as const;
/** Compute on Oracle Cloud Infrastructure (OCI) */
export const CLOUD_PLATFORM_VALUE_ORACLE_CLOUD_COMPUTE = "oracle_cloud_compute" as const;
/** Kubernetes Engine (OKE) on Oracle Cloud Infrastructure (OCI) */
export const CLOUD_PLATFORM_VALUE_ORACLE_CLOUD_OKE = "oracle_cloud_oke" as const;
/** Compute on Scaleway Cloud */
export const CLOUD_PLATFORM_VALUE_SCALEWAY_CLOUD_COMPUTE = "scaleway_cloud_compute" as const;
/** Tencent Cloud Cloud Virtual Machine (CVM) */
export const CLOUD_PLATFORM_VALUE_TENCENT_CLOUD_CVM = "tencent_cloud_cvm" as const;
/** Tencent Cloud Elastic Kubernetes Service (EKS) */
export const CLOUD_PLATFORM_VALUE_TENCENT_CLOUD_EKS = "tencent_cloud_eks" as const;
/** Tencent Cloud Serverless Cloud Function (SCF) */
export const CLOUD_PLATFORM_VALUE_TENCENT_CLOUD_SCF = "tencent_cloud_scf" as const;
/** Vultr Cloud Compute */
export const CLOUD_PLATFORM_VALUE_VULTR_CLOUD_COMPUTE = "vultr.cloud_compute" as const;
/** Akamai Cloud */
export const CLOUD_PROVIDER_VALUE_AKAMAI_CLOUD = "akamai_cloud" as const;
/** Alibaba Cloud */
export const CLOUD_PROVIDER_VALUE_ALIBABA_CLOUD = "alibaba_cloud" as const;
/** Amazon Web Services */
export const CLOUD_PROVIDER_VALUE_AWS = "aws" as const;
/** Microsoft Azure */
export const CLOUD_PROVIDER_VALUE_AZURE = "azure" as const;
/** Google Cloud Platform */
export const CLOUD_PROVIDER_VALUE_GCP = "gcp" as const;
/** Heroku Platform as a Service */
export const CLOUD_PROVIDER_VALUE_HEROKU = "heroku" as const;
/** Hetzner */
export const CLOUD_PROVIDER_VALUE_HETZNER = "hetzner" as const;
/** IBM Cloud */
export const CLOUD_PROVIDER_VALUE_IBM_CLOUD = "ibm_cloud" as const;
/** Oracle Cloud Infrastructure (OCI) */
export const CLOUD_PROVIDER_VALUE_ORACLE_CLOUD = "oracle_cloud" as const;
/** Scaleway Cloud */
export const CLOUD_PROVIDER_VALUE_SCALEWAY_CLOUD = "scaleway_cloud" as const;
/** Tencent Cloud */
export const CLOUD_PROVIDER_VALUE_TENCENT_CLOUD = "tencent_cloud" as const;
/** Vultr */
export const CLOUD_PROVIDER_VALUE_VULTR = "vultr" as const;
/** Idle */
export const CPU_MODE_VALUE_IDLE = "idle" as const;
/** Interrupt */
export const CPU_MODE_VALUE_INTERRUPT = "interrupt" as const;
/** IO Wait */
export const CPU_MODE_VALUE_IOWAIT = "iowait" as const;
/** Nice */
export const CPU_MODE_VALUE_NICE = "nice" as const;
/** Steal */
export const CPU_MODE_VALUE_STEAL = "steal" as const;
/** System */
export const CPU_MODE_VALUE_SYSTEM = "system" as const;
/** User */
export const CPU_MODE_VALUE_USER = "user" as const;
export const DISK_IO_DIRECTION_VALUE_READ = "read" as const;
export const DISK_IO_DIRECTION_VALUE_WRITE = "write" as const;
/** AMD64 */
export const HOST_ARCH_VALUE_AMD64 = "amd64" as const;
/** ARM32 */
export const HOST_ARCH_VALUE_ARM32 = "arm32" as const;
/** ARM64 */
export const HOST_ARCH_VALUE_ARM64 = "arm64" as const;
/** Itanium */
export const HOST_ARCH_VALUE_IA64 = "ia64" as const;
/** 32-bit PowerPC */
export const HOST_ARCH_VALUE_PPC32 = "ppc32" as const;
/** 64-bit PowerPC */
export const HOST_ARCH_VALUE_PPC64 = "ppc64" as const;
/** IBM z/Architecture */
export const HOST_ARCH_VALUE_S390X = "s390x" as const;
/** 32-bit x86 */
export const HOST_ARCH_VALUE_X86 = "x86" as const;
export const NETWORK_IO_DIRECTION_VALUE_RECEIVE = "receive" as const;
export const NETWORK_IO_DIRECTION_VALUE_TRANSMIT = "transmit" as const;
/** AIX (Advanced Interactive eXecutive) */
export const OS_TYPE_VALUE_AIX = "aix" as const;
/** Apple Darwin */
export const OS_TYPE_VALUE_DARWIN = "darwin" as const;
/** DragonFly BSD */
export const OS_TYPE_VALUE_DRAGONFLYBSD = "dragonflybsd" as const;
/** FreeBSD */
export const OS_TYPE_VALUE_FREEBSD = "freebsd" as const;
/** HP-UX (Hewlett Packard UNIX) */
export const OS_TYPE_VALUE_HPUX = "hpux" as const;
/** Linux */
export const OS_TYPE_VALUE_LINUX = "linux" as const;
/** NetBSD */
export const OS_TYPE_VALUE_NETBSD = "netbsd" as const;
/** OpenBSD */
export const OS_TYPE_VALUE_OPENBSD = "openbsd" as const;
/** SunOS, Oracle Solaris */
export const OS_TYPE_VALUE_SOLARIS = "solaris" as const;
/** Microsoft Windows */
export const OS_TYPE_VALUE_WINDOWS = "windows" as const;
/** IBM z/OS */
export const OS_TYPE_VALUE_ZOS = "zos" as const;
export const SYSTEM_PAGING_FAULT_TYPE_VALUE_MAJOR = "major" as const;
export const SYSTEM_PAGING_FAULT_TYPE_VALUE_MINOR = "minor" as const;

// Deprecated upstream names: still exported so older code compiles; use the replacement
/** @deprecated Upstream deprecated process.paging.fault_type; use ATTR_SYSTEM_PAGING_FAULT_TYPE (system.paging.fault.type). */
export const ATTR_PROCESS_PAGING_FAULT_TYPE = "process.paging.fault_type" as const;
/** @deprecated Use SYSTEM_PAGING_FAULT_TYPE_VALUE_MAJOR. */
export const PROCESS_PAGING_FAULT_TYPE_VALUE_MAJOR = "major" as const;
/** @deprecated Use SYSTEM_PAGING_FAULT_TYPE_VALUE_MINOR. */
export const PROCESS_PAGING_FAULT_TYPE_VALUE_MINOR = "minor" as const;

// Span kinds: pipespan's ids for the spans it emits (the OTel SpanKind of each is in SPANS)
/** One run of a pipeline; the root of its trace. */
export const SPAN_KIND_PIPELINE_RUN = "pipeline_run" as const;
/** One task (step) of a pipeline run; child of the pipeline_run span. */
export const SPAN_KIND_TASK = "task" as const;
/** One process (thread group) of a task; child of its task span, or of its parent process's span. */
export const SPAN_KIND_PROCESS = "process" as const;
/** A finding of the rules engine; child of the pipeline_run span, zero duration. */
export const SPAN_KIND_FINDING = "finding" as const;
export type SpanKindId = typeof SPAN_KIND_PIPELINE_RUN | typeof SPAN_KIND_TASK | typeof SPAN_KIND_PROCESS | typeof SPAN_KIND_FINDING;
