// Starting a child process and waiting for it: the one place that turns spawn failures into a clear one-line
// error and a death by signal into the shell's 128 + signal number.

import { type ChildProcess, type SpawnOptions, type StdioOptions, spawn } from "node:child_process";
import { statSync } from "node:fs";
import { exitCodeForSignal, signalNumber } from "@pipespan/semconv";
import type { EnvRecord } from "./env-protocol.js";

/** Default cap on captured stdout/stderr per stream when stdio is "pipe". */
export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** The command could not be started at all (it never ran). `exitCode` is what a shell would report. */
export class CommandStartError extends Error {
  override readonly name = "CommandStartError";
  /** 127 when the command or working directory does not exist, 126 when it exists but cannot be executed. */
  readonly exitCode: number;
  /** The errno code from the failed spawn (ENOENT, EACCES, ...), or "EINVAL" for arguments Node refused. */
  readonly code: string;
  readonly command: string;

  constructor(message: string, command: string, code: string, exitCode: number) {
    super(message);
    this.command = command;
    this.code = code;
    this.exitCode = exitCode;
  }
}

export interface ChildOptions {
  cwd: string;
  env: EnvRecord;
  stdio: "inherit" | "pipe" | "ignore" | StdioOptions;
  maxOutputBytes?: number;
  /** Prefix of error messages, e.g. "pipespan task". */
  label: string;
  /** Called once the process exists (to forward signals to it, for instance). */
  onSpawn?: (child: ChildProcess) => void;
}

export interface ChildOutcome {
  pid: number;
  /** The exit status; 128 + signal number when the process was killed by a signal (as shells report it). */
  exitCode: number;
  /** The signal that killed the process, or null when it exited. */
  signal: NodeJS.Signals | null;
  /** Captured output when stdio was "pipe", else undefined. */
  stdout: string | undefined;
  stderr: string | undefined;
  /** True when captured output went over maxOutputBytes and the rest was dropped. */
  outputTruncated: boolean;
}

export { exitCodeForSignal, signalNumber };

function startError(label: string, command: string, cwd: string, error: NodeJS.ErrnoException): CommandStartError {
  const code = error.code ?? "UNKNOWN";
  if (code === "ENOENT") {
    // libuv reports a missing working directory as ENOENT too: say which one it was.
    let cwdExists = false;
    try {
      cwdExists = statSync(cwd).isDirectory();
    } catch {
      cwdExists = false;
    }
    if (!cwdExists) return new CommandStartError(`${label}: working directory not found: ${cwd}`, command, code, 127);
    return new CommandStartError(`${label}: command not found: ${command}`, command, code, 127);
  }
  if (code === "EACCES" || code === "EPERM") {
    return new CommandStartError(`${label}: permission denied: ${command}`, command, code, 126);
  }
  if (code === "ENOEXEC") {
    return new CommandStartError(`${label}: not an executable format: ${command}`, command, code, 126);
  }
  const detail = (error.message ?? String(error)).split("\n")[0];
  return new CommandStartError(`${label}: cannot run ${command}: ${detail}`, command, code, 126);
}

/** A bounded collector for one output stream. */
class Capture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    const room = this.limit - this.size;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length < chunk.length) this.truncated = true;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

/**
 * Runs `command args` (no shell) and resolves when it has ended and its output streams are closed. Rejects only
 * with a CommandStartError, when the process could not be started.
 */
export function runChild(command: string, args: readonly string[], options: ChildOptions): Promise<ChildOutcome> {
  return new Promise<ChildOutcome>((resolve, reject) => {
    const spawnOptions: SpawnOptions = {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv,
      stdio: options.stdio,
      shell: false,
    };
    let child: ChildProcess;
    try {
      child = spawn(command, [...args], spawnOptions);
    } catch (error) {
      // Node refuses some arguments synchronously (a NUL byte in an argument, an empty command).
      const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
      reject(new CommandStartError(`${options.label}: cannot run ${command}: ${message}`, command, "EINVAL", 126));
      return;
    }

    const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    const out = child.stdout ? new Capture(limit) : undefined;
    const err = child.stderr ? new Capture(limit) : undefined;
    child.stdout?.on("data", (chunk: Buffer) => out?.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => err?.push(chunk));

    let settled = false;
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (settled) return;
      // 'error' without a pid means the spawn itself failed; later errors (a failed kill) do not end the wait.
      if (child.pid === undefined) {
        settled = true;
        reject(startError(options.label, command, options.cwd, error));
      }
    });
    child.once("close", (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      resolve({
        pid: child.pid ?? 0,
        exitCode: signal !== null ? exitCodeForSignal(signal) : (code ?? 0),
        signal,
        stdout: out?.text(),
        stderr: err?.text(),
        outputTruncated: (out?.truncated ?? false) || (err?.truncated ?? false),
      });
    });
    if (child.pid !== undefined) options.onSpawn?.(child);
  });
}
