// Shell-safe display of an argv: `joinCommandLine(argv)` pasted into a POSIX shell (bash/zsh for $'...')
// gives back the same argv.

/** Characters that never need quoting in a POSIX shell word. */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what we look for
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Quote one argument for a POSIX shell: as is when safe, '...' otherwise, $'...' when it holds control characters. */
export function quoteArg(arg: string): string {
  if (arg === "") return "''";
  if (SAFE.test(arg)) return arg;
  if (CONTROL.test(arg)) {
    let out = "$'";
    for (const ch of arg) {
      const c = ch.codePointAt(0)!;
      if (ch === "\\") out += "\\\\";
      else if (ch === "'") out += "\\'";
      else if (ch === "\n") out += "\\n";
      else if (ch === "\t") out += "\\t";
      else if (ch === "\r") out += "\\r";
      else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
      else out += ch;
    }
    return `${out}'`;
  }
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Join argv into one command-line string, quoting where needed. */
export function joinCommandLine(argv: readonly string[]): string {
  return argv.map(quoteArg).join(" ");
}
