// Preloaded into `pipespan` by the benchmarks (NODE_OPTIONS=--import): at exit, writes the process's peak
// resident set (getrusage ru_maxrss, bytes) and its CPU time to $PIPESPAN_BENCH_RUSAGE.<pid>.
import { writeFileSync } from "node:fs";

const base = process.env.PIPESPAN_BENCH_RUSAGE;
if (base) {
  process.on("exit", () => {
    const u = process.resourceUsage();
    const line = JSON.stringify({ maxRssBytes: u.maxRSS * 1024, userUs: u.userCPUTime, systemUs: u.systemCPUTime });
    try {
      writeFileSync(`${base}.${process.pid}`, `${line}\n`);
    } catch {
      /* the benchmark says the figure is missing */
    }
  });
}
