// Generated from conventions/ by `npm run generate`. Do not edit.

import { z } from "zod";

// One value schema per attribute (types from conventions/; upstream types from the OTel registry).
const v_cicd_pipeline_action_name = z.enum(["BUILD", "RUN", "SYNC"]);
const v_cicd_pipeline_name = z.string();
const v_cicd_pipeline_result = z.enum(["cancellation", "error", "failure", "skip", "success", "timeout"]);
const v_cicd_pipeline_run_id = z.string();
const v_cicd_pipeline_task_name = z.string();
const v_cicd_pipeline_task_run_id = z.string();
const v_cicd_pipeline_task_run_result = z.enum(["cancellation", "error", "failure", "skip", "success", "timeout"]);
const v_cicd_pipeline_task_run_url_full = z.string();
const v_cloud_platform = z.enum(["akamai_cloud.compute", "alibaba_cloud_ecs", "alibaba_cloud_fc", "alibaba_cloud_openshift", "aws_app_runner", "aws_ec2", "aws_ecs", "aws_eks", "aws_elastic_beanstalk", "aws_lambda", "aws_openshift", "azure.aks", "azure.app_service", "azure.container_apps", "azure.container_instances", "azure.functions", "azure.openshift", "azure.vm", "gcp.agent_engine", "gcp_app_engine", "gcp_bare_metal_solution", "gcp_cloud_functions", "gcp_cloud_run", "gcp_compute_engine", "gcp_kubernetes_engine", "gcp_openshift", "hetzner.cloud_server", "ibm_cloud_openshift", "oracle_cloud_compute", "oracle_cloud_oke", "scaleway_cloud_compute", "tencent_cloud_cvm", "tencent_cloud_eks", "tencent_cloud_scf", "vultr.cloud_compute"]);
const v_cloud_provider = z.enum(["akamai_cloud", "alibaba_cloud", "aws", "azure", "gcp", "heroku", "hetzner", "ibm_cloud", "oracle_cloud", "scaleway_cloud", "tencent_cloud", "vultr"]);
const v_cloud_region = z.string();
const v_cpu_mode = z.enum(["idle", "interrupt", "iowait", "nice", "steal", "system", "user"]);
const v_disk_io_direction = z.enum(["read", "write"]);
const v_error_type = z.string();
const v_host_arch = z.enum(["amd64", "arm32", "arm64", "ia64", "ppc32", "ppc64", "s390x", "x86"]);
const v_host_id = z.string();
const v_host_name = z.string();
const v_host_type = z.string();
const v_network_io_direction = z.enum(["receive", "transmit"]);
const v_os_description = z.string();
const v_os_type = z.enum(["aix", "darwin", "dragonflybsd", "freebsd", "hpux", "linux", "netbsd", "openbsd", "solaris", "windows", "zos"]);
const v_os_version = z.string();
const v_pipespan_block_read_bytes = z.int();
const v_pipespan_block_read_ops = z.int();
const v_pipespan_block_write_bytes = z.int();
const v_pipespan_block_write_ops = z.int();
const v_pipespan_context_switches_involuntary = z.int();
const v_pipespan_context_switches_voluntary = z.int();
const v_pipespan_cpu_system_time = z.number();
const v_pipespan_cpu_time = z.number();
const v_pipespan_cpu_unattributed_time = z.number();
const v_pipespan_cpu_user_time = z.number();
const v_pipespan_cpu_utilization = z.number();
const v_pipespan_device_name = z.string();
const v_pipespan_device_timeline_busy_time = z.array(z.number());
const v_pipespan_device_timeline_read_bytes = z.array(z.number());
const v_pipespan_device_timeline_read_ops = z.array(z.number());
const v_pipespan_device_timeline_read_service_time = z.array(z.number());
const v_pipespan_device_timeline_write_bytes = z.array(z.number());
const v_pipespan_device_timeline_write_ops = z.array(z.number());
const v_pipespan_device_timeline_write_service_time = z.array(z.number());
const v_pipespan_disk_cancelled_write_bytes = z.int();
const v_pipespan_disk_read_bytes = z.int();
const v_pipespan_disk_write_bytes = z.int();
const v_pipespan_drop_reason = z.enum(["ring_buffer_full", "counters_map_full", "tracked_map_full", "thread_map_full", "argv_unreadable", "block_latency_map_full", "decode_error", "env_unreadable", "process_vanished", "root_exited_early", "unknown_process", "export_queue_full", "export_rejected", "span_queue_full", "other"]);
const v_pipespan_export_signal = z.enum(["traces", "metrics"]);
const v_pipespan_file_read_bytes = z.int();
const v_pipespan_file_write_bytes = z.int();
const v_pipespan_finding_advice = z.string();
const v_pipespan_finding_binding_limit = z.enum(["cpu", "ebs", "network", "none"]);
const v_pipespan_finding_cost_change = z.number();
const v_pipespan_finding_cost_per_run = z.number();
const v_pipespan_finding_evidence = z.string();
const v_pipespan_finding_instance_type = z.string();
const v_pipespan_finding_rule = z.string();
const v_pipespan_finding_severity = z.enum(["info", "warning", "critical"]);
const v_pipespan_finding_speedup = z.number();
const v_pipespan_finding_summary = z.string();
const v_pipespan_host_cpu_logical_count = z.int();
const v_pipespan_host_memory_total = z.int();
const v_pipespan_memory_major_faults = z.int();
const v_pipespan_memory_minor_faults = z.int();
const v_pipespan_memory_peak_rss = z.int();
const v_pipespan_network_rx_bytes = z.int();
const v_pipespan_network_tx_bytes = z.int();
const v_pipespan_nextflow_error_action = z.string();
const v_pipespan_nextflow_exit_status = z.int();
const v_pipespan_nextflow_hash = z.string();
const v_pipespan_nextflow_native_id = z.string();
const v_pipespan_nextflow_project = z.string();
const v_pipespan_nextflow_resumed = z.boolean();
const v_pipespan_nextflow_run_name = z.string();
const v_pipespan_nextflow_session_id = z.string();
const v_pipespan_nextflow_status = z.string();
const v_pipespan_nextflow_task_id = z.int();
const v_pipespan_offcpu_blocked_time = z.number();
const v_pipespan_offcpu_cause = z.enum(["io_wait", "blocked", "sleep"]);
const v_pipespan_offcpu_io_wait_time = z.number();
const v_pipespan_offcpu_sleep_time = z.number();
const v_pipespan_process_exit_signal = z.int();
const v_pipespan_process_exit_signal_name = z.string();
const v_pipespan_process_exit_observed = z.boolean();
const v_pipespan_process_oom_killed = z.boolean();
const v_pipespan_process_overhead = z.boolean();
const v_pipespan_process_start_ticks = z.int();
const v_pipespan_run_command = z.string();
const v_pipespan_run_exit_code = z.int();
const v_pipespan_run_incomplete = z.boolean();
const v_pipespan_run_source = z.enum(["procfs", "ebpf"]);
const v_pipespan_run_task_count = z.int();
const v_pipespan_runqueue_delay = z.number();
const v_pipespan_snakemake_jobid = z.int();
const v_pipespan_snakemake_resources = z.string();
const v_pipespan_snakemake_threads = z.int();
const v_pipespan_snakemake_workflow_id = z.string();
const v_pipespan_source_lost_events = z.int();
const v_pipespan_source_map = z.enum(["counters", "tracked", "threads"]);
const v_pipespan_stall_device = z.string();
const v_pipespan_stall_duration = z.number();
const v_pipespan_task_attempt = z.int();
const v_pipespan_task_attribution = z.enum(["env", "weblog", "nextflow", "snakemake", "root_child", "root"]);
const v_pipespan_task_process_count = z.int();
const v_pipespan_task_requested_cpus = z.number();
const v_pipespan_task_requested_disk = z.int();
const v_pipespan_task_requested_memory = z.int();
const v_pipespan_task_requested_time = z.number();
const v_pipespan_task_tag = z.string();
const v_pipespan_timeline_active_threads_max = z.array(z.number());
const v_pipespan_timeline_blocked_time = z.array(z.number());
const v_pipespan_timeline_cpu_time = z.array(z.number());
const v_pipespan_timeline_interval = z.number();
const v_pipespan_timeline_io_wait_time = z.array(z.number());
const v_pipespan_timeline_network_bytes = z.array(z.number());
const v_pipespan_timeline_runqueue_delay = z.array(z.number());
const v_pipespan_timeline_sleep_time = z.array(z.number());
const v_pipespan_timeline_storage_bytes = z.array(z.number());
const v_pipespan_workflow_cached_tasks = z.int();
const v_pipespan_workflow_manager = z.enum(["nextflow", "snakemake"]);
const v_process_command_line = z.string();
const v_process_executable_name = z.string();
const v_process_executable_path = z.string();
const v_process_exit_code = z.int();
const v_process_parent_pid = z.int();
const v_process_pid = z.int();
const v_process_working_directory = z.string();
const v_service_name = z.string();
const v_service_version = z.string();
const v_system_paging_fault_type = z.enum(["major", "minor"]);

