import { DEFAULT_RECEIVER_PORT, parseListenAddress, redactArgv, runHostAgent } from "@pipespan/agent";
import { Command, InvalidArgumentError } from "commander";

export function agentCommand(): Command {
  return new Command("agent")
    .description(
      "follow the whole host with eBPF; record Nextflow and Snakemake runs, and the processes of tasks traced elsewhere",
    )
    .option("-o, --out <dir>", "output folder; the agent writes <dir>/agent-<time>/", "./pipespan-runs")
    .option("--duration <seconds>", "stop after this many seconds (default: run until SIGINT/SIGTERM)", parseDuration)
    .option(
      "--listen <address>",
      "receive workflow-manager events (Nextflow -with-weblog, the Snakemake plugin) on this address",
      listenAddress,
      { host: "127.0.0.1", port: DEFAULT_RECEIVER_PORT },
    )
    .option("--no-listen", "do not receive workflow-manager events")
    .addHelpText(
      "after",
      `
A process whose environment carries PIPESPAN_TASK_NAME and a W3C TRACEPARENT (as set by @pipespan/sdk or
\`pipespan task\`), and every process it starts, becomes a process span under that task's span, with what
the kernel measured. Spans go to OTLP/JSON under <out>/agent-<time>/ and, when OTEL_EXPORTER_OTLP_ENDPOINT
is set, over OTLP gRPC. Needs the kernel source: root (or CAP_BPF + CAP_PERFMON) and kernel BTF.
Nextflow and Snakemake runs on the host become traces of their own (run -> task -> process): Nextflow
tasks from their work dirs (also tasks it did not start, on a grid or cloud node), with the weblog for
run names, attempts and requested resources (\`nextflow run … -with-weblog http://127.0.0.1:${DEFAULT_RECEIVER_PORT}\`);
Snakemake 9 jobs by rule and wildcards with \`snakemake --logger pipespan\` (pip install integrations/snakemake).
The receiver listens on loopback unless --listen says otherwise.
To trace one pipeline end to end, \`pipespan run\` is simpler: it needs no agent.`,
    )
    .action(async (opts: AgentOpts, cmd: Command) => {
      cmd.setOptionValue("exitCode", await doAgent(opts));
    });
}

function parseDuration(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 365 * 86400)
    throw new Error(`--duration must be a positive number of seconds, got ${v}`);
  return n;
}

interface AgentOpts {
  out: string;
  duration?: number;
  listen: { host: string; port: number } | false;
}

function listenAddress(v: string): { host: string; port: number } {
  try {
    return parseListenAddress(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

async function doAgent(opts: AgentOpts): Promise<number> {
  const listen = opts.listen === false ? undefined : opts.listen;
  const err = process.stderr;
  let stop: () => void = () => undefined;
  const until = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const onSignal = () => stop();
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(s, onSignal);
  const timer = opts.duration !== undefined ? setTimeout(stop, opts.duration * 1000) : undefined;
  try {
    const r = await runHostAgent(
      {
        outDir: opts.out,
        redact: (argv) => redactArgv(argv).commandLine,
        ...(listen ? { listen } : {}),
        onWarning: (line) => err.write(`pipespan agent: ${line}\n`),
        onReady: ({ dir, detail, url }) =>
          err.write(
            `pipespan agent: following the host with eBPF (${detail}); ${url ? `receiving workflow events on ${url}; ` : ""}writing ${dir}; stop with Ctrl-C\n`,
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
    for (const p of r.exportProblems) err.write(`${p}\n`);
    return 0;
  } finally {
    if (timer) clearTimeout(timer);
    for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.off(s, onSignal);
  }
}
