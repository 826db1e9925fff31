import { Command } from "commander";

const VERSION = "0.1.0";

/** The root command with the given subcommands. */
export function rootProgram(subs: readonly Command[]): Command {
  const p = new Command("pipespan")
    .description("see why a pipeline run is slow or expensive, from the kernel up (OpenTelemetry-native)")
    .version(VERSION, "-V, --version")
    .showSuggestionAfterError(true)
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      // Commander's own errors become one clear line.
      outputError: (str, write) => write(`pipespan: ${oneLine(str)} (see --help)\n`),
    });
  for (const sub of subs) {
    sub.exitOverride();
    // run and task end in a command line whose options are not ours; the others take their options anywhere.
    if (sub.name() === "run" || sub.name() === "task" || sub.name() === "agent") sub.passThroughOptions();
    sub.configureOutput({
      outputError: (str, write) => write(`pipespan ${sub.name()}: ${oneLine(str)} (see --help)\n`),
    });
    p.addCommand(sub);
  }
  return p;
}

/** Commander's message on one line, without its "error: " prefix. */
export function oneLine(str: string): string {
  return str
    .replace(/^error: /, "")
    .replace(/\s*\n\s*/g, " ")
    .trim();
}