/** The value schema of every attribute in the registry, by attribute name. */
export const ATTRIBUTE_VALUE_SCHEMAS = {
  "cicd.pipeline.action.name": v_cicd_pipeline_action_name,
  "cicd.pipeline.name": v_cicd_pipeline_name,
  "cicd.pipeline.result": v_cicd_pipeline_result,
  "cicd.pipeline.run.id": v_cicd_pipeline_run_id,
  "cicd.pipeline.task.name": v_cicd_pipeline_task_name,
  "cicd.pipeline.task.run.id": v_cicd_pipeline_task_run_id,
  "cicd.pipeline.task.run.result": v_cicd_pipeline_task_run_result,
  "cicd.pipeline.task.run.url.full": v_cicd_pipeline_task_run_url_full,
  "cloud.platform": v_cloud_platform,
  "cloud.provider": v_cloud_provider,
  "cloud.region": v_cloud_region,
  "cpu.mode": v_cpu_mode,
  "disk.io.direction": v_disk_io_direction,
  "error.type": v_error_type,
  "host.arch": v_host_arch,
  "host.id": v_host_id,
  "host.name": v_host_name,
  "host.type": v_host_type,
  "network.io.direction": v_network_io_direction,
  "os.description": v_os_description,
  "os.type": v_os_type,
  "os.version": v_os_version,
  "pipespan.block.read_bytes": v_pipespan_block_read_bytes,
  "pipespan.block.read_ops": v_pipespan_block_read_ops,
  "pipespan.block.write_bytes": v_pipespan_block_write_bytes,
  "pipespan.block.write_ops": v_pipespan_block_write_ops,
  "pipespan.context_switches.involuntary": v_pipespan_context_switches_involuntary,
  "pipespan.context_switches.voluntary": v_pipespan_context_switches_voluntary,
  "pipespan.cpu.system_time": v_pipespan_cpu_system_time,
  "pipespan.cpu.time": v_pipespan_cpu_time,
  "pipespan.cpu.unattributed_time": v_pipespan_cpu_unattributed_time,
  "pipespan.cpu.user_time": v_pipespan_cpu_user_time,
  "pipespan.cpu.utilization": v_pipespan_cpu_utilization,
  "pipespan.device.name": v_pipespan_device_name,
  "pipespan.device.timeline.busy_time": v_pipespan_device_timeline_busy_time,
  "pipespan.device.timeline.read_bytes": v_pipespan_device_timeline_read_bytes,
  "pipespan.device.timeline.read_ops": v_pipespan_device_timeline_read_ops,
  "pipespan.device.timeline.read_service_time": v_pipespan_device_timeline_read_service_time,
  "pipespan.device.timeline.write_bytes": v_pipespan_device_timeline_write_bytes,
  "pipespan.device.timeline.write_ops": v_pipespan_device_timeline_write_ops,
  "pipespan.device.timeline.write_service_time": v_pipespan_device_timeline_write_service_time,
  "pipespan.disk.cancelled_write_bytes": v_pipespan_disk_cancelled_write_bytes,
  "pipespan.disk.read_bytes": v_pipespan_disk_read_bytes,
  "pipespan.disk.write_bytes": v_pipespan_disk_write_bytes,
  "pipespan.drop.reason": v_pipespan_drop_reason,
  "pipespan.export.signal": v_pipespan_export_signal,
  "pipespan.file.read_bytes": v_pipespan_file_read_bytes,
  "pipespan.file.write_bytes": v_pipespan_file_write_bytes,
  "pipespan.finding.advice": v_pipespan_finding_advice,
  "pipespan.finding.binding_limit": v_pipespan_finding_binding_limit,
  "pipespan.finding.cost_change": v_pipespan_finding_cost_change,
  "pipespan.finding.cost_per_run": v_pipespan_finding_cost_per_run,
  "pipespan.finding.evidence": v_pipespan_finding_evidence,
  "pipespan.finding.instance_type": v_pipespan_finding_instance_type,
  "pipespan.finding.rule": v_pipespan_finding_rule,
  "pipespan.finding.severity": v_pipespan_finding_severity,
  "pipespan.finding.speedup": v_pipespan_finding_speedup,
  "pipespan.finding.summary": v_pipespan_finding_summary,
  "pipespan.host.cpu.logical_count": v_pipespan_host_cpu_logical_count,
  "pipespan.host.memory.total": v_pipespan_host_memory_total,
  "pipespan.memory.major_faults": v_pipespan_memory_major_faults,
  "pipespan.memory.minor_faults": v_pipespan_memory_minor_faults,
  "pipespan.memory.peak_rss": v_pipespan_memory_peak_rss,
  "pipespan.network.rx_bytes": v_pipespan_network_rx_bytes,
  "pipespan.network.tx_bytes": v_pipespan_network_tx_bytes,
  "pipespan.nextflow.error_action": v_pipespan_nextflow_error_action,
  "pipespan.nextflow.exit_status": v_pipespan_nextflow_exit_status,
  "pipespan.nextflow.hash": v_pipespan_nextflow_hash,
  "pipespan.nextflow.native_id": v_pipespan_nextflow_native_id,
  "pipespan.nextflow.project": v_pipespan_nextflow_project,
  "pipespan.nextflow.resumed": v_pipespan_nextflow_resumed,
  "pipespan.nextflow.run_name": v_pipespan_nextflow_run_name,
  "pipespan.nextflow.session_id": v_pipespan_nextflow_session_id,
  "pipespan.nextflow.status": v_pipespan_nextflow_status,
  "pipespan.nextflow.task_id": v_pipespan_nextflow_task_id,
  "pipespan.offcpu.blocked_time": v_pipespan_offcpu_blocked_time,
  "pipespan.offcpu.cause": v_pipespan_offcpu_cause,
  "pipespan.offcpu.io_wait_time": v_pipespan_offcpu_io_wait_time,
  "pipespan.offcpu.sleep_time": v_pipespan_offcpu_sleep_time,
  "pipespan.process.exit.signal": v_pipespan_process_exit_signal,
  "pipespan.process.exit.signal_name": v_pipespan_process_exit_signal_name,
  "pipespan.process.exit_observed": v_pipespan_process_exit_observed,
  "pipespan.process.oom_killed": v_pipespan_process_oom_killed,
  "pipespan.process.overhead": v_pipespan_process_overhead,
  "pipespan.process.start_ticks": v_pipespan_process_start_ticks,
  "pipespan.run.command": v_pipespan_run_command,
  "pipespan.run.exit_code": v_pipespan_run_exit_code,
  "pipespan.run.incomplete": v_pipespan_run_incomplete,
  "pipespan.run.source": v_pipespan_run_source,
  "pipespan.run.task_count": v_pipespan_run_task_count,
  "pipespan.runqueue.delay": v_pipespan_runqueue_delay,
  "pipespan.snakemake.jobid": v_pipespan_snakemake_jobid,
  "pipespan.snakemake.resources": v_pipespan_snakemake_resources,
  "pipespan.snakemake.threads": v_pipespan_snakemake_threads,
  "pipespan.snakemake.workflow_id": v_pipespan_snakemake_workflow_id,
  "pipespan.source.lost_events": v_pipespan_source_lost_events,
  "pipespan.source.map": v_pipespan_source_map,
  "pipespan.stall.device": v_pipespan_stall_device,
  "pipespan.stall.duration": v_pipespan_stall_duration,
  "pipespan.task.attempt": v_pipespan_task_attempt,
  "pipespan.task.attribution": v_pipespan_task_attribution,
  "pipespan.task.process_count": v_pipespan_task_process_count,
  "pipespan.task.requested_cpus": v_pipespan_task_requested_cpus,
  "pipespan.task.requested_disk": v_pipespan_task_requested_disk,
  "pipespan.task.requested_memory": v_pipespan_task_requested_memory,
  "pipespan.task.requested_time": v_pipespan_task_requested_time,
  "pipespan.task.tag": v_pipespan_task_tag,
  "pipespan.timeline.active_threads_max": v_pipespan_timeline_active_threads_max,
  "pipespan.timeline.blocked_time": v_pipespan_timeline_blocked_time,
  "pipespan.timeline.cpu_time": v_pipespan_timeline_cpu_time,
  "pipespan.timeline.interval": v_pipespan_timeline_interval,
  "pipespan.timeline.io_wait_time": v_pipespan_timeline_io_wait_time,
  "pipespan.timeline.network_bytes": v_pipespan_timeline_network_bytes,
  "pipespan.timeline.runqueue_delay": v_pipespan_timeline_runqueue_delay,
  "pipespan.timeline.sleep_time": v_pipespan_timeline_sleep_time,
  "pipespan.timeline.storage_bytes": v_pipespan_timeline_storage_bytes,
  "pipespan.workflow.cached_tasks": v_pipespan_workflow_cached_tasks,
  "pipespan.workflow.manager": v_pipespan_workflow_manager,
  "process.command_line": v_process_command_line,
  "process.executable.name": v_process_executable_name,
  "process.executable.path": v_process_executable_path,
  "process.exit.code": v_process_exit_code,
  "process.parent_pid": v_process_parent_pid,
  "process.pid": v_process_pid,
  "process.working_directory": v_process_working_directory,
  "service.name": v_service_name,
  "service.version": v_service_version,
  "system.paging.fault.type": v_system_paging_fault_type,
} as const;

