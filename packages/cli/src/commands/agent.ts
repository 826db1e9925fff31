import { redactArgv, runHostAgent } from "@pipespan/agent";
import { Command } from "commander";

export function agentCommand(): Command {
  return new Command("agent")
    .description("follow the whole host with eBPF; record the processes of tasks traced elsewhere (SDK, pipespan task)")
    .option("-o, --out <dir>", "output folder; the agent writes <dir>/agent-<time>/", "./pipespan-runs")
    .option("--duration <seconds>", "stop after this many seconds (default: run until SIGINT/SIGTERM)", parseDuration)
    .addHelpText(
      "after",
      `
A process whose environment carries PIPESPAN_TASK_NAME and a W3C TRACEPARENT (as set by @pipespan/sdk or
\`pipespan task\`), and every process it starts, becomes a process span under that task's span, with what
the kernel measured. Spans go to OTLP/JSON under <out>/agent-<time>/ and, when OTEL_EXPORTER_OTLP_ENDPOINT
is set, over OTLP gRPC. Needs the kernel source: root (or CAP_BPF + CAP_PERFMON) and kernel BTF.
To trace one pipeline end to end, \`pipespan run\` is simpler: it needs no agent.`,
    )
    .action(async (opts: { out: string; duration?: number }, cmd: Command) => {
      cmd.setOptionValue("exitCode", await doAgent(opts));
    });
}

function parseDuration(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 365 * 86400)
    throw new Error(`--duration must be a positive number of seconds, got ${v}`);
  return n;
}

async function doAgent(opts: { out: string; duration?: number }): Promise<number> {
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
        onWarning: (line) => err.write(`pipespan agent: ${line}\n`),
        onReady: ({ dir, detail }) =>
          err.write(`pipespan agent: following the host with eBPF (${detail}); writing ${dir}; stop with Ctrl-C\n`),
      },
      until,
    );
    err.write(`pipespan agent: recorded ${r.processes} processes, ${r.lostEvents} events lost; files in ${r.dir}\n`);
    for (const p of r.exportProblems) err.write(`${p}\n`);
    return 0;
  } finally {
    if (timer) clearTimeout(timer);
    for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.off(s, onSignal);
  }
}
