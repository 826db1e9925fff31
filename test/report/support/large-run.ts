// A generated run of many tasks, shaped like an eBPF-source run of `pipespan run` (run span → task spans →
// process spans with CPU, I/O wait, run queue, sleep, block bytes and peak RSS), for the report's size and
// render-time checks. Deterministic: the same count gives the same run.
import {
  ATTR_PIPESPAN_BLOCK_READ_BYTES,
  ATTR_PIPESPAN_BLOCK_WRITE_BYTES,
  ATTR_PIPESPAN_CPU_TIME,
  ATTR_PIPESPAN_MEMORY_PEAK_RSS,
  ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME,
  ATTR_PIPESPAN_OFFCPU_SLEEP_TIME,
  ATTR_PIPESPAN_RUNQUEUE_DELAY,
} from "@pipespan/semconv";
import type { SynthProcess, SynthRun, SynthTask } from "../../findings/support/synthetic.ts";

const STEPS = ["FASTQC", "TRIM", "STAR_ALIGN", "SAMTOOLS_SORT", "SALMON_QUANT", "MULTIQC_PART"];

export function largeRun(tasks: number, hostType = "r6i.4xlarge"): SynthRun {
  const slots = 16;
  const out: SynthTask[] = [];
  const slotFree = new Array<number>(slots).fill(0);
  for (let i = 0; i < tasks; i++) {
    const step = STEPS[i % STEPS.length] as string;
    const slot = i % slots;
    const start = (slotFree[slot] as number) + 0.05;
    const wall = 20 + ((i * 7919) % 97);
    const end = start + wall;
    slotFree[slot] = end;
    // Each step has its own character: STAR waits on storage, SALMON computes, others are mixed.
    const io = step === "STAR_ALIGN" ? 0.6 : step === "SAMTOOLS_SORT" ? 0.35 : 0.05;
    const cpu = step === "SALMON_QUANT" ? 0.9 : step === "STAR_ALIGN" ? 0.25 : 0.5;
    const procs: SynthProcess[] = [0, 1, 2].map((k) => {
      const ps = start + k * 0.01;
      const pe = k === 0 ? end : start + wall * (0.3 + 0.2 * k);
      const pw = pe - ps;
      return {
        name: k === 0 ? "bash" : k === 1 ? step.toLowerCase() : "gzip",
        start: ps,
        end: pe,
        attrs: {
          [ATTR_PIPESPAN_CPU_TIME]: pw * cpu,
          [ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME]: pw * io,
          [ATTR_PIPESPAN_RUNQUEUE_DELAY]: pw * 0.03,
          [ATTR_PIPESPAN_OFFCPU_SLEEP_TIME]: pw * Math.max(0, 1 - cpu - io - 0.03),
          [ATTR_PIPESPAN_BLOCK_READ_BYTES]: Math.round(pw * io * 40e6),
          [ATTR_PIPESPAN_BLOCK_WRITE_BYTES]: Math.round(pw * io * 15e6),
          [ATTR_PIPESPAN_MEMORY_PEAK_RSS]: (200 + ((i * 31 + k * 17) % 1800)) * 1024 * 1024,
        },
      };
    });
    out.push({
      name: `${step} (sample_${String(Math.floor(i / STEPS.length)).padStart(5, "0")})`,
      start,
      end,
      processes: procs,
    });
  }
  const wallS = Math.max(...slotFree) + 1;
  return {
    pipelineName: "generated",
    runId: `generated-${tasks}`,
    source: "ebpf",
    startNs: 1_767_225_600_000_000_000n,
    wallS,
    hostType,
    tasks: out,
  };
}