const PipelineRunSpanAttributesShape = {
  "cicd.pipeline.name": v_cicd_pipeline_name,
  "cicd.pipeline.run.id": v_cicd_pipeline_run_id,
  "cicd.pipeline.action.name": v_cicd_pipeline_action_name,
  "cicd.pipeline.result": v_cicd_pipeline_result,
  "pipespan.run.source": v_pipespan_run_source,
  "pipespan.run.command": v_pipespan_run_command.optional(),
  "pipespan.run.exit_code": v_pipespan_run_exit_code.optional(),
  "pipespan.run.task_count": v_pipespan_run_task_count.optional(),
  "pipespan.task.process_count": v_pipespan_task_process_count.optional(),
  "pipespan.source.lost_events": v_pipespan_source_lost_events.optional(),
  "pipespan.run.incomplete": v_pipespan_run_incomplete.optional(),
  "pipespan.workflow.manager": v_pipespan_workflow_manager.optional(),
  "pipespan.workflow.cached_tasks": v_pipespan_workflow_cached_tasks.optional(),
  "pipespan.nextflow.run_name": v_pipespan_nextflow_run_name.optional(),
  "pipespan.nextflow.session_id": v_pipespan_nextflow_session_id.optional(),
  "pipespan.nextflow.project": v_pipespan_nextflow_project.optional(),
  "pipespan.nextflow.resumed": v_pipespan_nextflow_resumed.optional(),
  "pipespan.snakemake.workflow_id": v_pipespan_snakemake_workflow_id.optional(),
  "pipespan.cpu.time": v_pipespan_cpu_time.optional(),
  "pipespan.cpu.user_time": v_pipespan_cpu_user_time.optional(),
  "pipespan.cpu.system_time": v_pipespan_cpu_system_time.optional(),
  "pipespan.cpu.unattributed_time": v_pipespan_cpu_unattributed_time.optional(),
  "pipespan.cpu.utilization": v_pipespan_cpu_utilization.optional(),
  "pipespan.offcpu.io_wait_time": v_pipespan_offcpu_io_wait_time.optional(),
  "pipespan.offcpu.sleep_time": v_pipespan_offcpu_sleep_time.optional(),
  "pipespan.offcpu.blocked_time": v_pipespan_offcpu_blocked_time.optional(),
  "pipespan.runqueue.delay": v_pipespan_runqueue_delay.optional(),
  "pipespan.disk.read_bytes": v_pipespan_disk_read_bytes.optional(),
  "pipespan.disk.write_bytes": v_pipespan_disk_write_bytes.optional(),
  "pipespan.disk.cancelled_write_bytes": v_pipespan_disk_cancelled_write_bytes.optional(),
  "pipespan.file.read_bytes": v_pipespan_file_read_bytes.optional(),
  "pipespan.file.write_bytes": v_pipespan_file_write_bytes.optional(),
  "pipespan.block.read_bytes": v_pipespan_block_read_bytes.optional(),
  "pipespan.block.write_bytes": v_pipespan_block_write_bytes.optional(),
  "pipespan.block.read_ops": v_pipespan_block_read_ops.optional(),
  "pipespan.block.write_ops": v_pipespan_block_write_ops.optional(),
  "pipespan.network.tx_bytes": v_pipespan_network_tx_bytes.optional(),
  "pipespan.network.rx_bytes": v_pipespan_network_rx_bytes.optional(),
  "pipespan.memory.peak_rss": v_pipespan_memory_peak_rss.optional(),
  "pipespan.memory.major_faults": v_pipespan_memory_major_faults.optional(),
  "pipespan.memory.minor_faults": v_pipespan_memory_minor_faults.optional(),
  "pipespan.context_switches.voluntary": v_pipespan_context_switches_voluntary.optional(),
  "pipespan.context_switches.involuntary": v_pipespan_context_switches_involuntary.optional(),
  "pipespan.timeline.interval": v_pipespan_timeline_interval.optional(),
  "pipespan.timeline.cpu_time": v_pipespan_timeline_cpu_time.optional(),
  "pipespan.timeline.io_wait_time": v_pipespan_timeline_io_wait_time.optional(),
  "pipespan.timeline.blocked_time": v_pipespan_timeline_blocked_time.optional(),
  "pipespan.timeline.runqueue_delay": v_pipespan_timeline_runqueue_delay.optional(),
  "pipespan.timeline.sleep_time": v_pipespan_timeline_sleep_time.optional(),
  "pipespan.timeline.network_bytes": v_pipespan_timeline_network_bytes.optional(),
  "pipespan.timeline.storage_bytes": v_pipespan_timeline_storage_bytes.optional(),
  "pipespan.timeline.active_threads_max": v_pipespan_timeline_active_threads_max.optional(),
};
/** Attributes of a `pipeline_run` span (span.pipespan.pipeline_run): required ones must be present, the others are optional; unknown keys are allowed. */
export const PipelineRunSpanAttributesSchema = z.looseObject(PipelineRunSpanAttributesShape);
export type PipelineRunSpanAttributes = z.infer<z.ZodObject<typeof PipelineRunSpanAttributesShape>>;

