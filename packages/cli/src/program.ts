import type { Command } from "commander";
import { agentCommand } from "./commands/agent.js";
import { analyzeCommand } from "./commands/analyze.js";
import { diffCommand } from "./commands/diff.js";
import { exportCommand } from "./commands/export.js";
import { reportCommand } from "./commands/report.js";
import { runCommand } from "./commands/run.js";
import { taskCommand } from "./commands/task.js";
import { rootProgram } from "./root.js";

/** The CLI's command tree, every command (exported for the argument fuzz test, which stubs the actions). */
export function program(): Command {
  return rootProgram([
    runCommand(),
    taskCommand(),
    analyzeCommand(),
    reportCommand(),
    diffCommand(),
    agentCommand(),
    exportCommand(),
  ]);
}
