// Signal names and numbers as this platform defines them, and the shell's exit status for a death by signal: shared
// by the SDK (a task's child), the agent (the run's root, process exits) and the CLI (signals passed on).
import { constants } from "node:os";

const numbers = constants.signals as Readonly<Record<string, number | undefined>>;
const names = new Map<number, string>();
for (const [name, num] of Object.entries(constants.signals)) if (!names.has(num)) names.set(num, name);

/** "SIGKILL" for 9; "SIG<n>" for numbers this platform does not name. */
export function signalName(signal: number): string {
  return names.get(signal) ?? `SIG${signal}`;
}

/** The number of a signal by name (SIGTERM -> 15), or undefined when this platform does not know it. */
export function signalNumber(name: string): number | undefined {
  return Object.hasOwn(numbers, name) ? numbers[name] : undefined;
}

/** Shell convention for a process killed by a signal: 128 + the signal number. */
export function exitCodeForSignal(name: string): number {
  return 128 + (signalNumber(name) ?? 0);
}
