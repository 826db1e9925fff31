import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { UserError } from "./errors.js";

function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves a command the way execvp would (PATH search for bare names), so a missing command is reported
 * clearly before anything starts. Returns the path that will be executed.
 */
export function resolveCommand(command: string, env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  if (command.length === 0) throw new UserError("no command given: use `pipespan run -- <command> [args…]`");
  if (command.includes("/")) {
    const p = isAbsolute(command) ? command : resolve(cwd, command);
    if (isExecutableFile(p)) return p;
    try {
      statSync(p);
    } catch {
      throw new UserError(`command not found: ${command}`, 127);
    }
    throw new UserError(`command is not an executable file: ${command}`, 126);
  }
  for (const dir of (env["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(delimiter)) {
    if (dir === "") continue;
    const p = join(dir, command);
    if (isExecutableFile(p)) return p;
  }
  throw new UserError(`command not found: ${command}`, 127);
}