const TaskSpanAttributesShape = {
  "cicd.pipeline.task.name": v_cicd_pipeline_task_name,
  "cicd.pipeline.task.run.id": v_cicd_pipeline_task_run_id,
  "cicd.pipeline.task.run.url.full": v_cicd_pipeline_task_run_url_full,
  "cicd.pipeline.task.run.result": v_cicd_pipeline_task_run_result,
  "cicd.pipeline.name": v_cicd_pipeline_name.optional(),
  "cicd.pipeline.run.id": v_cicd_pipeline_run_id.optional(),
  "pipespan.task.attempt": v_pipespan_task_attempt.optional(),
  "pipespan.task.attribution": v_pipespan_task_attribution.optional(),
  "pipespan.run.incomplete": v_pipespan_run_incomplete.optional(),
  "pipespan.task.requested_cpus": v_pipespan_task_requested_cpus.optional(),
  "pipespan.task.requested_memory": v_pipespan_task_requested_memory.optional(),
  "pipespan.task.requested_time": v_pipespan_task_requested_time.optional(),
  "pipespan.task.requested_disk": v_pipespan_task_requested_disk.optional(),
  "pipespan.task.tag": v_pipespan_task_tag.optional(),
  "pipespan.workflow.manager": v_pipespan_workflow_manager.optional(),
  "pipespan.nextflow.hash": v_pipespan_nextflow_hash.optional(),
  "pipespan.nextflow.task_id": v_pipespan_nextflow_task_id.optional(),
  "pipespan.nextflow.native_id": v_pipespan_nextflow_native_id.optional(),
  "pipespan.nextflow.status": v_pipespan_nextflow_status.optional(),
  "pipespan.nextflow.exit_status": v_pipespan_nextflow_exit_status.optional(),
  "pipespan.nextflow.error_action": v_pipespan_nextflow_error_action.optional(),
  "pipespan.snakemake.jobid": v_pipespan_snakemake_jobid.optional(),
  "pipespan.snakemake.threads": v_pipespan_snakemake_threads.optional(),
  "pipespan.snakemake.resources": v_pipespan_snakemake_resources.optional(),
  "pipespan.snakemake.workflow_id": v_pipespan_snakemake_workflow_id.optional(),
  "pipespan.task.process_count": v_pipespan_task_process_count.optional(),
  "pipespan.cpu.time": v_pipespan_cpu_time.optional(),
  "pipespan.cpu.user_time": v_pipespan_cpu_user_time.optional(),
  "pipespan.cpu.system_time": v_pipespan_cpu_system_time.optional(),
  "pipespan.cpu.unattributed_time": v_pipespan_cpu_unattributed_time.optional(),
  "pipespan.cpu.utilization": v_pipespan_cpu_utilization.optional(),
  "pipespan.offcpu.io_wait_time": v_pipespan_offcpu_io_wait_time.optional(),
  "pipespan.offcpu.sleep_time": v_pipespan_offcpu_sleep_time.optional(),
  "pipespan.offcpu.blocked_time": v_pipespan_offcpu_blocked_time.optional(),
  "pipespan.runqueue.delay": v_pipespan_runqueue_delay.optional(),
  "pipespan.disk.read_bytes": v_pipespan_disk_read_bytes.optional(),
  "pipespan.disk.write_bytes": v_pipespan_disk_write_bytes.optional(),
  "pipespan.disk.cancelled_write_bytes": v_pipespan_disk_cancelled_write_bytes.optional(),
  "pipespan.file.read_bytes": v_pipespan_file_read_bytes.optional(),
  "pipespan.file.write_bytes": v_pipespan_file_write_bytes.optional(),
  "pipespan.block.read_bytes": v_pipespan_block_read_bytes.optional(),
  "pipespan.block.write_bytes": v_pipespan_block_write_bytes.optional(),
  "pipespan.block.read_ops": v_pipespan_block_read_ops.optional(),
  "pipespan.block.write_ops": v_pipespan_block_write_ops.optional(),
  "pipespan.network.tx_bytes": v_pipespan_network_tx_bytes.optional(),
  "pipespan.network.rx_bytes": v_pipespan_network_rx_bytes.optional(),
  "pipespan.memory.peak_rss": v_pipespan_memory_peak_rss.optional(),
  "pipespan.memory.major_faults": v_pipespan_memory_major_faults.optional(),
  "pipespan.memory.minor_faults": v_pipespan_memory_minor_faults.optional(),
  "pipespan.context_switches.voluntary": v_pipespan_context_switches_voluntary.optional(),
  "pipespan.context_switches.involuntary": v_pipespan_context_switches_involuntary.optional(),
  "pipespan.timeline.interval": v_pipespan_timeline_interval.optional(),
  "pipespan.timeline.cpu_time": v_pipespan_timeline_cpu_time.optional(),
  "pipespan.timeline.io_wait_time": v_pipespan_timeline_io_wait_time.optional(),
  "pipespan.timeline.blocked_time": v_pipespan_timeline_blocked_time.optional(),
  "pipespan.timeline.runqueue_delay": v_pipespan_timeline_runqueue_delay.optional(),
  "pipespan.timeline.sleep_time": v_pipespan_timeline_sleep_time.optional(),
  "pipespan.timeline.network_bytes": v_pipespan_timeline_network_bytes.optional(),
  "pipespan.timeline.storage_bytes": v_pipespan_timeline_storage_bytes.optional(),
  "pipespan.timeline.active_threads_max": v_pipespan_timeline_active_threads_max.optional(),
};
/** Attributes of a `task` span (span.pipespan.task): required ones must be present, the others are optional; unknown keys are allowed. */
export const TaskSpanAttributesSchema = z.looseObject(TaskSpanAttributesShape);
export type TaskSpanAttributes = z.infer<z.ZodObject<typeof TaskSpanAttributesShape>>;

