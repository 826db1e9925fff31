// The end of a run's remote export: what the backend has not taken yet is sent now. A quick backend is not
// noticed; one that is slow or down gets one line — "exporting to … (Ctrl-C to skip)" — after a second, and
// SIGINT/SIGTERM skip the wait at once. Nothing is lost either way: what was not sent stays in the run folder,
// and `pipespan export <run dir>` (or the next run in the same folder) sends it.
import type { Shipper } from "../export/shipper.js";
import type { RunStateFile } from "./run-state.js";

export interface RunExportOutcome {
  readonly complete: boolean;
  /** The user skipped the wait (a signal). */
  readonly skipped: boolean;
  /** One line per problem (nothing when complete). */
  readonly problems: readonly string[];
  readonly sent: { readonly traces: number; readonly metrics: number };
  readonly pendingItems: { readonly traces: number; readonly metrics: number };
}

export interface FinishExportOptions {
  /** Where the "exporting to …" line goes. */
  readonly onLine?: (line: string) => void;
  /** Give up after this long without delivering anything (ms, default 10 000). */
  readonly stallMs?: number;
  /** Say that pipespan is waiting after this long (ms, default 1000). */
  readonly announceAfterMs?: number;
  /** Skip on SIGINT/SIGTERM (default true). */
  readonly catchSignals?: boolean;
}

export interface RunExport {
  /** host:port the run exports to. */
  readonly endpoints: readonly string[];
  finish(o?: FinishExportOptions): Promise<RunExportOutcome>;
}

export function runExport(o: {
  shipper: Shipper;
  runDir: string;
  state?: RunStateFile;
  final?: Record<string, unknown>;
}): RunExport {
  const { shipper, runDir } = o;
  const endpoints = shipper.endpoints;
  return {
    endpoints,
    async finish(f = {}) {
      let skip: () => void = () => undefined;
      const interrupted = new Promise<void>((resolve) => {
        skip = resolve;
      });
      const onSignal = () => skip();
      const catchSignals = f.catchSignals ?? true;
      if (catchSignals) for (const s of ["SIGINT", "SIGTERM"] as const) process.on(s, onSignal);
      const announce = setTimeout(
        () => f.onLine?.(`pipespan: exporting to ${endpoints.join(", ")} (Ctrl-C to skip)`),
        f.announceAfterMs ?? 1_000,
      );
      let r: Awaited<ReturnType<Shipper["drain"]>>;
      try {
        r = await shipper.drain({ interrupted, ...(f.stallMs !== undefined ? { stallMs: f.stallMs } : {}) });
      } finally {
        clearTimeout(announce);
        if (catchSignals) for (const s of ["SIGINT", "SIGTERM"] as const) process.off(s, onSignal);
      }
      // A request still in flight is not waited for: pipespan ends now (the data is on disk).
      if (r.complete) await shipper.close();
      else shipper.stop();
      const problems: string[] = [];
      if (!r.complete) {
        const what = describePending(r.pendingItems);
        const where = `they stay in ${runDir}; \`pipespan export ${runDir}\` sends them`;
        problems.push(
          r.interrupted
            ? `pipespan: export to ${endpoints.join(", ")} skipped: ${what} not sent; ${where}`
            : `pipespan: could not export to ${endpoints.join(", ")} (${shipper.stats.lastError ?? "no answer"}): ` +
                `${what} not sent; ${where}`,
        );
      }
      o.state?.update({
        ...(o.final ?? {}),
        export: {
          endpoints,
          complete: r.complete,
          sent: shipper.stats.sent,
          ...(r.complete ? {} : { pending: r.pendingItems }),
        },
      });
      return {
        complete: r.complete,
        skipped: r.interrupted,
        problems,
        sent: { ...shipper.stats.sent },
        pendingItems: r.pendingItems,
      };
    },
  };
}

export function describePending(p: { traces: number; metrics: number }): string {
  const parts: string[] = [];
  if (p.traces > 0) parts.push(`${p.traces} span(s)`);
  if (p.metrics > 0) parts.push(`${p.metrics} metric data point(s)`);
  return parts.length > 0 ? parts.join(" and ") : "the rest of the run's telemetry";
}
