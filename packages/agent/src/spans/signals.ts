import { constants } from "node:os";

const byNumber = new Map<number, string>();
for (const [name, num] of Object.entries(constants.signals)) if (!byNumber.has(num)) byNumber.set(num, name);

/** "SIGKILL" for 9; "SIG<n>" for numbers this platform does not name. */
export function signalName(signal: number): string {
  return byNumber.get(signal) ?? `SIG${signal}`;
}

/** The number of a signal name such as "SIGTERM", or undefined. */
export function signalNumber(name: string): number | undefined {
  return (constants.signals as Record<string, number>)[name];
}
