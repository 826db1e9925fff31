// Shared by the kernel tests (kept out of test/, where `node --test` would run every file): run a shell
// script as a tracked process tree and collect what the kernel saw.
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

import { decodeBlockLatency, decodeCounters, decodeEvents } from "../lib/decode.js";

export const isRoot = process.getuid?.() === 0;
export const ROOT_REASON = "needs root (loads BPF programs, creates a memory cgroup): run `node --test` as root";

/** @typedef {import("../lib/decode.js").KernelEvent} KernelEvent */
/** @typedef {import("../lib/decode.js").ProcessCounters} ProcessCounters */

/**
 * Accumulates everything a probe reports. readCounters() hands out an exited process's final record once,
 * so every record is kept here, keyed by process identity (tgid + start time).
 */
export class Collector {
  /** @param {import("../lib/index.js").KernelProbe} probe */
  constructor(probe) {
    this.probe = probe;
    /** @type {KernelEvent[]} */
    this.events = [];
    /** @type {Map<string, ProcessCounters>} */
    this.counters = new Map();
  }

  poll() {
    for (;;) {
      const buf = this.probe.pollEvents(65536);
      if (buf.length === 0) break;
      this.events.push(...decodeEvents(buf));
    }
    for (const c of decodeCounters(this.probe.readCounters())) this.counters.set(`${c.tgid}:${c.startBoottimeNs}`, c);
  }

  /** @param {number} tgid @returns {ProcessCounters | undefined} the latest record of that pid */
  countersOf(tgid) {
    let found;
    for (const c of this.counters.values()) if (c.tgid === tgid) found = c;
    return found;
  }

  blockLatency() {
    return decodeBlockLatency(this.probe.readBlockLatency());
  }
}

/**
 * Runs `script` under `sh -c`, tracked from its first instruction: the shell blocks on stdin until its pid
 * has been added to the tracked set. Resolves after the root's exit event has been seen and every process
 * of the tree has its final counters.
 * @param {Collector} col
 * @param {string} script
 * @param {{ timeoutMs?: number, onStarted?: (pid: number) => void | Promise<void> }} [opts]
 */
export async function runTracked(col, script, opts = {}) {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const child = spawn("sh", ["-c", `read _ && ${script}`], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d) => {
    if (stderr.length < 64 * 1024) stderr += d;
  });
  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const pid = /** @type {number} */ (child.pid);
  const firstEvent = col.events.length;
  col.probe.addTrackedPid(pid);
  child.stdin.end("go\n");
  if (opts.onStarted) await opts.onStarted(pid);

  const deadline = Date.now() + timeoutMs;
  /** @type {Set<number>} */
  const tree = new Set([pid]);
  let rootExit;
  for (;;) {
    col.poll();
    for (const ev of col.events.slice(firstEvent)) {
      if (ev.kind === "fork" && tree.has(ev.ppid)) tree.add(ev.tgid);
      if (ev.kind === "exit" && ev.tgid === pid) rootExit = ev;
    }
    const allFinal = [...tree].every((t) => col.countersOf(t)?.exited);
    if (rootExit && allFinal) break;
    if (Date.now() > deadline) throw new Error(`tracked script did not finish within ${timeoutMs} ms: ${script}`);
    await sleep(20);
  }
  const events = col.events.slice(firstEvent).filter((e) => tree.has(e.tgid));
  const result = await exited;
  const describe = () => `${script}: exit ${result.code ?? result.signal}, stdout ${stdout}, stderr ${stderr}`;
  return { pid, tree, events, rootExit, stdout, stderr, result, describe };
}

/** The exec events of a run whose filename ends with `name`. @param {KernelEvent[]} events @param {string} name */
export function execsOf(events, name) {
  return events.filter((e) => e.kind === "exec" && (e.filename === name || e.filename.endsWith(`/${name}`)));
}

/** |a - b| / b */
export function relErr(a, b) {
  return Math.abs(a - b) / b;
}
