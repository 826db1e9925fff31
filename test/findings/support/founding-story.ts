// The founding story as a synthetic run: about 3 h on r6i.16xlarge (64 vCPUs, 512 GiB, EBS baseline 20000 Mbit/s
// = 2500 MB/s, $4.032/h), CPU well under 25% of the vCPUs, peak memory ~60 GiB, and storage at the EBS baseline
// for most of the run, as the eBPF source would describe it.
import {
  ATTR_PIPESPAN_BLOCK_READ_BYTES,
  ATTR_PIPESPAN_BLOCK_WRITE_BYTES,
  ATTR_PIPESPAN_CPU_TIME,
  ATTR_PIPESPAN_DISK_READ_BYTES,
  ATTR_PIPESPAN_DISK_WRITE_BYTES,
  ATTR_PIPESPAN_MEMORY_MAJOR_FAULTS,
  ATTR_PIPESPAN_MEMORY_PEAK_RSS,
  ATTR_PIPESPAN_NETWORK_RX_BYTES,
  ATTR_PIPESPAN_NETWORK_TX_BYTES,
  ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME,
  ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME,
  ATTR_PIPESPAN_OFFCPU_SLEEP_TIME,
  ATTR_PIPESPAN_RUNQUEUE_DELAY,
  ATTR_PIPESPAN_TASK_REQUESTED_CPUS,
} from "@pipespan/semconv";
import type { AttrValue, SynthRun } from "./synthetic.ts";

export const GiB = 1024 ** 3;
export const MB = 1e6;

export interface Measured {
  cpu?: number;
  io?: number;
  blocked?: number;
  rq?: number;
  sleep?: number;
  blockRead?: number;
  blockWrite?: number;
  diskRead?: number;
  diskWrite?: number;
  rss?: number;
  majflt?: number;
  tx?: number;
  rx?: number;
}

/** Measurement attributes as the eBPF source writes them (seconds, bytes). Undefined fields are left out. */
export function measured(m: Measured): Record<string, AttrValue> {
  const a: Record<string, AttrValue> = {};
  const put = (k: string, v: number | undefined) => {
    if (v !== undefined) a[k] = v;
  };
  put(ATTR_PIPESPAN_CPU_TIME, m.cpu);
  put(ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME, m.io);
  put(ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME, m.blocked);
  put(ATTR_PIPESPAN_RUNQUEUE_DELAY, m.rq);
  put(ATTR_PIPESPAN_OFFCPU_SLEEP_TIME, m.sleep);
  put(ATTR_PIPESPAN_BLOCK_READ_BYTES, m.blockRead);
  put(ATTR_PIPESPAN_BLOCK_WRITE_BYTES, m.blockWrite);
  put(ATTR_PIPESPAN_DISK_READ_BYTES, m.diskRead);
  put(ATTR_PIPESPAN_DISK_WRITE_BYTES, m.diskWrite);
  put(ATTR_PIPESPAN_MEMORY_PEAK_RSS, m.rss);
  put(ATTR_PIPESPAN_MEMORY_MAJOR_FAULTS, m.majflt);
  put(ATTR_PIPESPAN_NETWORK_TX_BYTES, m.tx);
  put(ATTR_PIPESPAN_NETWORK_RX_BYTES, m.rx);
  return a;
}

/**
 * The story's numbers, in thread seconds and bytes. STAR_ALIGN (0–9600 s) keeps 4 cores busy and ~11 threads
 * blocked in D state while reading 2000 MB/s and writing 400 MB/s; FASTQC runs beside it for the first 1200 s
 * at 100 MB/s, so together they sit exactly at the 2500 MB/s baseline, and STAR alone at 96% of it.
 */
export const STORY = {
  instanceType: "r6i.16xlarge",
  wallS: 10_800,
  tasks: {
    FASTQC: { start: 0, end: 1200, cpu: 2400, io: 600, rq: 10, sleep: 100, bps: 100 * MB, rss: 0.5 * GiB },
    STAR_ALIGN: {
      start: 0,
      end: 9600,
      cpu: 38_400,
      io: 105_600,
      rq: 200,
      sleep: 9600,
      readBps: 2000 * MB,
      writeBps: 400 * MB,
      rss: 59.5 * GiB,
    },
    SAMTOOLS_SORT: { start: 9600, end: 10_500, cpu: 7200, io: 3600, rq: 50, sleep: 0, bps: 1200 * MB, rss: 2 * GiB },
    MULTIQC: { start: 10_500, end: 10_800, cpu: 270, io: 10, rq: 1, sleep: 20, bps: 5 * MB, rss: 1 * GiB },
  },
} as const;

