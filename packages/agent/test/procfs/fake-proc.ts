// A fixture procfs tree on disk: lets tests drive ProcfsSource through exact states (malformed files, pid reuse,
// exec, zombies) that real processes only produce by chance.

import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface FakeProcess {
  pid: number;
  comm: string;
  state?: string;
  ppid: number;
  starttime: number;
  utime?: number;
  stime?: number;
  cutime?: number;
  cstime?: number;
  minflt?: number;
  majflt?: number;
  /** Image fingerprint base: differs per exec'd image (0 = masked / zombie). */
  image?: number;
  exitCode?: number;
  argv?: string[];
  env?: Record<string, string>;
  exe?: string;
  cwd?: string;
  vmHwmKb?: number;
  io?: string;
  children?: number[];
  /** Extra task ids besides the leader; children of a thread go in threadChildren. */
  threadChildren?: Record<number, number[]>;
}

export function statLine(p: FakeProcess): string {
  const f: string[] = new Array(53).fill("0");
  f[3] = p.state ?? "S";
  f[4] = String(p.ppid);
  f[10] = String(p.minflt ?? 0);
  f[12] = String(p.majflt ?? 0);
  f[14] = String(p.utime ?? 0);
  f[15] = String(p.stime ?? 0);
  f[16] = String(p.cutime ?? 0);
  f[17] = String(p.cstime ?? 0);
  f[20] = String(1 + Object.keys(p.threadChildren ?? {}).length);
  f[22] = String(p.starttime);
  // A zombie (or a process we may not ptrace) shows 0 for the address fields.
  const img = p.state === "Z" ? 0 : (p.image ?? 1);
  if (img !== 0) {
    f[26] = String(img * 1000);
    f[27] = String(img * 1000 + 500);
    f[28] = String(img * 7777);
    f[48] = String(img * 9999);
    f[50] = String(img * 9999 + 100);
  }
  f[52] = String(p.exitCode ?? 0);
  return `${p.pid} (${p.comm}) ${f.slice(3).join(" ")}\n`;
}

export class FakeProc {
  readonly root = mkdtempSync(join(tmpdir(), "pipespan-fakeproc-"));

  constructor(uptimeSeconds = 1000) {
    writeFileSync(join(this.root, "uptime"), `${uptimeSeconds.toFixed(2)} 1234.56\n`);
    writeFileSync(join(this.root, "stat"), "cpu  1 2 3\nbtime 1700000000\nprocesses 5\n");
  }

  dir(pid: number): string {
    return join(this.root, String(pid));
  }

  /**
   * Create or update a process directory. The same process (same pid and start time) is updated in place, so
   * files the source keeps open see the new content, as on procfs; another process replaces it (see remove).
   */
  put(p: FakeProcess): void {
    const d = this.dir(p.pid);
    const statPath = join(d, "stat");
    const same = existsSync(statPath) && this.startOf(p.pid) === p.starttime;
    if (!same) this.remove(p.pid);
    for (const link of ["exe", "cwd"]) rmSync(join(d, link), { force: true });
    for (const f of ["environ"]) rmSync(join(d, f), { force: true });
    mkdirSync(join(d, "task", String(p.pid)), { recursive: true });
    writeFileSync(join(d, "stat"), statLine(p));
    const zombie = p.state === "Z";
    writeFileSync(
      join(d, "status"),
      `Name:\t${p.comm}\nState:\t${p.state ?? "S"}\n${zombie ? "" : `VmHWM:\t${p.vmHwmKb ?? 1000} kB\n`}voluntary_ctxt_switches:\t3\nnonvoluntary_ctxt_switches:\t1\n`,
    );
    writeFileSync(
      join(d, "io"),
      p.io ??
        "rchar: 100\nwchar: 200\nsyscr: 1\nsyscw: 2\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n",
    );
    writeFileSync(join(d, "cmdline"), zombie ? "" : `${(p.argv ?? [p.comm]).join("\0")}\0`);
    if (!zombie) {
      writeFileSync(
        join(d, "environ"),
        `${Object.entries(p.env ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join("\0")}\0`,
      );
      symlinkSync(p.exe ?? `/usr/bin/${p.comm}`, join(d, "exe"));
      symlinkSync(p.cwd ?? "/work", join(d, "cwd"));
    }
    writeFileSync(join(d, "task", String(p.pid), "children"), (p.children ?? []).map((c) => `${c} `).join(""));
    for (const [tid, kids] of Object.entries(p.threadChildren ?? {})) {
      mkdirSync(join(d, "task", tid), { recursive: true });
      writeFileSync(join(d, "task", tid, "children"), kids.map((c) => `${c} `).join(""));
    }
  }

  write(pid: number, file: string, content: string): void {
    writeFileSync(join(this.dir(pid), file), content);
  }

  /**
   * The process is gone. On procfs an fd still open on its files then fails (ESRCH); here the files are emptied
   * before they are unlinked, and the source treats an empty re-read the same way.
   */
  remove(pid: number): void {
    for (const f of ["stat", "status", "io", `task/${pid}/children`]) {
      try {
        truncateSync(join(this.dir(pid), f), 0);
      } catch {
        // not there
      }
    }
    rmSync(this.dir(pid), { recursive: true, force: true });
  }

  private startOf(pid: number): number | undefined {
    try {
      const text = readFileSync(join(this.dir(pid), "stat"), "utf8");
      return Number(text.slice(text.lastIndexOf(")") + 2).split(" ")[19]);
    } catch {
      return undefined;
    }
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
