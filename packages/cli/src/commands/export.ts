// `pipespan export <run dir>…`: sends what a run (or an agent's folder) wrote to the backend the standard
// OTEL_* variables name — what it has not received yet, or everything with --all. A run whose writer was killed
// is rebuilt first (its run and task spans), so the backend gets the whole of what is on disk.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { planOtlpExportFromEnv, recoverRun, Shipper, signalFiles, UserError } from "@pipespan/agent";
import { RUN_JSON_FILE } from "@pipespan/semconv";
import { Command, Option } from "commander";
import { parseSeconds } from "../errors.js";

/** sysexits.h EX_TEMPFAIL: the backend did not take everything; run it again later. */
export const EXIT_TEMPFAIL = 75;

interface ExportOpts {
  all: boolean;
  stall: number;
}

export function exportCommand(): Command {
  return new Command("export")
    .description("send a run's spans and metrics (or an agent's) to the OTLP backend: what it has not received yet")
    .usage("[options] <run dir | output folder>...")
    .argument("<dirs...>", "run folders written by pipespan run or pipespan agent, or an output folder holding them")
    .option("--all", "send everything again, not only what the backend has not received", false)
    .addOption(
      new Option("--stall <seconds>", "give up on a backend that takes nothing for this long")
        .argParser(parseSeconds("--stall", 1, 3600))
        .default(30_000, "30"),
    )
    .addHelpText(
      "after",
      `
The backend is the one the standard environment names (OTEL_EXPORTER_OTLP_ENDPOINT, _TRACES_/_METRICS_ variants,
_HEADERS, _CERTIFICATE, ...), over OTLP gRPC. What was delivered is recorded in each folder (export-state.json),
so running it again sends only the rest; a run and its export can be interrupted at any point. A run whose
pipespan was killed is rebuilt first (run and task spans, marked incomplete). Ctrl-C stops at once.
Exit code 0 when everything was delivered, 75 when the backend did not take everything (try again later),
2 on bad input.

Examples:
  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317 pipespan export pipespan-runs/20261126T002300Z-3f9a1c
  OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4317 pipespan export pipespan-runs/`,
    )
    .action(async (dirs: string[], opts: ExportOpts, cmd: Command) => {
      cmd.setOptionValue("exitCode", await doExport(dirs, opts));
    });
}

/** The folders to send: each argument that holds telemetry, or the run folders inside an output folder. */
function foldersOf(arg: string): string[] {
  const dir = resolve(arg);
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(dir);
  } catch {
    throw new UserError(`export: ${arg}: no such folder`);
  }
  if (!st.isDirectory()) throw new UserError(`export: ${arg} is not a folder (give a run folder)`);
  if (hasTelemetry(dir)) return [dir];
  let subs: string[] = [];
  try {
    subs = readdirSync(dir)
      .map((n) => join(dir, n))
      .filter((p) => {
        try {
          return statSync(p).isDirectory() && hasTelemetry(p);
        } catch {
          return false;
        }
      })
      .sort();
  } catch {
    /* unreadable: said below */
  }
  if (subs.length === 0) {
    throw new UserError(`export: ${arg} holds no OTLP/JSON files (traces*.jsonl, metrics*.jsonl) and no run folders`);
  }
  return subs;
}

function hasTelemetry(dir: string): boolean {
  return signalFiles(dir, "traces").length > 0 || signalFiles(dir, "metrics").length > 0;
}

async function doExport(args: string[], opts: ExportOpts): Promise<number> {
  const err = process.stderr;
  const plan = planOtlpExportFromEnv(process.env, { propagateFailures: true });
  if (!plan) {
    throw new UserError(
      "export: nothing to export to: set OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / _METRICS_ENDPOINT)",
    );
  }
  for (const w of plan.warnings) err.write(`${w}\n`);
  const folders = [...new Set(args.flatMap(foldersOf))];
  let skip: () => void = () => undefined;
  const interrupted = new Promise<void>((r) => {
    skip = r;
  });
  let stopped = false;
  const onSignal = () => {
    stopped = true;
    skip();
  };
  for (const s of ["SIGINT", "SIGTERM"] as const) process.on(s, onSignal);
  let incompleteFolders = 0;
  try {
    for (const dir of folders) {
      if (stopped) break;
      if (existsSync(join(dir, RUN_JSON_FILE))) {
        const r = await recoverRun(dir);
        if (r.state === "running") {
          err.write(
            `pipespan: ${dir}: still being written${r.pid !== undefined ? ` by pipespan (pid ${r.pid})` : ""}; its own export sends it — skipped\n`,
          );
          incompleteFolders++;
          continue;
        }
        if (r.state === "recovered") {
          err.write(
            `pipespan: ${dir}: incomplete run (writer killed at ${new Date(r.killedAtNs / 1e6).toISOString()}): ` +
              `rebuilt ${r.rebuilt.run ? "the run span and " : ""}${r.rebuilt.tasks} task span(s)\n`,
          );
        }
      }
      const shipper = new Shipper({
        dir,
        ...(plan.traces ? { traces: { endpoint: plan.traces.endpoint, create: plan.traces.create } } : {}),
        ...(plan.metrics ? { metrics: { endpoint: plan.metrics.endpoint, create: plan.metrics.create } } : {}),
        onLine: (line) => err.write(`${line}\n`),
      });
      if (opts.all) shipper.resendAll();
      const announce = setTimeout(
        () => err.write(`pipespan: exporting ${dir} to ${shipper.endpoints.join(", ")} (Ctrl-C to stop)\n`),
        1_000,
      );
      const r = await shipper.drain({ interrupted, stallMs: opts.stall });
      clearTimeout(announce);
      if (r.complete) await shipper.close();
      else shipper.stop();
      const sent = shipper.stats.sent;
      const what = `${sent.traces} span(s) and ${sent.metrics} metric data point(s)`;
      if (r.complete) {
        err.write(
          sent.traces + sent.metrics > 0
            ? `pipespan: ${dir}: sent ${what} to ${shipper.endpoints.join(", ")}\n`
            : `pipespan: ${dir}: nothing to send (the backend has it all; --all sends it again)\n`,
        );
      } else {
        incompleteFolders++;
        const pending = `${r.pendingItems.traces} span(s) and ${r.pendingItems.metrics} metric data point(s)`;
        err.write(
          `pipespan: ${dir}: ${r.interrupted ? "stopped" : `could not export to ${shipper.endpoints.join(", ")} (${shipper.stats.lastError ?? "no answer"})`}` +
            ` after sending ${what}; ${pending} still to send (run this again)\n`,
        );
      }
    }
  } finally {
    for (const s of ["SIGINT", "SIGTERM"] as const) process.off(s, onSignal);
  }
  if (stopped) return 130;
  return incompleteFolders > 0 ? EXIT_TEMPFAIL : 0;
}
