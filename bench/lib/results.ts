// The result files every benchmark writes, and `npm run bench` (bench/table.ts) prints as one table.
//
// Format (keep it stable: other benchmarks write these files too):
//   bench/results/<bench>.json = {
//     "bench":   "<bench>",                   the file's name, one file per benchmark (the latest run)
//     "command": "node bench/<bench>.ts …",   what reproduces it, from the repository root
//     "machine": "2 × …, 24 GiB, Linux …",    describeMachine()
//     "at":      "2026-…Z",                    when it ran (ISO 8601)
//     "figures": [ Figure, … ]                 see below; "measured" and "peer" are preformatted strings
//   }
// Write them with saveResult(); read them with loadResult() / loadResults(). BENCHMARKS.md quotes them.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_DIR } from "./helpers.ts";
import { describeMachine } from "./machine.ts";

export interface Figure {
  /** What is measured ("pinned storm: pipespan / alone"). */
  readonly what: string;
  /** The measured figure, as printed ("1.032 (0.98–1.10)"). */
  readonly measured: string;
  /** The goal ("≤ 1.05"), if any. */
  readonly goal?: string;
  /** The peer's figure in the same run, if any. */
  readonly peer?: string;
  /** Met, missed, or not applicable. */
  readonly ok?: boolean;
  /** Load average while measured. */
  readonly load?: string;
}

export interface BenchResult {
  readonly bench: string;
  readonly command: string;
  readonly machine: string;
  readonly at: string;
  readonly figures: readonly Figure[];
}

export const RESULTS_DIR = join(BENCH_DIR, "results");

export function saveResult(bench: string, command: string, figures: readonly Figure[]): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const r: BenchResult = { bench, command, machine: describeMachine(), at: new Date().toISOString(), figures };
  writeFileSync(join(RESULTS_DIR, `${bench}.json`), `${JSON.stringify(r, null, 2)}\n`);
}

export function loadResult(bench: string): BenchResult | undefined {
  try {
    return JSON.parse(readFileSync(join(RESULTS_DIR, `${bench}.json`), "utf8"));
  } catch {
    return undefined;
  }
}

/** Every result file, by benchmark name (malformed files are reported, not fatal). */
export function loadResults(): { results: BenchResult[]; errors: string[] } {
  const results: BenchResult[] = [];
  const errors: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(RESULTS_DIR).filter((n) => n.endsWith(".json"));
  } catch {
    return { results, errors };
  }
  for (const n of names.sort()) {
    try {
      const r = JSON.parse(readFileSync(join(RESULTS_DIR, n), "utf8")) as BenchResult;
      if (typeof r.bench !== "string" || !Array.isArray(r.figures)) throw new Error("not a bench result");
      results.push(r);
    } catch (err) {
      errors.push(`${n}: ${(err as Error).message}`);
    }
  }
  return { results, errors };
}
