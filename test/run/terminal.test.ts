// On a terminal `pipespan run` shows a live status line and styles its summary; NO_COLOR turns styling off;
// off a terminal there is neither. A real pseudo-terminal comes from util-linux `script`; what the terminal
// shows is what a terminal emulator (xterm.js, headless) makes of the bytes it received.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import xterm from "@xterm/headless";
import { afterAll, describe, expect, it } from "vitest";
import { PIPESPAN_BIN, REPO_ROOT, runPipespan, tmpOutDir } from "../support/cli.js";

const out = tmpOutDir();
afterAll(() => rmSync(out, { recursive: true, force: true }));

const BOLD = "\u001b[1m";

/** Runs pipespan under a pseudo-terminal (of `size` rows × columns, when given) and returns what it received. */
function onTerminal(args: string[], env: Record<string, string> = {}, size?: [number, number]): string {
  const quoted = [process.execPath, PIPESPAN_BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const cmd = size ? `stty rows ${size[0]} cols ${size[1]}; ${quoted}` : quoted;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm", ...env };
  delete childEnv["NO_COLOR"];
  if (env["NO_COLOR"]) childEnv["NO_COLOR"] = env["NO_COLOR"];
  return execFileSync("script", ["-qec", cmd, "/dev/null"], { cwd: REPO_ROOT, env: childEnv, encoding: "utf8" });
}

/** The lines a terminal of rows × cols shows (scrollback included) after receiving `bytes`. */
async function screen(bytes: string, rows: number, cols: number): Promise<{ lines: string[]; bottom: string }> {
  const term = new xterm.Terminal({ rows, cols, scrollback: 5000, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(bytes.replace(/\r?\n/g, "\r\n"), resolve));
  const b = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? "");
  const bottom = b.getLine(b.baseY + rows - 1)?.translateToString(true) ?? "";
  term.dispose();
  return { lines, bottom };
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

  it("keeps the status line on the bottom row, never on a row of the command's output", async () => {
    const [rows, cols] = [12, 100];
    const talker = 'for i in $(seq 1 25); do echo "child line $i"; sleep 0.1; done';
    const bytes = onTerminal(
      [
        "run",
        "--no-findings",
        "--no-report",
        "--out",
        out,
        "--",
        "bash",
        "-c",
        `PIPESPAN_TASK_NAME=talker bash -c '${talker}'`,
      ],
      {},
      [rows, cols],
    );
    // The bottom row was set apart (a scroll region over the rows above it) and given back at the end.
    expect(bytes).toContain(`\u001b[1;${rows - 1}r`);
    expect(bytes).toContain("\u001b[r");
    // While the command ran: its lines scrolled above, the status on the bottom row.
    const during = await screen(bytes.slice(0, bytes.lastIndexOf("\u001b[r")), rows, cols);
    expect(during.bottom).toMatch(/^pipespan ▸ .*running: talker/);
    // Every line of the command's arrived whole, on a row of its own.
    const all = await screen(bytes, rows, cols);
    const childRows = all.lines.filter((l) => l.includes("child line"));
    expect(childRows.map((l) => l.trim())).toEqual(Array.from({ length: 25 }, (_, i) => `child line ${i + 1}`));
    expect(all.lines.filter((l) => l.includes("▸"))).toEqual([]);
  });

  it("aligns the summary table on what the terminal shows, colour codes and all", async () => {
    const [rows, cols] = [40, 120];
    const bytes = onTerminal(
      [
        "run",
        "--no-findings",
        "--no-report",
        "--out",
        out,
        "--",
        "bash",
        "-c",
        'PIPESPAN_TASK_NAME=fine sleep 0.3; PIPESPAN_TASK_NAME=broken bash -c "sleep 0.3; exit 3"; PIPESPAN_TASK_NAME=a_longer_task_name sleep 0.3; true',
      ],
      {},
      [rows, cols],
    );
    expect(bytes).toContain("\u001b[31m"); // the failed task is red: colour is on
    const { lines } = await screen(bytes, rows, cols);
    const head = lines.findIndex((l) => /^\s+TASK\s+WALL\s+CPU/.test(l));
    expect(head, lines.join("\n")).toBeGreaterThanOrEqual(0);
    const header = lines[head] as string;
    const table = [];
    for (let i = head + 1; i < lines.length && /^\s{2}\S/.test(lines[i] as string); i++) table.push(lines[i] as string);
    expect(table.some((l) => l.includes("broken ✗"))).toBe(true);
    expect(table.some((l) => /^\s+total\s/.test(l))).toBe(true);
    // Right-aligned columns end where their headings end, on every row.
    for (const col of ["WALL", "CPU", "DISK READ", "DISK WRITE", "PROCS"]) {
      const end = header.indexOf(col) + col.length;
      for (const row of table) {
        expect(row[end - 1], `${col} in "${row}" under\n${header}`).not.toBe(" ");
        expect(row[end] ?? " ", `${col} in "${row}" under\n${header}`).toBe(" ");
      }
    }
  });

  it("--quiet prints nothing of its own on a terminal: no status line, no summary, no findings", () => {
    const bytes = onTerminal(
      [
        "run",
        "--quiet",
        "--out",
        out,
        "--",
        "bash",
        "-c",
        'PIPESPAN_TASK_NAME=napping sleep 1.5; echo "the command speaks"',
      ],
      {},
      [12, 100],
    );
    expect(bytes).toContain("the command speaks");
    expect(bytes).not.toContain("pipespan");
    expect(bytes).not.toContain("\u001b[");
  });
});