const ProcessSpanAttributesShape = {
  "process.pid": v_process_pid,
  "process.parent_pid": v_process_parent_pid,
  "process.executable.name": v_process_executable_name,
  "process.executable.path": v_process_executable_path.optional(),
  "process.command_line": v_process_command_line.optional(),
  "process.working_directory": v_process_working_directory.optional(),
  "process.exit.code": v_process_exit_code.optional(),
  "error.type": v_error_type.optional(),
  "pipespan.process.start_ticks": v_pipespan_process_start_ticks.optional(),
  "pipespan.process.exit.signal": v_pipespan_process_exit_signal.optional(),
  "pipespan.process.exit.signal_name": v_pipespan_process_exit_signal_name.optional(),
  "pipespan.process.oom_killed": v_pipespan_process_oom_killed.optional(),
  "pipespan.process.overhead": v_pipespan_process_overhead.optional(),
  "pipespan.process.exit_observed": v_pipespan_process_exit_observed.optional(),
  "pipespan.cpu.time": v_pipespan_cpu_time.optional(),
  "pipespan.cpu.user_time": v_pipespan_cpu_user_time.optional(),
  "pipespan.cpu.system_time": v_pipespan_cpu_system_time.optional(),
  "pipespan.cpu.unattributed_time": v_pipespan_cpu_unattributed_time.optional(),
  "pipespan.cpu.utilization": v_pipespan_cpu_utilization.optional(),
  "pipespan.offcpu.io_wait_time": v_pipespan_offcpu_io_wait_time.optional(),
  "pipespan.offcpu.sleep_time": v_pipespan_offcpu_sleep_time.optional(),
  "pipespan.offcpu.blocked_time": v_pipespan_offcpu_blocked_time.optional(),
  "pipespan.runqueue.delay": v_pipespan_runqueue_delay.optional(),
  "pipespan.disk.read_bytes": v_pipespan_disk_read_bytes.optional(),
  "pipespan.disk.write_bytes": v_pipespan_disk_write_bytes.optional(),
  "pipespan.disk.cancelled_write_bytes": v_pipespan_disk_cancelled_write_bytes.optional(),
  "pipespan.file.read_bytes": v_pipespan_file_read_bytes.optional(),
  "pipespan.file.write_bytes": v_pipespan_file_write_bytes.optional(),
  "pipespan.block.read_bytes": v_pipespan_block_read_bytes.optional(),
  "pipespan.block.write_bytes": v_pipespan_block_write_bytes.optional(),
  "pipespan.block.read_ops": v_pipespan_block_read_ops.optional(),
  "pipespan.block.write_ops": v_pipespan_block_write_ops.optional(),
  "pipespan.network.tx_bytes": v_pipespan_network_tx_bytes.optional(),
  "pipespan.network.rx_bytes": v_pipespan_network_rx_bytes.optional(),
  "pipespan.memory.peak_rss": v_pipespan_memory_peak_rss.optional(),
  "pipespan.memory.major_faults": v_pipespan_memory_major_faults.optional(),
  "pipespan.memory.minor_faults": v_pipespan_memory_minor_faults.optional(),
  "pipespan.context_switches.voluntary": v_pipespan_context_switches_voluntary.optional(),
  "pipespan.context_switches.involuntary": v_pipespan_context_switches_involuntary.optional(),
};
/** Attributes of a `process` span (span.pipespan.process): required ones must be present, the others are optional; unknown keys are allowed. */
export const ProcessSpanAttributesSchema = z.looseObject(ProcessSpanAttributesShape);
export type ProcessSpanAttributes = z.infer<z.ZodObject<typeof ProcessSpanAttributesShape>>;

