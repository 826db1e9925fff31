// Each benchmark leaves its headline figures in bench/.results/<name>.json; bench/all.ts prints them as a table.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
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

export const RESULTS_DIR = join(BENCH_DIR, ".results");

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
