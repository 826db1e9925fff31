import { InvalidArgumentError } from "commander";

// Errors the operating system gave pipespan (permission denied, read-only file system, no space, ...) are the
// user's to fix: they become one line naming what and why, never "internal error".

const PLAIN: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  ENOENT: "no such file or directory",
  ENOTDIR: "not a directory",
  EISDIR: "is a directory",
  EEXIST: "already exists",
  EMFILE: "too many open files",
  ENAMETOOLONG: "name too long",
  ELOOP: "too many symbolic links",
  EIO: "input/output error",
  EADDRINUSE: "address in use",
  EADDRNOTAVAIL: "address not available",
  ECONNREFUSED: "connection refused",
};

/** One line for a Node system error (it has an E… code), else undefined. */
export function describeSystemError(err: unknown): string | undefined {
  const e = err as { code?: unknown; syscall?: unknown; path?: unknown; message?: unknown } | null;
  if (!e || typeof e.code !== "string" || !/^E[A-Z0-9]+$/.test(e.code)) return undefined;
  const what = Object.hasOwn(PLAIN, e.code)
    ? PLAIN[e.code]
    : typeof e.message === "string"
      ? e.message.split("\n")[0]
      : e.code;
  const where = typeof e.path === "string" ? `${typeof e.syscall === "string" ? `${e.syscall} ` : ""}${e.path}: ` : "";
  return `${where}${what} (${e.code})`;
}

/** Number parsers for options: a bad value is a usage error (exit 2), said in one line by commander. */
export function positiveInt(flag: string, min: number, max: number): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgument(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
    }
    return n;
  };
}

/** "512" (MiB), "512M", "2G", "64k" → bytes. */
export function parseSize(flag: string, min: number, max: number): (v: string) => number {
  return (v: string) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgG]i?[bB]?)?\s*$/.exec(v);
    const unit = (m?.[2] ?? "M").charAt(0).toLowerCase();
    const n = m ? Number(m[1]) * (unit === "k" ? 1024 : unit === "g" ? 1024 ** 3 : 1024 ** 2) : Number.NaN;
    if (!Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgument(
        `${flag} must be a size such as 512M or 2G (from ${mib(min)} to ${mib(max)}), got ${JSON.stringify(v)}`,
      );
    }
    return Math.floor(n);
  };
}

/** Seconds (fractions allowed) → milliseconds. */
export function parseSeconds(flag: string, min: number, max: number): (v: string) => number {
  return (v: string) => {
    const n = Number(v.trim().replace(/s$/, ""));
    if (v.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgument(`${flag} must be a number of seconds from ${min} to ${max}, got ${JSON.stringify(v)}`);
    }
    return Math.round(n * 1000);
  };
}

function mib(bytes: number): string {
  return bytes >= 1024 ** 3
    ? `${bytes / 1024 ** 3}G`
    : bytes >= 1024 ** 2
      ? `${bytes / 1024 ** 2}M`
      : `${bytes / 1024}k`;
}

/** commander turns this, thrown by an option parser, into its own one-line usage error (exit 2). */
export class InvalidArgument extends InvalidArgumentError {}
