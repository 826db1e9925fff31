import { isUserError } from "@pipespan/agent";
import { type Command, CommanderError } from "commander";
import { describeSystemError } from "./errors.js";
import { oneLine, rootProgram } from "./root.js";

/**
 * The command tree for these arguments. `run` and `agent` trace for as long as what they follow lives: they load
 * their own command alone, so the analyzer and the report (loaded after a run when it asks for them) are no part
 * of their memory. Everything else, help included, gets every command (program.ts).
 */
async function programFor(argv: readonly string[]): Promise<Command> {
  if (argv[0] === "run") return rootProgram([(await import("./commands/run.js")).runCommand()]);
  if (argv[0] === "agent") return rootProgram([(await import("./commands/agent.js")).agentCommand()]);
  return (await import("./program.js")).program();
}

/** Runs the CLI; resolves to the process exit code. Never throws. */
export async function main(argv: string[]): Promise<number> {
  try {
    const p = await programFor(argv);
    await p.parseAsync(argv, { from: "user" });
    const sub = p.commands.find((c) => c.getOptionValue("exitCode") !== undefined);
    return (sub?.getOptionValue("exitCode") as number | undefined) ?? 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed as one line.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (isUserError(err)) {
      process.stderr.write(`pipespan: ${oneLine(err.message)}\n`);
      return err.exitCode;
    }
    // A system error that reached here (permission denied, no space, a file that is not there): the user's to
    // fix, one line with exit 2 — never "internal error".
    const system = describeSystemError(err);
    if (system !== undefined) {
      process.stderr.write(`pipespan: ${system}\n`);
      return 2;
    }
    const e = err as Error;
    process.stderr.write(
      `pipespan: internal error: ${oneLine(e?.message ?? String(err))}` +
        (process.env["PIPESPAN_DEBUG"] ? "\n" : " (PIPESPAN_DEBUG=1 shows where)\n"),
    );
    if (process.env["PIPESPAN_DEBUG"]) process.stderr.write(`${e?.stack ?? ""}\n`);
    return 70;
  }
}
