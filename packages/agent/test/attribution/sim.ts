// A process table driven by hand: fork, exec, exit, as a source would report them, for attribution tests.
import type { OwnEnv, ProcessKey } from "../../src/source/types.js";
import { processId } from "../../src/source/types.js";
import type { ProcessRecord } from "../../src/table/process-record.js";
import { ProcessTable } from "../../src/table/process-table.js";

export class Sim {
  readonly table = new ProcessTable();
  #pid = 1000;
  nowNs = 1_800_000_000_000_000_000;

  /** A process first seen running `argv` (the root, or one seen after its exec). */
  spawn(argv: string[], o: { parent?: ProcessRecord; cwd?: string; env?: OwnEnv } = {}): ProcessRecord {
    const key: ProcessKey = { pid: ++this.#pid, startTicks: this.#pid * 10 };
    this.nowNs += 1e6;
    this.table.apply({
      type: "start",
      key,
      ppid: o.parent?.key.pid ?? 1,
      ...(o.parent ? { parentKey: o.parent.key } : {}),
      startTimeNs: this.nowNs,
      comm: (argv[0] ?? "?").split("/").pop()!.slice(0, 15),
      argv,
      ...(o.cwd !== undefined ? { cwd: o.cwd } : {}),
      env: o.env ?? {},
    });
    return this.table.get(processId(key))!;
  }

  /** A fork: the child shows its parent's image, cwd and environment until it execs. */
  fork(parent: ProcessRecord): ProcessRecord {
    return this.spawn([...parent.argv], {
      parent,
      ...(parent.cwd !== undefined ? { cwd: parent.cwd } : {}),
      env: parent.env,
    });
  }

  exec(r: ProcessRecord, argv: string[], o: { cwd?: string; env?: OwnEnv } = {}): ProcessRecord {
    this.nowNs += 1e6;
    this.table.apply({
      type: "exec",
      key: r.key,
      timeNs: this.nowNs,
      comm: (argv[0] ?? "?").split("/").pop()!.slice(0, 15),
      exe: argv[0]!.startsWith("/") ? argv[0]! : `/usr/bin/${argv[0]}`,
      argv,
      ...((o.cwd ?? r.cwd) !== undefined ? { cwd: (o.cwd ?? r.cwd)! } : {}),
      env: o.env ?? r.env,
    });
    return r;
  }

  exit(r: ProcessRecord, exitCode = 0): ProcessRecord {
    this.nowNs += 1e6;
    this.table.apply({ type: "exit", key: r.key, timeNs: this.nowNs, exitCode, observedExit: true, counters: {} });
    return r;
  }
}
