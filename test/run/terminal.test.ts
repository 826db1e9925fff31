// On a terminal `pipespan run` shows a live status line and styles its summary; NO_COLOR turns styling off;
// off a terminal there is neither. A real pseudo-terminal comes from util-linux `script`.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { PIPESPAN_BIN, REPO_ROOT, runPipespan, tmpOutDir } from "../support/cli.js";

const out = tmpOutDir();
afterAll(() => rmSync(out, { recursive: true, force: true }));

const BOLD = "\u001b[1m";

/** Runs pipespan under a pseudo-terminal and returns everything the terminal received. */
function onTerminal(args: string[], env: Record<string, string> = {}): string {
  const cmd = [process.execPath, PIPESPAN_BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const childEnv: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm", ...env };
  delete childEnv["NO_COLOR"];
  if (env["NO_COLOR"]) childEnv["NO_COLOR"] = env["NO_COLOR"];
  return execFileSync("script", ["-qec", cmd, "/dev/null"], { cwd: REPO_ROOT, env: childEnv, encoding: "utf8" });
}

describe("terminal output", () => {
  it("shows a live status line with the running task on a terminal", () => {
    const screen = onTerminal(["run", "--out", out, "--", "bash", "-c", "PIPESPAN_TASK_NAME=napping sleep 2.5"]);
    expect(screen).toMatch(/pipespan ▸ .*running: napping/);
    expect(screen).toContain(BOLD);
  });

  it("respects NO_COLOR", () => {
    const screen = onTerminal(["run", "--out", out, "--", "true"], { NO_COLOR: "1" });
    expect(screen).toContain("TASK");
    expect(screen).not.toContain(BOLD);
  });

  it("prints neither status line nor styling off a terminal", async () => {
    const r = await runPipespan(["run", "--out", out, "--", "bash", "-c", "PIPESPAN_TASK_NAME=napping sleep 1.5"], {
      env: { NO_COLOR: undefined },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain("▸");
    expect(r.stderr).not.toContain("\u001b[");
  });
});
