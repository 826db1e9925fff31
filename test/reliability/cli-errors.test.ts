// Usage and permission problems: one line each, exit 2 (73 for an output folder that cannot be used), never
// "internal error", never a stack trace, never a hang.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PIPESPAN_BIN, runPipespan, tmpOutDir } from "../support/cli.js";

const dirs: string[] = [];
const out = () => {
  const d = tmpOutDir();
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The command's stderr is exactly one pipespan line, with no stack trace and no "internal error". */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split("\n");
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
  expect(lines[0]).toMatch(/^pipespan/);
  return lines[0] as string;
}

describe("usage errors: one line, exit 2", () => {
  const cases: [string, string[], RegExp][] = [
    ["run --interval abc", ["run", "--interval", "abc", "--", "true"], /--interval must be 10\.\.60000 ms/],
    ["run --kill-after x", ["run", "--kill-after", "x", "--", "true"], /--kill-after must be a number of seconds/],
    [
      "run --max-processes 3",
      ["run", "--max-processes", "3", "--", "true"],
      /--max-processes must be a whole number from 16/,
    ],
    ["run --ring-buffer 3", ["run", "--ring-buffer", "3", "--", "true"], /--ring-buffer must be a power of two/],
    ["agent --duration abc", ["agent", "--duration", "abc"], /--duration must be a number of seconds/],
    ["agent --health nonsense", ["agent", "--health", "nonsense:x"], /--health must be host:port/],
    ["agent --max-queue 1k", ["agent", "--max-queue", "1k"], /--max-queue must be a size/],
    ["analyze of a missing path", ["analyze", "/nonexistent/run"], /no such file or directory/],
    ["export of a folder that is not a run", ["export", "/etc"], /holds no OTLP\/JSON files/],
  ];
  for (const [name, args, re] of cases) {
    it(name, async () => {
      const r = await runPipespan(args, { env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" } });
      expect(r.code, r.stderr).toBe(2);
      expect(oneLine(r.stderr)).toMatch(re);
    });
  }

  it("export without a backend to send to says which variable to set", async () => {
    const r = await runPipespan(["export", out()], { env: { OTEL_EXPORTER_OTLP_ENDPOINT: undefined } });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/set OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});

describe("an output folder that cannot be used: one line, exit 73, no spinning", () => {
  it("--out /proc/sys (mkdir answers ENOENT there): exit 73 at once, little CPU", async () => {
    const r = await runPipespan(["run", "--out", "/proc/sys", "--", "true"], { timeoutMs: 20_000 });
    expect(r.code).toBe(73);
    expect(oneLine(r.stderr)).toMatch(/cannot create the run folder \/proc\/sys\/.*\(ENOENT\)/);
    // Node's recursive mkdir loops forever here; ours is one pass. Bounded generously for a busy machine.
    expect(r.durationMs).toBeLessThan(10_000);
  });

  it("a file where a folder should be: exit 73", async () => {
    const d = out();
    writeFileSync(join(d, "file"), "x");
    const r = await runPipespan(["run", "--out", join(d, "file", "runs"), "--", "true"]);
    expect(r.code).toBe(73);
    expect(oneLine(r.stderr)).toMatch(/is not a folder|not a directory|ENOTDIR/);
  });

  it("a read-only --out for an unprivileged user: exit 73, 'permission denied'", () => {
    const d = mkdtempSync(join(tmpdir(), "pipespan-ro-"));
    dirs.push(d);
    chmodSync(d, 0o755); // owned by root: others may not create in it
    const r = spawnSync(
      "setpriv",
      [
        "--reuid=nobody",
        "--regid=nogroup",
        "--clear-groups",
        "--inh-caps=-all",
        process.execPath,
        PIPESPAN_BIN,
        "run",
        "--source",
        "procfs",
        "--out",
        join(d, "runs"),
        "--",
        "true",
      ],
      { encoding: "utf8", env: { PATH: process.env["PATH"], NO_COLOR: "1" }, cwd: "/tmp", timeout: 30_000 },
    );
    expect(r.status, r.stderr).toBe(73);
    expect(oneLine(r.stderr)).toMatch(/cannot create output folder .*permission denied \(EACCES\)/);
  });
});

describe("output pipes that close", () => {
  it("`pipespan help run | head -1`: the first line, no EPIPE stack trace", () => {
    const r = spawnSync("sh", ["-c", `"${process.execPath}" "${PIPESPAN_BIN}" help run | head -1`], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.stdout).toMatch(/^Usage: pipespan run/);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toBe("");
  });

  it("`pipespan analyze --json … | head -c 10`: no EPIPE stack trace either", async () => {
    const d = out();
    const run = await runPipespan(["run", "--out", d, "--run-id", "r", "-q", "--source", "procfs", "--", "true"]);
    expect(run.code).toBe(0);
    const r = spawnSync("sh", ["-c", `"${process.execPath}" "${PIPESPAN_BIN}" analyze --json "${d}/r" | head -c 10`], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.stdout).toHaveLength(10);
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(readFileSync(join(d, "r", "run.json"), "utf8")).toContain('"status": "complete"');
  });
});