const FindingSpanAttributesShape = {
  "pipespan.finding.rule": v_pipespan_finding_rule,
  "pipespan.finding.severity": v_pipespan_finding_severity,
  "pipespan.finding.summary": v_pipespan_finding_summary,
  "pipespan.finding.advice": v_pipespan_finding_advice.optional(),
  "pipespan.finding.evidence": v_pipespan_finding_evidence.optional(),
  "cicd.pipeline.run.id": v_cicd_pipeline_run_id,
  "cicd.pipeline.task.name": v_cicd_pipeline_task_name.optional(),
  "process.pid": v_process_pid.optional(),
  "process.executable.name": v_process_executable_name.optional(),
  "pipespan.finding.instance_type": v_pipespan_finding_instance_type.optional(),
  "pipespan.finding.cost_per_run": v_pipespan_finding_cost_per_run.optional(),
  "pipespan.finding.speedup": v_pipespan_finding_speedup.optional(),
  "pipespan.finding.cost_change": v_pipespan_finding_cost_change.optional(),
  "pipespan.finding.binding_limit": v_pipespan_finding_binding_limit.optional(),
};
/** Attributes of a `finding` span (span.pipespan.finding): required ones must be present, the others are optional; unknown keys are allowed. */
export const FindingSpanAttributesSchema = z.looseObject(FindingSpanAttributesShape);
export type FindingSpanAttributes = z.infer<z.ZodObject<typeof FindingSpanAttributesShape>>;

