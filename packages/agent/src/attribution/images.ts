import { basename } from "node:path";
import type { ProcessImage, ProcessRecord } from "../table/process-record.js";

const MAX_NAME = 256;

/** Strips control characters and bounds the length of a name taken from untrusted input. */
export function cleanName(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters from untrusted input
  const v = value.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return v.length === 0 ? undefined : v.slice(0, MAX_NAME);
}

// These run for every process, several times (attribution asks for the parent and the child): plain loops, and
// the same array (a fork shares its parent's argv until it execs) compared by identity first.
export function sameArgv(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when `image` is one of the parent's own images: a fork that has not exec'd a program of its own. */
export function isInherited(image: ProcessImage, parent: ProcessRecord | undefined): boolean {
  if (parent === undefined) return false;
  for (const p of parent.images) if (sameArgv(p.argv, image.argv)) return true;
  return false;
}

/** True once the process runs a program of its own (it exec'd, or it was first seen after its exec). */
export function hasOwnImage(record: ProcessRecord, parent: ProcessRecord | undefined): boolean {
  if (parent === undefined) return true;
  for (const i of record.images) if (!isInherited(i, parent)) return true;
  return false;
}

/**
 * The program a process was started to run: its first image that is not a copy of one of its parent's (a fork
 * shows the parent's image until it execs; the parent may have exec'd again since), else its latest image.
 */
export function mainImage(record: ProcessRecord, parent: ProcessRecord | undefined): ProcessImage {
  for (const i of record.images) if (!isInherited(i, parent)) return i;
  return record.images.at(-1) ?? record;
}

/**
 * The name of the program a root child ran as the task: the first image that is not still its parent's, by
 * executable file name — comm is cut to 15 characters and some runtimes rename their main thread.
 */
export function taskImageName(record: ProcessRecord, parent: ProcessRecord | undefined): string {
  const image = mainImage(record, parent);
  const exe = image.exe ? basename(image.exe.replace(/ \(deleted\)$/, "")) : undefined;
  return cleanName(exe) ?? cleanName(image.comm) ?? `pid-${record.key.pid}`;
}
