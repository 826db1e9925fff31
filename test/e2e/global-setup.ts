// The e2e suite needs the real Collector and Jaeger, started by scripts/backends/e2e.sh. Without them it FAILS
// here with one message saying what is missing and how to run it; it never skips.
import { HOW_TO_RUN, readE2eEnv } from "./support/env.js";

async function healthy(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    return res.ok ? undefined : `${url} answered ${res.status}`;
  } catch (err) {
    return `${url} is not reachable (${(err as Error).cause ?? (err as Error).message})`;
  }
}

export default async function setup(): Promise<void> {
  const r = readE2eEnv();
  if (!r.ok) {
    throw new Error(`pipespan e2e: the real backends are not available: ${r.problems.join("; ")}.\n${HOW_TO_RUN}`);
  }
  const down = (
    await Promise.all([healthy(`http://${r.env.collectorHealth}/`), healthy(`http://${r.env.jaegerHealth}/status`)])
  ).filter((p): p is string => p !== undefined);
  if (down.length > 0) {
    throw new Error(`pipespan e2e: the backends are not running: ${down.join("; ")}.\n${HOW_TO_RUN}`);
  }
}
