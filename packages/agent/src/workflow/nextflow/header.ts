// The task name Nextflow writes at the top of each task's wrapper script (.command.run): since 24.04 a metadata
// block (`### ---`, `### name: '<task name>'`, `### container: '<image>'`, `### outputs:` …, `### ...`), before
// that one comment line (`# NEXTFLOW TASK: <task name>`).
import { closeSync, openSync, readSync } from "node:fs";
import { join } from "node:path";

export interface TaskHeader {
  /** The task name, `<process> (<tag>)` or `<process>`. */
  readonly name?: string;
  readonly container?: string;
}

/** Only the start of the file is read: the header is in its first lines. */
const HEAD_BYTES = 16 * 1024;
const MAX_LINES = 200;
const MAX_NAME = 1024;

// biome-ignore lint/suspicious/noControlCharactersInRegex: names come from a file on disk; control characters are dropped
const CONTROL = /[\u0000-\u001f\u007f]/g;

function clean(v: string): string | undefined {
  const s = v.replace(CONTROL, "").trim().slice(0, MAX_NAME);
  return s.length > 0 ? s : undefined;
}

function unquote(v: string): string {
  const t = v.trim();
  return t.length >= 2 && t.startsWith("'") && t.endsWith("'") ? t.slice(1, -1) : t;
}

/** Reads the task name (and container) from the text of a .command.run. */
export function parseCommandRunHeader(text: string): TaskHeader {
  let name: string | undefined;
  let container: string | undefined;
  const lines = text.split("\n", MAX_LINES);
  for (const line of lines) {
    if (name === undefined) {
      const current = /^### name: (.*)$/.exec(line);
      if (current?.[1] !== undefined) name = clean(unquote(current[1]));
      const old = /^# NEXTFLOW TASK: (.*)$/.exec(line);
      if (old?.[1] !== undefined) {
        name = clean(old[1]);
        break;
      }
    }
    if (container === undefined) {
      const c = /^### container: (.*)$/.exec(line);
      if (c?.[1] !== undefined) {
        const v = clean(unquote(c[1]));
        if (v !== undefined && v !== "null") container = v;
      }
    }
    // The metadata block ends at `### ...` (scheduler directives and a header script may come before it).
    if (name !== undefined && line.startsWith("### ...")) break;
  }
  return { ...(name !== undefined ? { name } : {}), ...(container !== undefined ? { container } : {}) };
}

/** `NFCORE_RNASEQ:RNASEQ:ALIGN_STAR:STAR_ALIGN (WT_REP1)` → process and tag. */
export function splitTaskName(name: string): { process: string; tag?: string } {
  const m = /^(.+?) \((.*)\)$/s.exec(name);
  if (!m?.[1]) return { process: name };
  return { process: m[1], ...(m[2] ? { tag: m[2] } : {}) };
}

/** The header of `<dir>/.command.run`, or undefined when there is no such file (or it cannot be read). */
export function readTaskHeader(dir: string): TaskHeader | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(join(dir, ".command.run"), "r");
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    return parseCommandRunHeader(buf.subarray(0, n).toString("utf8"));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A task's exit status from `<dir>/.exitcode` (written by the wrapper when it ends), if it is there. */
export function readExitCode(dir: string): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(join(dir, ".exitcode"), "r");
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    const v = Number.parseInt(buf.subarray(0, n).toString("ascii").trim(), 10);
    return Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
