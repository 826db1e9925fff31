// Preloaded into `pipespan` (NODE_OPTIONS=--import) to profile it during a benchmark: SIGUSR2 starts the inspector's
// CPU profiler, and at exit the profile is written to $PIPESPAN_BENCH_CPUPROFILE.<pid>.cpuprofile (open it in Chrome's
// DevTools, or summarise it with bench/lib/profile-top.mjs). The profiler is started on a signal, not at start-up: its
// SIGPROF interrupting the BPF verifier makes BPF_PROG_LOAD fail with EAGAIN, so the signal is sent once the run's
// command is running (the programs are loaded by then).
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";

const base = process.env.PIPESPAN_BENCH_CPUPROFILE;
if (base) {
  const session = new Session();
  session.connect();
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    session.post("Profiler.setSamplingInterval", { interval: 1000 }, () => {
      session.post("Profiler.enable", () => session.post("Profiler.start"));
    });
    // With PIPESPAN_BENCH_ALLOCATIONS=1, where the allocations are made (collected ones included) as well.
    if (process.env.PIPESPAN_BENCH_ALLOCATIONS === "1")
      session.post("HeapProfiler.startSampling", {
        samplingInterval: 16384,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
  };
  process.on("SIGUSR2", start);
  // Where nothing loads BPF programs (bench/replay-run.ts), the profile may start at once.
  if (process.env.PIPESPAN_BENCH_PROFILE_NOW === "1") start();
  // The profile is taken synchronously at exit: Session.post's callback runs synchronously for the in-process session.
  process.on("exit", () => {
    if (!started) return;
    session.post("Profiler.stop", (err, res) => {
      if (!err) writeFileSync(`${base}.${process.pid}.cpuprofile`, JSON.stringify(res.profile));
    });
    if (process.env.PIPESPAN_BENCH_ALLOCATIONS === "1")
      session.post("HeapProfiler.stopSampling", (err, res) => {
        if (!err) writeFileSync(`${base}.${process.pid}.heapprofile`, JSON.stringify(res.profile));
      });
  });
}
