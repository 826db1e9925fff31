// The report's data: one JSON document embedded in the HTML file and read by the page's script. Built from the
// findings package's run model and analysis (spans only). Compact on purpose, so a 10k-task run stays a few MB:
// tasks and processes are columns (one array per field), numbers are rounded, and unmeasured values are null.
//
// The page treats every string in here as untrusted text (task and process names come from the traced
// commands): it is escaped wherever it reaches HTML.

/** Bumped when the page can no longer read an older document. */
export const REPORT_DATA_VERSION = 1;

export type Num = number | null;

export interface ReportRun {
  /** "A" or "B" in a comparison; absent for a single run. */
  label?: string;
  runId?: string;
  pipelineName?: string;
  traceId: string;
  /** pipespan.run.source: ebpf or procfs. */
  source?: string;
  /** ISO 8601 start of the run. */
  startIso: string;
  wallS: number;
  tasks: number;
  processes: number;
  /** Exit code and result from run.json, when the folder has one. */
  exitCode?: number;
  failedTasks: number;
  instance?: ReportInstance;
  /** Where the instance type came from: the --instance option, or host.type on the spans' resource. */
  instanceFrom?: string;
  /** Totals of the run (run span, or sums over processes). */
  cpuS: Num;
  ioWaitS: Num;
  runqueueS: Num;
  storageBytes: Num;
  peakRssBytes: Num;
  costUsd?: number;
}

export interface ReportInstance {
  type: string;
  vcpu: number;
  memoryBytes: number;
  /** EBS baseline, bytes/s (undefined where only an "up to" figure is published). */
  ebsBaselineBps?: number;
  /** Network baseline per direction, bytes/s. */
  networkBaselineBps?: number;
  pricePerHourUsd: number;
}

/** Per-task columns: index i of every array is task i (ordered by start time). */
export interface ReportTasks {
  name: string[];
  /** pipespan.task.attempt, when known. */
  attempt: Num[];
  /** Seconds from the run's start. */
  start: number[];
  end: number[];
  /** Thread seconds on a CPU, in I/O wait, runnable but waiting, asleep (null: not measured). */
  cpu: Num[];
  io: Num[];
  rq: Num[];
  sleep: Num[];
  /** Where the wall time went: shares of wall for CPU, I/O wait, run queue and the rest (sum 1). */
  split: [number, number, number, number][];
  /** True when `split` comes from measured off-CPU time; false: CPU over wall only (procfs), the rest unknown. */
  measuredSplit: boolean[];
  /** Storage bytes read and written (block layer or I/O accounting), network bytes (tx + rx). */
  readBytes: Num[];
  writeBytes: Num[];
  netBytes: Num[];
  peakRss: Num[];
  /** Number of processes, and whether the task failed. */
  procs: number[];
  failed: boolean[];
  /** Index of the first listed process of each task in ReportProcesses (processes of a task are contiguous). */
  procFrom: number[];
  /** How many processes of the task are listed (the longest ones; `procs` is the full count). */
  procListed: number[];
  /** Where the time went over the task's life, in columns, when the spans carry per-task timelines. */
  buckets?: (ReportBuckets | null)[];
}

export interface ReportBuckets {
  /** Column width, seconds; column k starts at task start + k × interval (the last may end early, at the task's end). */
  interval: number;
  /** Shares of each column's wall time on CPU, in I/O wait, in the run queue (the rest is other). */
  cpu: number[];
  io: number[];
  rq: number[];
}

/** Per-process columns, grouped by task (see ReportTasks.procFrom). */
export interface ReportProcesses {
  name: string[];
  pid: Num[];
  start: number[];
  end: number[];
  cpu: Num[];
  io: Num[];
  peakRss: Num[];
  exitCode: Num[];
  failed: boolean[];
}

/** The run's resource profile over time (bins of equal width from the run's start). */
export interface ReportProfile {
  binS: number;
  /** CPU cores busy on average. */
  cores: number[];
  /** Storage bytes/s, read + write. */
  storageBps: number[];
  netTxBps: number[];
  netRxBps: number[];
  /** Upper bound of resident bytes. */
  rssBytes: number[];
  /** Extra series (e.g. per storage device), drawn on the storage chart when present. */
  storageDevices?: { name: string; bps: number[] }[];
  /** What each series is, in words (how it was derived). */
  notes: string[];
}

/** A finding, generic over the rule: the page renders every rule the same way. */
export interface ReportFinding {
  rule: string;
  severity: string;
  /** The task, process or "(run)" the finding is about. */
  subject: string;
  summary: string;
  evidence: Record<string, number | string | boolean | null>;
  advice: string;
}

export interface ReportInsufficient {
  rule: string;
  reason: string;
  tasks: string[];
  count: number;
}

export interface ReportRecommendation {
  instanceType: string;
  estRuntimeS: number;
  speedup: number;
  estCostUsd: number;
  costChange: number;
  breakEvenSpeedup: number;
  bindingLimit: string;
  vcpu: number;
  memoryGib: number;
  summary: string;
}

export interface ReportCost {
  baseline?: { instanceType: string; runtimeS: number; pricePerHourUsd: number; costUsd: number };
  bindingLimitNow?: string;
  recommendations: ReportRecommendation[];
  /** Why there is no recommendation (missing data), or why none qualified. */
  refused?: string;
  note?: string;
  assumptions: string[];
}

export interface ReportDiffTask {
  name: string;
  /** Attempt or occurrence that was matched, when a name repeats. */
  which?: string;
  aWallS: number;
  bWallS: number;
  dWallS: number;
  /** Changes of thread seconds (null: not measured in both runs). */
  dCpuS: Num;
  dIoWaitS: Num;
  dRunqueueS: Num;
  /** Where the change went, in words, e.g. "I/O wait +4.1 s". */
  where: string;
  cause: string;
}

export interface ReportDiff {
  a: ReportRun;
  b: ReportRun;
  verdict: string[];
  tasks: ReportDiffTask[];
  onlyA: string[];
  onlyB: string[];
}

export interface ReportData {
  version: number;
  generatedIso: string;
  generator: string;
  run: ReportRun;
  tasks: ReportTasks;
  processes: ReportProcesses;
  profile: ReportProfile;
  /** null: the run was not analysed (pipespan run --no-findings). */
  findings: ReportFinding[] | null;
  /** Findings left out of the document, by rule (only the first ones of a rule are kept). */
  findingsOmitted: Record<string, number>;
  insufficient: ReportInsufficient[];
  cost: ReportCost | null;
  diff?: ReportDiff;
  /** One line each: problems that did not stop the report (warnings while reading the run). */
  warnings: string[];
}
