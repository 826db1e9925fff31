import {
  DEFAULT_HEALTH_ADDRESS,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_RECEIVER_PORT,
  type ListenAddress,
  parseHealthAddress,
  parseListenAddress,
  redactArgv,
  runHostAgent,
} from "@pipespan/agent";
import { Command, Option } from "commander";
import { InvalidArgument, parseSeconds, parseSize } from "../errors.js";
import { finishRunExport, mapSizeOptions, mapSizes } from "./reliability-options.js";

interface AgentOpts {
  out: string;
  duration?: number;
  listen: { host: string; port: number } | false;
  health: ListenAddress | false;
  maxQueue: number;
  maxProcesses?: number;
  maxThreads?: number;
  ringBuffer?: number;
}

export function agentCommand(): Command {
  const cmd = new Command("agent")
    .description(
      "follow the whole host with eBPF; record Nextflow and Snakemake runs, and the processes of tasks traced elsewhere",
    )
    .option("-o, --out <dir>", "output folder; the agent writes <dir>/agent-<time>/", "./pipespan-runs")
    .addOption(
      new Option("--duration <seconds>", "stop after this many seconds (default: run until SIGINT/SIGTERM)").argParser(
        parseSeconds("--duration", 0.001, 365 * 86_400),
      ),
    )
    .option(
      "--listen <address>",
      "receive workflow-manager events (Nextflow -with-weblog, the Snakemake plugin) on this address",
      listenAddress,
      { host: "127.0.0.1", port: DEFAULT_RECEIVER_PORT },
    )
    .option("--no-listen", "do not receive workflow-manager events")
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
the kernel measured. Nextflow and Snakemake runs on the host become traces of their own (run -> task ->
process): Nextflow tasks from their work dirs (also tasks it did not start, on a grid or cloud node), with the
weblog for run names, attempts and requested resources
(\`nextflow run … -with-weblog http://127.0.0.1:${DEFAULT_RECEIVER_PORT}\`); Snakemake 9 jobs by rule and
wildcards with \`snakemake --logger pipespan\` (pip install integrations/snakemake). The receiver listens on
loopback unless --listen says otherwise.

Spans go to OTLP/JSON under <out>/agent-<time>/ (numbered segments) and, when OTEL_EXPORTER_OTLP_ENDPOINT is
set, over OTLP gRPC: from those files, so a backend that is down loses nothing until the folder reaches
--max-queue (then the oldest segment goes, and what it held unsent is counted). Memory follows the live
processes. Drops are counted by reason and printed; GET /healthz and /metrics on --health (loopback) report
events/s, drops, kernel map fill, the export queue and the agent's RSS, which it also exports over OTLP.
Needs the kernel source: root, or CAP_BPF + CAP_PERFMON (+ CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH to read
the task keys of other users' processes), and kernel BTF; see examples/systemd/.
To trace one pipeline end to end, \`pipespan run\` is simpler: it needs no agent.`,
    )
    .action(async (opts: AgentOpts, c: Command) => {
      c.setOptionValue("exitCode", await doAgent(opts, c.getOptionValueSource("health") !== "default"));
    });
}

function listenAddress(v: string): { host: string; port: number } {
  try {
    return parseListenAddress(v);
  } catch (e) {
    throw new InvalidArgument((e as Error).message);
  }
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
  const listen = opts.listen === false ? undefined : opts.listen;
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
        ...(listen ? { listen } : {}),
        health: opts.health,
        healthRequired,
        maxQueueBytes: opts.maxQueue,
        mapSizes: mapSizes(opts),
        onWarning: (line) => err.write(`pipespan agent: ${line}\n`),
        onReady: ({ dir, detail, health, url }) =>
          err.write(
            `pipespan agent: following the host with eBPF (${detail}); ` +
              `${url ? `receiving workflow events on ${url}; ` : ""}writing ${dir}` +
              `${health ? `; health on ${health}/healthz` : ""}; stop with Ctrl-C\n`,
          ),
      },
      until,
    );
    err.write(
      `pipespan agent: recorded ${r.processes} processes, ${r.lostEvents} events lost` +
        (r.workflowRuns > 0 || r.workflowEvents.received > 0
          ? `, ${r.workflowRuns} workflow runs (${r.workflowEvents.received} workflow events, ${r.workflowEvents.refused} refused)`
          : "") +
        `; files in ${r.dir}\n`,
    );
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
