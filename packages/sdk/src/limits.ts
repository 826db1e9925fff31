// Bounds and checks for the strings the SDK puts into spans and child environments, and reads back from them.

/** Longest run id, pipeline name, task name or task run id accepted (characters). */
export const MAX_NAME_LENGTH = 256;
/** Highest attempt number accepted. */
export const MAX_ATTEMPT = 1_000_000;

// C0 controls and DEL: a NUL cannot be passed through execve at all, and newlines or escapes in a name would
// corrupt line-oriented logs and terminal output downstream.
function hasControlChars(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Why `value` is not acceptable as an identifier-like string, or undefined when it is. */
export function nameProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return `must be a string, got ${typeof value}`;
  if (value.length === 0) return "must not be empty";
  if (value.length > MAX_NAME_LENGTH) return `is ${value.length} characters long (at most ${MAX_NAME_LENGTH})`;
  if (hasControlChars(value)) return "contains control characters";
  return undefined;
}

/** Throws a TypeError naming `label` when `value` is not an acceptable identifier-like string. */
export function checkName(label: string, value: unknown): string {
  const problem = nameProblem(value);
  if (problem !== undefined) throw new TypeError(`pipespan: ${label} ${problem}`);
  return value as string;
}

/** Why `value` is not an acceptable attempt number, or undefined when it is. */
export function attemptProblem(value: unknown): string | undefined {
  if (typeof value !== "number" || !Number.isInteger(value)) return "must be an integer";
  if (value < 1 || value > MAX_ATTEMPT) return `must be between 1 and ${MAX_ATTEMPT}, got ${value}`;
  return undefined;
}

export function checkAttempt(label: string, value: unknown): number {
  const problem = attemptProblem(value);
  if (problem !== undefined) throw new TypeError(`pipespan: ${label} ${problem}`);
  return value as number;
}
