// Export throughput to a real Collector over OTLP gRPC: `npm run bench:export` (or `node bench/export.ts` after
// `npm run build`). Options: RATE=60000 (spans/s offered), DURATION_S=15 (seconds per round), ROUNDS=3,
// COMPARE=0 (skip the read-back rounds).
//
// pipespan's own export path, in one process as in `pipespan run` and `pipespan agent`: spans shaped like process
// spans (15 measurement attributes) are ended through the OTel SDK at RATE, the batch span processor writes them
// to the run folder's traces.jsonl, and the shipper sends the file on to the Collector (bench/collector-export.yaml,
// the OCB-built otelcol-pipespan from scripts/backends/build.sh, on free loopback ports). What the Collector
// received comes from its own metrics (otelcol_receiver_accepted_spans), read every 250 ms. The shipper gets the
// spans just written handed over (no parse of the line); each round is run beside one where it reads every line
// back from the file (maxHeldSpans 0, the path before the hand-over, and still the path of a replay), alternating
// which goes first, and the ratio of the two is printed round by round: the machine is shared and noisy.
//
// Per round it prints the sustained rate — spans the Collector accepted / (its last accept − the first span's end),
// i.e. the whole path kept up for that long — and every drop: the batch queue's (span_queue_full), the shipper's,
// the Collector's refusals, and spans ended but never received. Then min/median/max over the rounds, and a result
// file for `npm run bench` (bench/.results/export.json). Not a test: it asserts nothing.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTelemetry } from "@pipespan/agent";
import {
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_PIPESPAN_BLOCK_READ_BYTES,
  ATTR_PIPESPAN_BLOCK_WRITE_BYTES,
  ATTR_PIPESPAN_CPU_SYSTEM_TIME,
  ATTR_PIPESPAN_CPU_TIME,
  ATTR_PIPESPAN_CPU_USER_TIME,
  ATTR_PIPESPAN_MEMORY_MAJOR_FAULTS,
  ATTR_PIPESPAN_MEMORY_PEAK_RSS,
  ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME,
  ATTR_PIPESPAN_OFFCPU_SLEEP_TIME,
  ATTR_PIPESPAN_RUNQUEUE_DELAY,
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_EXIT_CODE,
  ATTR_PROCESS_PARENT_PID,
  ATTR_PROCESS_PID,
} from "@pipespan/semconv";
import { BENCH_DIR, REPO_ROOT } from "./lib/helpers.ts";
import { describeLoad, describeMachine } from "./lib/machine.ts";
import { type Figure, saveResult } from "./lib/results.ts";
import { fmtCompact, fmtSpread, sleep, spread } from "./lib/stats.ts";

const RATE = Number(process.env["RATE"] ?? 60_000);
const SECONDS = Number(process.env["DURATION_S"] ?? 15);
const ROUNDS = Number(process.env["ROUNDS"] ?? 3);
/** COMPARE=0: only the default path (handed over); otherwise each round also runs the read-back path, alternating. */
const COMPARE = process.env["COMPARE"] !== "0";
const GOAL = 50_000;

