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
/** Written bytes that never reached storage because the file was truncated or deleted first. */
export const ATTR_PIPESPAN_DISK_CANCELLED_WRITE_BYTES = "pipespan.disk.cancelled_write_bytes" as const;
/** Bytes the process caused to be read from storage (task I/O accounting read_bytes). */
export const ATTR_PIPESPAN_DISK_READ_BYTES = "pipespan.disk.read_bytes" as const;
/** Bytes the process caused to be written to storage (task I/O accounting write_bytes; charged when pages are dirtied). */
export const ATTR_PIPESPAN_DISK_WRITE_BYTES = "pipespan.disk.write_bytes" as const;
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
/** The numbers that decided the verdict, as a JSON object. */
export const ATTR_PIPESPAN_FINDING_EVIDENCE = "pipespan.finding.evidence" as const;
/** Id of the rule that produced the finding. */
export const ATTR_PIPESPAN_FINDING_RULE = "pipespan.finding.rule" as const;
/** How much the finding matters. */
export const ATTR_PIPESPAN_FINDING_SEVERITY = "pipespan.finding.severity" as const;
export const PIPESPAN_FINDING_SEVERITY_VALUE_INFO = "info" as const;
export const PIPESPAN_FINDING_SEVERITY_VALUE_WARNING = "warning" as const;
export const PIPESPAN_FINDING_SEVERITY_VALUE_CRITICAL = "critical" as const;
/** One-line verdict. */
export const ATTR_PIPESPAN_FINDING_SUMMARY = "pipespan.finding.summary" as const;
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
/** Why a thread was off the CPU. */
export const ATTR_PIPESPAN_OFFCPU_CAUSE = "pipespan.offcpu.cause" as const;
export const PIPESPAN_OFFCPU_CAUSE_VALUE_IO_WAIT = "io_wait" as const;
export const PIPESPAN_OFFCPU_CAUSE_VALUE_SLEEP = "sleep" as const;
/** Time off the CPU in uninterruptible sleep (D state), which is mostly waiting on block I/O. */
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
/** The process start time in clock ticks since boot (/proc/<pid>/stat field 22); with process.pid it identifies a process across pid reuse. */
export const ATTR_PIPESPAN_PROCESS_START_TICKS = "pipespan.process.start_ticks" as const;
/** The root command of the run, redacted like process.command_line. */
export const ATTR_PIPESPAN_RUN_COMMAND = "pipespan.run.command" as const;
/** Exit code of the run's root command (128 + signal number when killed by a signal). */
export const ATTR_PIPESPAN_RUN_EXIT_CODE = "pipespan.run.exit_code" as const;
/** The event source that measured this run. */
export const ATTR_PIPESPAN_RUN_SOURCE = "pipespan.run.source" as const;
export const PIPESPAN_RUN_SOURCE_VALUE_PROCFS = "procfs" as const;
export const PIPESPAN_RUN_SOURCE_VALUE_EBPF = "ebpf" as const;
export const PIPESPAN_RUN_SOURCE_VALUE_REPLAY = "replay" as const;
/** Number of tasks in the run. */
export const ATTR_PIPESPAN_RUN_TASK_COUNT = "pipespan.run.task_count" as const;
/** Time runnable but waiting for a CPU (wake-up to switch-in). */
export const ATTR_PIPESPAN_RUNQUEUE_DELAY = "pipespan.runqueue.delay" as const;
/** Kernel or procfs events the source could not deliver (ring-buffer drops, processes gone before they were seen). 0 means nothing was lost. */
export const ATTR_PIPESPAN_SOURCE_LOST_EVENTS = "pipespan.source.lost_events" as const;
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
export const PIPESPAN_TASK_ATTRIBUTION_VALUE_ROOT_CHILD = "root_child" as const;
export const PIPESPAN_TASK_ATTRIBUTION_VALUE_ROOT = "root" as const;
/** Number of processes attributed to the task (or run) that the source observed. */
export const ATTR_PIPESPAN_TASK_PROCESS_COUNT = "pipespan.task.process_count" as const;
/** CPUs the workflow manager requested for the task, where known. */
export const ATTR_PIPESPAN_TASK_REQUESTED_CPUS = "pipespan.task.requested_cpus" as const;
/** Memory the workflow manager requested for the task, where known. */
export const ATTR_PIPESPAN_TASK_REQUESTED_MEMORY = "pipespan.task.requested_memory" as const;