export function foundingStory(startNs = 1_767_225_600_000_000_000n): SynthRun {
  const t = STORY.tasks;
  const w = (x: { start: number; end: number }) => x.end - x.start;
  return {
    pipelineName: "rnaseq",
    runId: "founding-story",
    source: "ebpf",
    startNs,
    wallS: STORY.wallS,
    hostType: STORY.instanceType,
    tasks: [
      {
        name: "FASTQC",
        start: t.FASTQC.start,
        end: t.FASTQC.end,
        processes: [
          {
            name: "fastqc",
            start: t.FASTQC.start,
            end: t.FASTQC.end,
            attrs: measured({
              cpu: t.FASTQC.cpu,
              io: t.FASTQC.io,
              rq: t.FASTQC.rq,
              sleep: t.FASTQC.sleep,
              blockRead: t.FASTQC.bps * w(t.FASTQC),
              blockWrite: 0,
              rss: t.FASTQC.rss,
              majflt: 10,
            }),
          },
        ],
      },
      {
        name: "STAR_ALIGN",
        start: t.STAR_ALIGN.start,
        end: t.STAR_ALIGN.end,
        attrs: { [ATTR_PIPESPAN_TASK_REQUESTED_CPUS]: 16 },
        processes: [
          {
            // The task's wrapper shell: waits for STAR the whole time.
            name: "bash",
            start: t.STAR_ALIGN.start,
            end: t.STAR_ALIGN.end,
            attrs: measured({ cpu: 0.5, io: 0, rq: 0, sleep: w(t.STAR_ALIGN), rss: 4 * 1024 ** 2, majflt: 0 }),
            children: [
              {
                name: "STAR",
                start: t.STAR_ALIGN.start,
                end: t.STAR_ALIGN.end,
                attrs: measured({
                  cpu: t.STAR_ALIGN.cpu,
                  io: t.STAR_ALIGN.io,
                  rq: t.STAR_ALIGN.rq,
                  sleep: t.STAR_ALIGN.sleep,
                  blockRead: t.STAR_ALIGN.readBps * w(t.STAR_ALIGN),
                  blockWrite: t.STAR_ALIGN.writeBps * w(t.STAR_ALIGN),
                  rss: t.STAR_ALIGN.rss,
                  majflt: 200,
                  tx: 0,
                  rx: 0,
                }),
              },
            ],
          },
        ],
      },
      {
        name: "SAMTOOLS_SORT",
        start: t.SAMTOOLS_SORT.start,
        end: t.SAMTOOLS_SORT.end,
        processes: [
          {
            name: "samtools",
            start: t.SAMTOOLS_SORT.start,
            end: t.SAMTOOLS_SORT.end,
            attrs: measured({
              cpu: t.SAMTOOLS_SORT.cpu,
              io: t.SAMTOOLS_SORT.io,
              rq: t.SAMTOOLS_SORT.rq,
              sleep: t.SAMTOOLS_SORT.sleep,
              blockRead: (t.SAMTOOLS_SORT.bps / 2) * w(t.SAMTOOLS_SORT),
              blockWrite: (t.SAMTOOLS_SORT.bps / 2) * w(t.SAMTOOLS_SORT),
              rss: t.SAMTOOLS_SORT.rss,
              majflt: 5,
            }),
          },
        ],
      },
      {
        name: "MULTIQC",
        start: t.MULTIQC.start,
        end: t.MULTIQC.end,
        processes: [
          {
            name: "multiqc",
            start: t.MULTIQC.start,
            end: t.MULTIQC.end,
            attrs: measured({
              cpu: t.MULTIQC.cpu,
              io: t.MULTIQC.io,
              rq: t.MULTIQC.rq,
              sleep: t.MULTIQC.sleep,
              blockRead: t.MULTIQC.bps * w(t.MULTIQC),
              blockWrite: 0,
              rss: t.MULTIQC.rss,
              majflt: 3,
            }),
          },
        ],
      },
    ],
  };
}