/** The Collector binary: $PIPESPAN_OTELCOL_BIN, else the cached build (built now when missing; needs Go). */
function collectorBin(): string {
  const fromEnv = process.env["PIPESPAN_OTELCOL_BIN"];
  if (fromEnv) return fromEnv;
  const where = () =>
    execFileSync("bash", ["-c", 'source scripts/backends/lib.sh && printf %s "$OTELCOL_BIN"'], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
  let bin = where();
  if (!existsSync(bin)) {
    console.log("building the Collector (scripts/backends/build.sh) ...");
    execFileSync("bash", ["scripts/backends/build.sh"], { cwd: REPO_ROOT, stdio: ["ignore", "inherit", "inherit"] });
    bin = where();
  }
  return bin;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      const port = typeof a === "object" && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface Collector {
  grpc: string;
  /** Spans accepted and refused by its OTLP receiver so far. */
  counts(): Promise<{ accepted: number; refused: number }>;
  stop(): Promise<void>;
}

async function startCollector(bin: string): Promise<Collector> {
  const [grpc, health, telemetry] = await Promise.all([freePort(), freePort(), freePort()]);
  const child = spawn(bin, ["--config", join(BENCH_DIR, "collector-export.yaml")], {
    env: {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      HOME: process.env["HOME"] ?? "/root",
      BENCH_OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
      BENCH_HEALTH_ENDPOINT: `127.0.0.1:${health}`,
      BENCH_TELEMETRY_PORT: String(telemetry),
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (d) => {
    log = (log + d).slice(-4000);
  });
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  const stop = async () => {
    if (exited) return;
    const done = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGTERM");
    const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await done;
    clearTimeout(t);
  };
  const counts = async () => {
    const text = await (await fetch(`http://127.0.0.1:${telemetry}/metrics`)).text();
    const sum = (name: string) => {
      let n = 0;
      for (const m of text.matchAll(new RegExp(`^${name}(?:_total)?(?:\\{[^}]*\\})? ([0-9.e+]+)$`, "gm"))) {
        n += Number(m[1]);
      }
      return n;
    };
    return { accepted: sum("otelcol_receiver_accepted_spans"), refused: sum("otelcol_receiver_refused_spans") };
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`the Collector exited during startup:\n${log}`);
    try {
      if ((await fetch(`http://127.0.0.1:${health}/`)).ok) {
        await counts();
        break;
      }
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the Collector was not healthy within 30 s:\n${log}`);
    }
    await sleep(200);
  }
  return { grpc: `127.0.0.1:${grpc}`, counts, stop };
}

interface Round {
  offered: number;
  ended: number;
  sustained: number;
  duringGeneration: number;
  queueDropped: number;
  shipperDropped: number;
  refused: number;
  missing: number;
  seconds: number;
  /** CPU time of this process (user + system) per span received: making, writing and shipping it. */
  cpuUsPerSpan: number;
}

/** The two ways the shipper can get at the spans: handed over in memory (the default), or read back from the file. */
type Path = "handed over" | "read back";

async function round(collector: Collector, n: number, path: Path): Promise<Round> {
  const dir = mkdtempSync(join(process.env["PIPESPAN_TEST_SCRATCH"] ?? tmpdir(), "pipespan-bench-export-"));
  try {
    const telemetry = await createTelemetry({
      runDir: dir,
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://${collector.grpc}`,
        OTEL_METRICS_EXPORTER: "none",
      },
      onWarning: (w) => console.log(`  ${w}`),
      ...(path === "read back" ? { shipper: { maxHeldSpans: 0 } } : {}),
    });
    const tracer = telemetry.tracerProvider.getTracer("pipespan");
    const base = await collector.counts();
    const samples: { t: number; accepted: number }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push({ t: performance.now(), accepted: (await collector.counts()).accepted - base.accepted });
        await sleep(250);
      }
    })();

    // Offer RATE spans/s for SECONDS, in small slices so the writer and the shipper get their turns.
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let ended = 0;
    for (;;) {
      const now = performance.now();
      if (now - t0 >= SECONDS * 1000) break;
      const due = Math.min(Math.floor(((now - t0) / 1000) * RATE), ended + 2_000);
      for (; ended < due; ended++) {
        const span = tracer.startSpan("tool", {
          attributes: {
            [ATTR_PROCESS_PID]: 10_000 + (ended % 4_000_000),
            [ATTR_PROCESS_PARENT_PID]: 9_999,
            [ATTR_PROCESS_EXECUTABLE_NAME]: "tool",
            [ATTR_PROCESS_EXIT_CODE]: 0,
            [ATTR_CICD_PIPELINE_TASK_NAME]: `TASK_${ended % 200}`,
            [ATTR_CICD_PIPELINE_TASK_RUN_ID]: `TASK_${ended % 200}-${Math.floor(ended / 50)}`,
            [ATTR_PIPESPAN_CPU_TIME]: 0.61,
            [ATTR_PIPESPAN_CPU_USER_TIME]: 0.5,
            [ATTR_PIPESPAN_CPU_SYSTEM_TIME]: 0.11,
            [ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME]: 0.3,
            [ATTR_PIPESPAN_OFFCPU_SLEEP_TIME]: 0.05,
            [ATTR_PIPESPAN_RUNQUEUE_DELAY]: 0.02,
            [ATTR_PIPESPAN_BLOCK_READ_BYTES]: 20_000_000,
            [ATTR_PIPESPAN_BLOCK_WRITE_BYTES]: 5_000_000,
            [ATTR_PIPESPAN_MEMORY_PEAK_RSS]: 209_715_200,
            [ATTR_PIPESPAN_MEMORY_MAJOR_FAULTS]: 3,
          },
        });
        span.end();
      }
      await sleep(2);
    }
    const genSeconds = (performance.now() - t0) / 1000;
    const atGenEnd = (await collector.counts()).accepted - base.accepted;

    // Everything ended goes to the file, then to the Collector.
    const problems = await telemetry.closeLocal();
    for (const p of problems) console.log(`  ${p}`);
    const shipper = telemetry.shipper;
    if (!shipper) throw new Error("no shipper: OTEL_EXPORTER_OTLP_ENDPOINT was not taken");
    await shipper.drain({ stallMs: 30_000 });
    await shipper.close();
    const deadline = performance.now() + 30_000;
    let last = await collector.counts();
    while (last.accepted - base.accepted < ended && performance.now() < deadline) {
      await sleep(100);
      last = await collector.counts();
    }
    sampling = false;
    await sampler;
    const received = last.accepted - base.accepted;
    const cpu = process.cpuUsage(cpu0);
    // When the Collector accepted its last span: the first sample that reached the final count.
    samples.push({ t: performance.now(), accepted: received });
    const lastAt = samples.find((s) => s.accepted >= received)?.t ?? performance.now();
    const seconds = (lastAt - t0) / 1000;
    const r: Round = {
      offered: ended / genSeconds,
      ended,
      sustained: received / seconds,
      duringGeneration: atGenEnd / genSeconds,
      queueDropped: telemetry.spanQueue.dropped,
      shipperDropped: shipper.stats.dropped.traces,
      refused: last.refused - base.refused,
      missing: ended - received,
      seconds,
      cpuUsPerSpan: (cpu.user + cpu.system) / Math.max(1, received),
    };
    const f = (x: number) => Math.round(x).toLocaleString("en-US");
    console.log(
      `round ${n} (${path}): ${f(r.ended)} spans ended (${f(r.offered)}/s offered); the Collector accepted ${f(received)} ` +
        `by ${r.seconds.toFixed(1)} s: ${f(r.sustained)} spans/s sustained (${f(r.duringGeneration)}/s while ` +
        `spans were being made); dropped: ${r.queueDropped} batch queue, ${r.shipperDropped} export, ` +
        `${r.refused} refused, ${r.missing} missing; ${f(shipper.stats.handedOver)} sent from memory; ${r.cpuUsPerSpan.toFixed(1)} µs CPU per span — ${describeLoad()}`,
    );
    return r;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`export benchmark: ${describeMachine()}`);
