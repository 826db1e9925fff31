// pipespan's own user-space CPU per traced process, without the kernel and without the machine's load in the way:
// an exec storm's source events are recorded once (the kernel source under `pipespan run`), then replayed into the
// same run pipeline (process table, attribution, accounting, spans, journal, metrics, OTLP/JSON files) as often as
// asked, in small batches as the kernel source drains them. Per round: the pipeline's CPU (user+sys of this
// process) over the replayed events, minus an empty run's, per process; then min/median/max.
//
//   node bench/replay-run.ts record FILE [seconds=10] [in-flight=4]   (as root: needs the kernel source)
//   node bench/replay-run.ts replay FILE [rounds=5]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chooseSource, redactArgv, type Source, type SourceEvent, type SourceSink, traceRun } from "@pipespan/agent";
import { helper } from "./lib/helpers.ts";
import { describeLoad, describeMachine } from "./lib/machine.ts";
import { fmtSpread, spread } from "./lib/stats.ts";

interface Recording {
  readonly rootPid: number;
  readonly processes: number;
  readonly events: SourceEvent[];
}

const [mode, file, a3, a4] = process.argv.slice(2);
if ((mode !== "record" && mode !== "replay") || !file) {
  console.error("usage: replay-run.ts record FILE [seconds] [in-flight] | replay FILE [rounds]");
  process.exit(2);
}
const out = mkdtempSync(join(tmpdir(), "pipespan-bench-replay-"));

/** Events per drain: what the kernel source hands over in one 10 ms tick at about 1,000 processes/s. */
const BATCH = 32;

/** Replays a recording: the recorded root becomes the run's own root (a `true` that pipespan starts). */
class ReplaySource implements Source {
  readonly name = "ebpf" as const;
  readonly ioIncludesReapedChildren = false;
  readonly timelineIntervalNs = 500e6;
  #sink: SourceSink | undefined;
  #root = 0;
  readonly rec: Recording | undefined;
  constructor(rec: Recording | undefined) {
    this.rec = rec;
  }
  async start(rootPid: number, sink: SourceSink): Promise<void> {
    this.#sink = sink;
    this.#root = rootPid;
  }
  async stop(): Promise<void> {
    const sink = this.#sink;
    if (!sink || !this.rec) return;
    const from = this.rec.rootPid;
    const to = this.#root;
    const remap = <T extends { pid: number }>(k: T): T => (k.pid === from ? { ...k, pid: to } : k);
    let n = 0;
    for (const e of this.rec.events) {
      let ev = e;
      if ("key" in e) ev = { ...e, key: remap(e.key) } as SourceEvent;
      if (ev.type === "start") {
        ev = { ...ev, ...(ev.ppid === from ? { ppid: to } : {}) };
        if (ev.parentKey) ev = { ...ev, parentKey: remap(ev.parentKey) };
      }
      sink.onEvent(ev);
      if (++n % BATCH === 0) await new Promise((r) => setImmediate(r));
    }
  }
}

async function run(rec: Recording | undefined): Promise<number> {
  const id = `r${Math.random().toString(36).slice(2, 8)}`;
  const before = process.cpuUsage();
  await traceRun({
    command: "true",
    args: [],
    runId: id,
    outDir: out,
    stdio: "ignore",
    forwardSignals: false,
    createSource: () => new ReplaySource(rec),
    redact: (argv) => redactArgv(argv).commandLine,
  });
  const used = process.cpuUsage(before);
  rmSync(join(out, id), { recursive: true, force: true });
  return used.user + used.system;
}

if (mode === "record") {
  const seconds = Number(a3 ?? 10);
  const inFlight = Number(a4 ?? 4);
  const events: SourceEvent[] = [];
  let rootPid = 0;
  const log = join(out, "storm.log");
  await traceRun({
    command: helper("spawn-storm"),
    args: ["-s", String(seconds), "-j", String(inFlight), "-l", log],
    outDir: out,
    stdio: "ignore",
    createSource: async () => {
      const { source } = await chooseSource("ebpf");
      return {
        name: source.name,
        ...(source.ioIncludesReapedChildren !== undefined
          ? { ioIncludesReapedChildren: source.ioIncludesReapedChildren }
          : {}),
        ...(source.timelineIntervalNs !== undefined ? { timelineIntervalNs: source.timelineIntervalNs } : {}),
        start: (pid: number, sink: SourceSink) => {
          rootPid = pid;
          return source.start(pid, {
            onEvent: (e) => {
              events.push(e);
              sink.onEvent(e);
            },
          });
        },
        stop: () => source.stop(),
      } satisfies Source;
    },
    redact: (argv) => redactArgv(argv).commandLine,
  });
  const processes = events.filter((e) => e.type === "start").length;
  writeFileSync(file, JSON.stringify({ rootPid, processes, events } satisfies Recording));
  console.log(`recorded ${events.length} events of ${processes} processes (root pid ${rootPid}) to ${file}`);
} else {
  const rounds = Number(a3 ?? 5);
  const rec = JSON.parse(readFileSync(file, "utf8")) as Recording;
  console.log(`machine: ${describeMachine()}; ${describeLoad()}`);
  console.log(`replaying ${rec.events.length} events of ${rec.processes} processes, ${rounds} rounds`);
  await run(rec); // warm
  const perProcess: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const empty = await run(undefined);
    const full = await run(rec);
    perProcess.push((full - empty) / rec.processes);
    console.log(
      `  round ${i + 1}: ${((full - empty) / rec.processes).toFixed(0)} µs CPU per process ` +
        `(replay ${(full / 1e3).toFixed(0)} ms, empty run ${(empty / 1e3).toFixed(0)} ms)`,
    );
  }
  console.log(`pipespan user-space CPU per process (µs): ${fmtSpread(spread(perProcess), 0)}`);
}
rmSync(out, { recursive: true, force: true });
spawnSync("true");
