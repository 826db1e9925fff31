import {
  DEFAULT_HEALTH_ADDRESS,
  DEFAULT_MAX_QUEUE_BYTES,
  type ListenAddress,
  parseHealthAddress,
  redactArgv,
  runHostAgent,
} from "@pipespan/agent";
import { Command, Option } from "commander";
import { InvalidArgument, parseSeconds, parseSize } from "../errors.js";
import { finishRunExport, mapSizeOptions, mapSizes } from "./reliability-options.js";

interface AgentOpts {
  out: string;
  duration?: number;
  health: ListenAddress | false;
  maxQueue: number;
  maxProcesses?: number;
  maxThreads?: number;
  ringBuffer?: number;
}

export function agentCommand(): Command {
  const cmd = new Command("agent")
    .description("follow the whole host with eBPF; record the processes of tasks traced elsewhere (SDK, pipespan task)")
    .option("-o, --out <dir>", "output folder; the agent writes <dir>/agent-<time>/", "./pipespan-runs")
    .addOption(
      new Option("--duration <seconds>", "stop after this many seconds (default: run until SIGINT/SIGTERM)").argParser(
        parseSeconds("--duration", 0.001, 365 * 86_400),
      ),
    )
    .addOption(
      new Option("--health <address>", "serve /healthz and /metrics (Prometheus) here; 'off' for none")
        .argParser(healthAddress)
        .default(DEFAULT_HEALTH_ADDRESS, `${DEFAULT_HEALTH_ADDRESS.host}:${DEFAULT_HEALTH_ADDRESS.port}`),
    )
    .addOption(
      new Option("--max-queue <size>", "bound of the agent's folder as the export queue (e.g. 512M, 2G)")
        .argParser(parseSize("--max-queue", 4 * 1024 * 1024, 1024 ** 4))
        .default(DEFAULT_MAX_QUEUE_BYTES, "1G"),
    );
  for (const o of mapSizeOptions()) cmd.addOption(o);
  return cmd
    .addHelpText(
      "after",
      `
A process whose environment carries PIPESPAN_TASK_NAME and a W3C TRACEPARENT (as set by @pipespan/sdk or
\`pipespan task\`), and every process it starts, becomes a process span under that task's span, with what
the kernel measured. Spans go to OTLP/JSON under <out>/agent-<time>/ (numbered segments) and, when
OTEL_EXPORTER_OTLP_ENDPOINT is set, over OTLP gRPC: from those files, so a backend that is down loses nothing
until the folder reaches --max-queue (then the oldest segment goes, and what it held unsent is counted).
Memory follows the live processes. Drops are counted by reason and printed; GET /healthz and /metrics on
--health (loopback) report events/s, drops, kernel map fill, the export queue and the agent's RSS, which it
also exports over OTLP. Needs the kernel source: root, or CAP_BPF + CAP_PERFMON (+ CAP_SYS_RESOURCE on
kernels that charge BPF maps to RLIMIT_MEMLOCK), and kernel BTF; see examples/systemd/.
To trace one pipeline end to end, \`pipespan run\` is simpler: it needs no agent.`,
    )
    .action(async (opts: AgentOpts, c: Command) => {
      c.setOptionValue("exitCode", await doAgent(opts, c.getOptionValueSource("health") !== "default"));
    });
}

function healthAddress(v: string): ListenAddress | false {
  if (v.trim().toLowerCase() === "off") return false;
  try {
    return parseHealthAddress(v);
  } catch (err) {
    throw new InvalidArgument((err as Error).message);
  }
}

async function doAgent(opts: AgentOpts, healthRequired: boolean): Promise<number> {
  const err = process.stderr;
  let stop: () => void = () => undefined;
  const until = new Promise<void>((resolve) => {
    stop = resolve;
  });
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals === 1) err.write(`pipespan agent: ${sig}: stopping (flushing what is recorded)\n`);
    stop();
  };
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(s, onSignal);
  const timer = opts.duration !== undefined ? setTimeout(stop, opts.duration) : undefined;
  try {
    const r = await runHostAgent(
      {
        outDir: opts.out,
        redact: (argv) => redactArgv(argv).commandLine,
        health: opts.health,
        healthRequired,
        maxQueueBytes: opts.maxQueue,
        mapSizes: mapSizes(opts),
        onWarning: (line) => err.write(`pipespan agent: ${line}\n`),
        onReady: ({ dir, detail, health }) =>
          err.write(
            `pipespan agent: following the host with eBPF (${detail}); writing ${dir}` +
              `${health ? `; health on ${health}/healthz` : ""}; stop with Ctrl-C\n`,
          ),
      },
      until,
    );
    err.write(`pipespan agent: recorded ${r.processes} processes, ${r.lostEvents} events lost; files in ${r.dir}\n`);
    if (r.dropsLine) err.write(`${r.dropsLine}\n`);
    for (const p of r.exportProblems) err.write(`${p}\n`);
    for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.off(s, onSignal);
    await finishRunExport(r.export, "pipespan agent");
    return 0;
  } finally {
    if (timer) clearTimeout(timer);
    for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.off(s, onSignal);
  }
}