const StallEventAttributesShape = {
  "pipespan.stall.duration": v_pipespan_stall_duration,
  "pipespan.stall.device": v_pipespan_stall_device.optional(),
};
/** Attributes of a `pipespan.stall` event (event.pipespan.stall): required ones must be present, the others are optional; unknown keys are allowed. */
export const StallEventAttributesSchema = z.looseObject(StallEventAttributesShape);
export type StallEventAttributes = z.infer<z.ZodObject<typeof StallEventAttributesShape>>;

const IoEventAttributesShape = {
  "pipespan.device.name": v_pipespan_device_name,
  "pipespan.timeline.interval": v_pipespan_timeline_interval,
  "pipespan.device.timeline.read_bytes": v_pipespan_device_timeline_read_bytes,
  "pipespan.device.timeline.write_bytes": v_pipespan_device_timeline_write_bytes,
  "pipespan.device.timeline.read_ops": v_pipespan_device_timeline_read_ops,
  "pipespan.device.timeline.write_ops": v_pipespan_device_timeline_write_ops,
  "pipespan.device.timeline.busy_time": v_pipespan_device_timeline_busy_time.optional(),
  "pipespan.device.timeline.read_service_time": v_pipespan_device_timeline_read_service_time.optional(),
  "pipespan.device.timeline.write_service_time": v_pipespan_device_timeline_write_service_time.optional(),
};
/** Attributes of a `pipespan.device.io` event (event.pipespan.device.io): required ones must be present, the others are optional; unknown keys are allowed. */
export const IoEventAttributesSchema = z.looseObject(IoEventAttributesShape);
export type IoEventAttributes = z.infer<z.ZodObject<typeof IoEventAttributesShape>>;