// Upstream OTel attributes pipespan uses (names exactly as in the OTel semantic conventions)
export const ATTR_CICD_PIPELINE_ACTION_NAME = "cicd.pipeline.action.name" as const;
export const ATTR_CICD_PIPELINE_NAME = "cicd.pipeline.name" as const;
export const ATTR_CICD_PIPELINE_RESULT = "cicd.pipeline.result" as const;
export const ATTR_CICD_PIPELINE_RUN_ID = "cicd.pipeline.run.id" as const;
export const ATTR_CICD_PIPELINE_TASK_NAME = "cicd.pipeline.task.name" as const;
export const ATTR_CICD_PIPELINE_TASK_RUN_ID = "cicd.pipeline.task.run.id" as const;
export const ATTR_CICD_PIPELINE_TASK_RUN_RESULT = "cicd.pipeline.task.run.result" as const;
export const ATTR_CICD_PIPELINE_TASK_RUN_URL_FULL = "cicd.pipeline.task.run.url.full" as const;
export const ATTR_CLOUD_PLATFORM = "cloud.platform" as const;
export const ATTR_CLOUD_PROVIDER = "cloud.provider" as const;
export const ATTR_CLOUD_REGION = "cloud.region" as const;
export const ATTR_CPU_MODE = "cpu.mode" as const;
export const ATTR_DISK_IO_DIRECTION = "disk.io.direction" as const;
export const ATTR_ERROR_TYPE = "error.type" as const;
export const ATTR_HOST_ARCH = "host.arch" as const;
export const ATTR_HOST_ID = "host.id" as const;
export const ATTR_HOST_NAME = "host.name" as const;
export const ATTR_HOST_TYPE = "host.type" as const;
export const ATTR_NETWORK_IO_DIRECTION = "network.io.direction" as const;
export const ATTR_OS_DESCRIPTION = "os.description" as const;
export const ATTR_OS_TYPE = "os.type" as const;
export const ATTR_OS_VERSION = "os.version" as const;
export const ATTR_PROCESS_COMMAND_LINE = "process.command_line" as const;
export const ATTR_PROCESS_EXECUTABLE_NAME = "process.executable.name" as const;
export const ATTR_PROCESS_EXECUTABLE_PATH = "process.executable.path" as const;
export const ATTR_PROCESS_EXIT_CODE = "process.exit.code" as const;
export const ATTR_PROCESS_PAGING_FAULT_TYPE = "process.paging.fault_type" as const;
export const ATTR_PROCESS_PARENT_PID = "process.parent_pid" as const;
export const ATTR_PROCESS_PID = "process.pid" as const;
export const ATTR_PROCESS_WORKING_DIRECTORY = "process.working_directory" as const;
export const ATTR_SERVICE_NAME = "service.name" as const;
export const ATTR_SERVICE_VERSION = "service.version" as const;

// Metrics
export const METRIC_PIPESPAN_OFFCPU_TIME = "pipespan.offcpu.time" as const;
export const METRIC_PIPESPAN_RUNQUEUE_DELAY = "pipespan.runqueue.delay" as const;
export const METRIC_PIPESPAN_MEMORY_PEAK_RSS = "pipespan.memory.peak_rss" as const;
export const METRIC_PIPESPAN_TASK_DURATION = "pipespan.task.duration" as const;
export const METRIC_PIPESPAN_SOURCE_LOST_EVENTS = "pipespan.source.lost_events" as const;
export const METRIC_PIPESPAN_EXPORT_FAILURES = "pipespan.export.failures" as const;
export const METRIC_PROCESS_CPU_TIME = "process.cpu.time" as const;
export const METRIC_PROCESS_DISK_IO = "process.disk.io" as const;
export const METRIC_PROCESS_NETWORK_IO = "process.network.io" as const;
export const METRIC_PROCESS_PAGING_FAULTS = "process.paging.faults" as const;

// Events
export const EVENT_PIPESPAN_STALL = "pipespan.stall" as const;

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
