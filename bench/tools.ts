// Real multi-threaded tools under `pipespan run --source ebpf`, unthrottled and throttled: prints, per tool, the
// wall time of each run (cold input, 256 MiB memory limit), the slow-down the throttle causes and where the task's
// thread-seconds went. It checks that the default input sizes of test/support/tools.ts give runs of ~10–30 s on
// this machine and that a throttle can slow each tool at least 2×. Not a test: it asserts nothing.
// Run (as root, after `npm run build`): node bench/tools.ts [threads] [tool ...]
import {
  ATTR_PIPESPAN_CPU_TIME,
  ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME,
  ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME,
  ATTR_PIPESPAN_OFFCPU_SLEEP_TIME,
  ATTR_PIPESPAN_RUNQUEUE_DELAY,
} from "@pipespan/semconv";
import { MiB, runTool, type ToolName, type ToolRun, throttleRateFor } from "../test/support/tools.ts";

const threads = Number(process.argv[2] ?? 2);
const tools = (
  process.argv.slice(3).length > 0 ? process.argv.slice(3) : ["pigz", "zstd", "samtools-sort", "fastp"]
) as ToolName[];

function split(r: ToolRun): string {
  const a = r.task.attributes;
  const s = (k: string) => Number(a[k] ?? 0).toFixed(1);
  return (
    `CPU ${s(ATTR_PIPESPAN_CPU_TIME)} s, run queue ${s(ATTR_PIPESPAN_RUNQUEUE_DELAY)}, I/O wait ` +
    `${s(ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME)}, blocked ${s(ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME)}, sleep ${s(ATTR_PIPESPAN_OFFCPU_SLEEP_TIME)}`
  );
}

for (const tool of tools) {
  const free = await runTool({ tool, threads });
  const rate = throttleRateFor(free);
  const held = await runTool({ tool, threads, throttleBps: rate });
  console.log(
    `${tool} (${threads} threads, input ${(free.inputBytes / MiB).toFixed(0)} MiB): unthrottled ${free.wallSeconds.toFixed(1)} s ` +
      `[${split(free)}]; throttled to ${(rate / MiB).toFixed(2)} MiB/s ${held.wallSeconds.toFixed(1)} s ` +
      `[${split(held)}]; slow-down ${(held.wallSeconds / free.wallSeconds).toFixed(2)}×`,
  );
  free.dispose();
  held.dispose();
}
