// Creating the output folder of a run (or of the agent) one component at a time, so that every failure is one
// clear line with exit code 73 (EX_CANTCREAT) and nothing can loop: Node's recursive mkdir retries forever
// where mkdir(2) answers ENOENT for a child of an existing directory (procfs, sysfs).
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UserError } from "./errors.js";

/** sysexits.h EX_CANTCREAT: an output file or folder cannot be created. */
export const EXIT_CANTCREAT = 73;

const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  ENOTDIR: "a component of the path is not a folder",
  ENOENT: "the file system does not allow creating it",
  ENAMETOOLONG: "name too long",
  ELOOP: "too many symbolic links",
};

export function ioReason(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && Object.hasOwn(REASONS, code)) return `${REASONS[code]} (${code})`;
  return (err as Error)?.message ?? String(err);
}

/** mkdir -p, one component at a time; throws a UserError (exit 73) naming the folder and the reason. */
export function makeOutputDir(dir: string, what = "output folder"): string {
  const abs = resolve(dir);
  const chain: string[] = [];
  for (let p = abs; ; p = dirname(p)) {
    chain.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const p of chain) {
    try {
      if (statSync(p).isDirectory()) continue;
      throw new UserError(`cannot use ${what} ${abs}: ${p} is not a folder`, EXIT_CANTCREAT);
    } catch (err) {
      if (err instanceof UserError) throw err;
      const code = (err as { code?: unknown }).code;
      if (code !== "ENOENT") throw new UserError(`cannot use ${what} ${abs}: ${ioReason(err)}`, EXIT_CANTCREAT);
    }
    try {
      mkdirSync(p, { mode: 0o755 });
    } catch (err) {
      if ((err as { code?: unknown }).code === "EEXIST" && isDir(p)) continue;
      throw new UserError(`cannot create ${what} ${abs}: ${ioReason(err)}`, EXIT_CANTCREAT);
    }
  }
  return abs;
}

/**
 * `<outDir>/<name>/`, new and empty: the folder of one run. A folder that exists and holds anything is refused
 * (exit 2: pick another --run-id or --out).
 */
export function makeRunDir(outDir: string, name: string): string {
  const parent = makeOutputDir(outDir);
  const dir = resolve(parent, name);
  try {
    mkdirSync(dir, { mode: 0o755 });
  } catch (err) {
    if ((err as { code?: unknown }).code !== "EEXIST") {
      throw new UserError(`cannot create the run folder ${dir}: ${ioReason(err)}`, EXIT_CANTCREAT);
    }
    if (!isDir(dir)) throw new UserError(`cannot use ${dir} as the run folder: it is not a folder`, EXIT_CANTCREAT);
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch (e) {
      throw new UserError(`cannot use the run folder ${dir}: ${ioReason(e)}`, EXIT_CANTCREAT);
    }
    if (entries.length > 0) {
      throw new UserError(`output folder ${dir} already holds a run; pick another --run-id or --out`);
    }
  }
  return dir;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