console.log(
  `offering ${RATE.toLocaleString("en-US")} spans/s for ${SECONDS} s, ${ROUNDS} round(s)` +
    (COMPARE ? ", each beside a round of the read-back path (COMPARE=0: without)" : ""),
);
const collector = await startCollector(collectorBin());
const rounds: Round[] = [];
const readBack: Round[] = [];
try {
  for (let i = 1; i <= ROUNDS; i++) {
    // Alternate which path goes first, so that a trend in the machine's load favours neither.
    const order: Path[] = !COMPARE
      ? ["handed over"]
      : i % 2
        ? ["handed over", "read back"]
        : ["read back", "handed over"];
    for (const path of order) (path === "handed over" ? rounds : readBack).push(await round(collector, i, path));
  }
} finally {
  await collector.stop();
}
const sustained = spread(rounds.map((r) => r.sustained));
const drops = rounds.reduce((n, r) => n + r.queueDropped + r.shipperDropped + r.refused + r.missing, 0);
const rss = process.resourceUsage().maxRSS / 1024;
console.log(`sustained spans/s received by the Collector: ${fmtSpread(sustained, 0)}`);
const compared: Figure[] = [];
if (COMPARE) {
  const old = spread(readBack.map((r) => r.sustained));
  const ratios = spread(rounds.map((r, i) => r.sustained / (readBack[i]?.sustained ?? Number.NaN)));
  const oldDrops = readBack.reduce((n, r) => n + r.queueDropped + r.shipperDropped + r.refused + r.missing, 0);
  console.log(`  read back from the file instead: ${fmtSpread(old, 0)}, dropped ${oldDrops}`);
  console.log(`  handed over / read back, round by round: ${fmtSpread(ratios, 2, "×")}`);
  const cpuNew = spread(rounds.map((r) => r.cpuUsPerSpan));
  const cpuOld = spread(readBack.map((r) => r.cpuUsPerSpan));
  const cpuRatios = spread(rounds.map((r, i) => r.cpuUsPerSpan / (readBack[i]?.cpuUsPerSpan ?? Number.NaN)));
  console.log(
    `  CPU of this process per span (make + write + ship), µs: handed over ${fmtSpread(cpuNew, 1)}, read back ` +
      `${fmtSpread(cpuOld, 1)}; ratio round by round ${fmtSpread(cpuRatios, 2, "×")}`,
  );
  compared.push(
    {
      what: "export: sustained rate, spans handed over / read back from the file (same run, round by round)",
      measured: fmtCompact(ratios, 2),
      goal: "> 1",
      ok: ratios.median > 1,
    },
    {
      what: "export: CPU µs per span of the process (make + write + ship), handed over vs read back",
      measured: `${cpuNew.median.toFixed(1)} vs ${cpuOld.median.toFixed(1)}`,
      goal: "lower",
      ok: cpuNew.median < cpuOld.median,
    },
  );
}
console.log(`dropped, all rounds: ${drops} (goal 0); peak RSS of this process ${rss.toFixed(0)} MB`);
console.log(
  `goal ≥ ${GOAL.toLocaleString("en-US")} spans/s with 0 dropped: ${sustained.median >= GOAL && drops === 0 ? "met" : "not met"}`,
);
saveResult("export", "npm run bench:export", [
  {
    what: "export: spans/s sustained to a real Collector over OTLP gRPC (SDK → file → shipper)",
    measured: fmtCompact(sustained, 0),
    goal: `≥ ${GOAL}`,
    ok: sustained.median >= GOAL,
    load: describeLoad(),
  },
  {
    what: "export: spans dropped (batch queue, export, refused, missing)",
    measured: String(drops),
    goal: "0",
    ok: drops === 0,
  },
  ...compared,
]);