const HostResourceAttributesShape = {
  "service.name": v_service_name,
  "service.version": v_service_version.optional(),
  "host.name": v_host_name.optional(),
  "host.arch": v_host_arch.optional(),
  "host.type": v_host_type.optional(),
  "host.id": v_host_id.optional(),
  "cloud.provider": v_cloud_provider.optional(),
  "cloud.platform": v_cloud_platform.optional(),
  "cloud.region": v_cloud_region.optional(),
  "os.type": v_os_type.optional(),
  "os.description": v_os_description.optional(),
  "os.version": v_os_version.optional(),
  "pipespan.host.cpu.logical_count": v_pipespan_host_cpu_logical_count.optional(),
  "pipespan.host.memory.total": v_pipespan_host_memory_total.optional(),
};
/** Attributes of the resource (resource.pipespan.host): required ones must be present, the others are optional; unknown keys are allowed. */
export const HostResourceAttributesSchema = z.looseObject(HostResourceAttributesShape);
export type HostResourceAttributes = z.infer<z.ZodObject<typeof HostResourceAttributesShape>>;

/** Attribute schema of each span kind, by span kind id. */
export const SPAN_ATTRIBUTE_SCHEMAS = {
  pipeline_run: PipelineRunSpanAttributesSchema,
  task: TaskSpanAttributesSchema,
  process: ProcessSpanAttributesSchema,
  finding: FindingSpanAttributesSchema,
} as const;
