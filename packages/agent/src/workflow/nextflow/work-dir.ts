// Where a process sits among Nextflow's task work dirs. A task's work dir is <workDir>/<2 hex>/<30 hex>, named
// after the task's 128-bit hash; every attempt of a task gets its own (the hash covers the attempt).
import { isAbsolute, resolve } from "node:path";

/** A task work dir: where it is and the task hash that names it. */
export interface WorkDirRef {
  /** The work dir as found: an absolute path, or a URI (`s3://…`) for a remote work dir. */
  readonly dir: string;
  /** The 32 hex digits of the task hash (the two path parts joined). */
  readonly hash: string;
  /** The run's work dir (the part before `<2 hex>/<30 hex>`). */
  readonly root: string;
  /** True for a URI (`s3://`, `gs://`, `az://`): its files cannot be read from this host. */
  readonly remote: boolean;
}

const DIR_RE = /^(.*)\/([0-9a-f]{2})\/([0-9a-f]{30})\/?$/;
const URI_RE = /^[a-z][a-z0-9+.-]*:\/\//;
/** The path of a task's .command.run / .command.sh inside an argument (a bash -c string holds it among others). */
const ARG_PATH_RE =
  /((?:[a-z][a-z0-9+.-]*:\/\/)?[^\s'"`;|&<>()$]*\/[0-9a-f]{2}\/[0-9a-f]{30})\/\.command\.(?:run|sh)(?![\w.])/;
const MAX_PATH = 4096;
const MAX_SCANNED_ARGS = 64;

/** The work-dir reference of a path that is a task work dir, else undefined. */
export function parseWorkDir(path: string | undefined): WorkDirRef | undefined {
  if (path === undefined || path.length > MAX_PATH) return undefined;
  const m = DIR_RE.exec(path);
  if (!m) return undefined;
  const remote = URI_RE.test(path);
  if (!remote && !isAbsolute(path)) return undefined;
  const [, root = "", a = "", b = ""] = m;
  return { dir: `${root}/${a}/${b}`, hash: `${a}${b}`, root: root || "/", remote };
}

/** A task work dir named in a process's arguments by the path of its `.command.run` or `.command.sh`. */
export function workDirInArgv(argv: readonly string[]): WorkDirRef | undefined {
  const n = Math.min(argv.length, MAX_SCANNED_ARGS);
  for (let i = 0; i < n; i++) {
    const arg = argv[i] as string;
    // Asked of every process: the regular expression runs only where the file name is.
    if (arg.length > 64 * 1024 || !arg.includes(".command.")) continue;
    const m = ARG_PATH_RE.exec(arg);
    if (m?.[1]) {
      const ref = parseWorkDir(m[1]);
      if (ref) return ref;
    }
  }
  return undefined;
}

/** True when argv runs a task wrapper by its relative name (`bash -ue .command.run`, cwd = the work dir). */
export function runsRelativeWrapper(argv: readonly string[]): boolean {
  for (let i = 1; i < 8 && i < argv.length; i++) {
    const a = argv[i];
    if (a === ".command.run" || a === "./.command.run" || a === ".command.sh") return true;
  }
  return false;
}

/** A relative path resolved against a process's working directory. */
export function resolveIn(cwd: string, path: string): string {
  return resolve(cwd, path);
}

/** The hash as Nextflow prints it: `3f/9a2c1e`. */
export function shortHash(hash: string): string {
  return `${hash.slice(0, 2)}/${hash.slice(2, 8)}`;
}

/** `3f/9a2c1e…` (the run id of a task run): the work dir's last two parts. */
export function hashPath(hash: string): string {
  return `${hash.slice(0, 2)}/${hash.slice(2)}`;
}
