// Loading a run for analysis: a run folder (traces*.jsonl + run.json, as `pipespan run` writes it) or a single
// OTLP/JSON file (any trace export). Earlier finding spans (traces-findings.jsonl) are never read back in.
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { FINDINGS_TRACES_FILE, RUN_JSON_FILE } from "@pipespan/semconv";
import { z } from "zod";
import { FindingsError } from "../errors.js";
import { RunModelBuilder } from "../model/build.js";
import type { RunModel } from "../model/types.js";
import { type ReadOtlpJsonTracesOptions, readOtlpJsonTraces } from "../otlp/read.js";

/** Where a run folder's finding spans go (rewritten by every analysis, never read as input). */

const RunJson = z.looseObject({
  runId: z.string().optional(),
  pipelineName: z.string().optional(),
  traceId: z.string().regex(/^[0-9a-f]{32}$/),
  runSpanId: z.string().regex(/^[0-9a-f]{16}$/),
  source: z.string().optional(),
  /** "running" while pipespan writes the run; "incomplete" once rebuilt after its writer was killed. */
  status: z.string().optional(),
  writerKilledAt: z.string().optional(),
});
export type RunJson = z.infer<typeof RunJson>;

export interface LoadedRun {
  model: RunModel;
  /** The run folder, when the input was one. */
  runDir?: string;
  /** run.json of the run folder, when present and valid. */
  runJson?: RunJson;
  files: string[];
  /** One line each: things that did not stop the analysis (a malformed run.json, ...). */
  warnings: string[];
}

export interface LoadRunOptions extends Omit<ReadOtlpJsonTracesOptions, "onSpans" | "sink"> {
  traceId?: string;
}

/** Reads and models a run. Throws OtlpJsonError (bad files) or FindingsError (nothing to analyse, ambiguous). */
export async function loadRun(pathOrDir: string, options: LoadRunOptions = {}): Promise<LoadedRun> {
  const warnings: string[] = [];
  let isDir = false;
  try {
    isDir = (await stat(pathOrDir)).isDirectory();
  } catch {
    // readOtlpJsonTraces reports a missing path with its own clear message.
  }
  let runJson: RunJson | undefined;
  if (isDir) {
    const file = join(pathOrDir, RUN_JSON_FILE);
    const text = await readFile(file, "utf8").catch(() => undefined);
    if (text !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const r = RunJson.safeParse(parsed);
      if (r.success) runJson = r.data;
      else warnings.push(`${file} is not a valid run.json (no traceId/runSpanId); analysing the spans alone`);
      if (runJson?.status === "incomplete") {
        warnings.push(
          `incomplete run (writer killed at ${runJson.writerKilledAt ?? "an unknown time"}): every complete line ` +
            "was read; tasks cut short are marked incomplete and judged on what they did until then",
        );
      } else if (runJson?.status === "running") {
        warnings.push("run still being written (or its writer was killed elsewhere): analysing what is on disk so far");
      }
    }
  }
  const { traceId: wantedTrace, ...readOptions } = options;
  const traceId = wantedTrace ?? runJson?.traceId;
  const builder = new RunModelBuilder({
    ...(traceId !== undefined ? { traceId } : {}),
    ...(runJson ? { runSpanId: runJson.runSpanId } : {}),
  });
  // Streamed: spans go into the model builder as they are read and are not kept (a large file is read by reader
  // threads, which hand process spans over as columns).
  const traces = await readOtlpJsonTraces(pathOrDir, {
    ...readOptions,
    skipFiles: [...(readOptions.skipFiles ?? []), FINDINGS_TRACES_FILE],
    sink: builder,
  });
  for (const p of traces.problems) warnings.push(p.message);
  let model: RunModel;
  try {
    model = builder.build();
  } catch (err) {
    // Nothing left to analyse once a half-written line is set aside: say both in the one line.
    const cut = traces.problems.find((p) => p.kind === "truncated");
    if (err instanceof FindingsError && cut) throw new FindingsError(err.kind, `${err.message} (${cut.message})`);
    throw err;
  }
  return {
    model,
    ...(isDir ? { runDir: pathOrDir } : {}),
    ...(runJson ? { runJson } : {}),
    files: traces.files,
    warnings,
  };
}
