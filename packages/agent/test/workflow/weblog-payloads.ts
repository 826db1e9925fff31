// Weblog event payloads in the shape Nextflow (nf-weblog 1.1.x) sends: the envelope, the raw TraceRecord store
// as `trace`, `metadata.{parameters, workflow}` with OffsetDateTime bean dumps. Values are made up.
export const RUN_ID = "4c7a9e02-1b3d-4f58-9a61-2d7e0c5b8f13";
const NOT_KNOWN = 2147483647;
const GiB = 1024 ** 3;

export interface TaskSpec {
  readonly id: number;
  readonly process: string;
  readonly tag?: string;
  readonly hash: string;
  readonly attempt?: number;
  readonly cpus?: number;
  readonly memory?: number;
  readonly time?: number;
  readonly pid?: number;
  readonly workRoot?: string;
}

export function workdirOf(t: TaskSpec): string {
  return `${t.workRoot ?? "/mnt/scratch/rnaseq/work"}/${t.hash.slice(0, 2)}/${t.hash.slice(2)}`;
}

function offsetDateTime(ms: number) {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    monthValue: d.getUTCMonth() + 1,
    month: "MARCH",
    dayOfMonth: d.getUTCDate(),
    dayOfWeek: "MONDAY",
    dayOfYear: 61,
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    nano: 871000000,
    offset: {
      id: "Z",
      totalSeconds: 0,
      rules: { fixedOffset: true, transitions: [], transitionRules: [] },
      availableZoneIds: Intl.supportedValuesOf("timeZone"),
    },
  };
}

function envelope(runName: string, event: string, extra: object): Record<string, unknown> {
  // HashMap order: not the declaration order.
  return { utcTime: "2026-03-02T09:14:05Z", event, runId: RUN_ID, runName, ...extra };
}

export function started(runName: string, o: { resume?: boolean; project?: string } = {}) {
  return envelope(runName, "started", {
    metadata: {
      parameters: { input: "/mnt/scratch/rnaseq/samplesheet.csv", outdir: "results", genome: "GRCh38" },
      workflow: {
        runName,
        sessionId: RUN_ID,
        projectName: o.project ?? "nf-core/rnaseq",
        repository: "https://github.com/nf-core/rnaseq",
        revision: "3.24.0",
        scriptName: "main.nf",
        workDir: "/mnt/scratch/rnaseq/work",
        launchDir: "/mnt/scratch/rnaseq",
        profile: "docker",
        commandLine: "nextflow run nf-core/rnaseq -r 3.24.0 -profile docker -with-weblog http://127.0.0.1:4390",
        resume: o.resume ?? false,
        stubRun: false,
        success: false,
        exitStatus: null,
        errorMessage: null,
        complete: null,
        duration: null,
        start: offsetDateTime(1772442844871),
        nextflow: { version: "25.10.2", build: 10558, timestamp: "2025-12-04T10:31:07Z", enable: { dsl: 2 } },
        manifest: { name: "nf-core/rnaseq", version: "3.24.0", nextflowVersion: "!>=25.04.3" },
        stats: {
          succeededCount: 0,
          cachedCount: 0,
          failedCount: 0,
          ignoredCount: 0,
          computeTimeFmt: "(a few seconds)",
        },
      },
    },
  });
}

function record(t: TaskSpec) {
  return {
    task_id: t.id,
    hash: `${t.hash.slice(0, 2)}/${t.hash.slice(2, 8)}`,
    name: t.tag !== undefined ? `${t.process} (${t.tag})` : t.process,
    process: t.process,
    tag: t.tag ?? null,
    module: [],
    container: "community.wave.seqera.io/library/htslib_samtools_star_gawk:ae438e9a604351a4",
    attempt: t.attempt ?? 1,
    script: "\n    STAR --genomeDir star --runThreadN 12\n    ",
    scratch: null,
    workdir: workdirOf(t),
    queue: null,
    cpus: t.cpus ?? 1,
    memory: t.memory ?? 6 * GiB,
    disk: null,
    time: t.time ?? 57_600_000,
    env: "PYTHONNOUSERSITE=1\nPATH=/home/ubuntu/.nextflow/assets/nf-core/rnaseq/bin:$PATH\n",
    accelerator: null,
    accelerator_type: null,
  };
}

export function submitted(runName: string, t: TaskSpec) {
  return envelope(runName, "process_submitted", {
    trace: { ...record(t), status: "SUBMITTED", exit: NOT_KNOWN, submit: 1772443872402, start: 0 },
  });
}

export function running(runName: string, t: TaskSpec) {
  return envelope(runName, "process_started", {
    trace: {
      ...record(t),
      status: "RUNNING",
      exit: NOT_KNOWN,
      submit: 1772443872402,
      start: 1772443872918,
      native_id: t.pid ?? 48213,
    },
  });
}

export function completed(runName: string, t: TaskSpec, o: { exit?: number; action?: string } = {}) {
  const exit = o.exit ?? 0;
  return envelope(runName, "process_completed", {
    trace: {
      ...record(t),
      status: exit === 0 ? "COMPLETED" : "FAILED",
      exit,
      native_id: t.pid ?? 48213,
      error_action: o.action ?? null,
      submit: 1772443872402,
      start: 1772443872918,
      complete: 1772445527215,
      duration: 1654813,
      realtime: 1651904,
      "%cpu": 1046.3,
      "%mem": 25.8,
      cpu_model: "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz",
      rss: 34359738368,
      vmem: 37580963840,
      peak_rss: 35433480192,
      peak_vmem: 37614518272,
      rchar: 41873526784,
      wchar: 6442450944,
      syscr: 3245871,
      syscw: 1187342,
      read_bytes: 5939134464,
      write_bytes: 6413426688,
      vol_ctxt: 48211,
      inv_ctxt: 90342,
    },
  });
}

export function error(runName: string, trace?: TaskSpec) {
  return envelope(runName, "error", trace ? { trace: { ...record(trace), status: "FAILED", exit: 137 } } : {});
}

export function done(
  runName: string,
  o: { success?: boolean; cached?: number; failed?: number; retries?: number } = {},
) {
  return envelope(runName, "completed", {
    metadata: {
      parameters: { input: "/mnt/scratch/rnaseq/samplesheet.csv", outdir: "results" },
      workflow: {
        runName,
        sessionId: RUN_ID,
        projectName: "nf-core/rnaseq",
        success: o.success ?? true,
        exitStatus: o.success === false ? 1 : 0,
        errorMessage: null,
        errorReport: null,
        duration: 6508129,
        start: offsetDateTime(1772442844871),
        complete: offsetDateTime(1772449353000),
        stats: {
          succeededCount: 3,
          cachedCount: o.cached ?? 0,
          failedCount: o.failed ?? 0,
          ignoredCount: 0,
          retriesCount: o.retries ?? 0,
          peakRunning: 3,
          computeTimeFmt: "25.4",
        },
      },
    },
  });
}

/** A task's three events, in order. */
export function lifecycle(runName: string, t: TaskSpec, o: { exit?: number; action?: string } = {}) {
  return [submitted(runName, t), running(runName, t), completed(runName, t, o)];
}
