// A cgroup v1 `cpu` group with a high weight (cpu.shares) for the workload of a test. The development machine
// is shared: other work in the root group would otherwise take the CPUs a CPU-bound step needs, and the step
// would be — truthfully — cpu-starved. Groups compete by weight, so one at 16 × the default keeps the workload
// near whole CPUs whatever else runs. Commands join it with `echo $$ > <procs>` (`join`).
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from "node:fs";

const CPU = "/sys/fs/cgroup/cpu";

export interface CpuShield {
  /** Shell prefix that moves the current shell into the group. */
  readonly join: string;
  remove(): void;
}

let made = 0;

export function cpuShield(shares = 16 * 1024): CpuShield {
  if (!existsSync(`${CPU}/cpu.shares`)) {
    throw new Error(`the cgroup v1 cpu controller is not available (${CPU}); CPU-bound tests need it`);
  }
  const g = `${CPU}/pipespan-test-${process.pid}-${Date.now()}-${made++}`;
  mkdirSync(g);
  writeFileSync(`${g}/cpu.shares`, String(shares));
  return {
    join: `echo $$ > ${g}/cgroup.procs;`,
    remove() {
      try {
        rmdirSync(g);
      } catch {
        /* still has members: they end with the test */
      }
    },
  };
}
