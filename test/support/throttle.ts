// A cgroup v1 blkio group that limits read and write throughput on the disk behind a folder, so a test
// workload is truly I/O-bound on a fast virtual disk. Commands join it with `echo $$ > <procs>`. Optionally a
// memory group too, whose limit keeps the page cache from absorbing the workload's I/O.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";

export interface Throttle {
  /** Shell prefix that moves the current shell into the group: `echo $$ > …/cgroup.procs;` */
  readonly join: string;
  readonly device: string;
  remove(): void;
}

const BLKIO = "/sys/fs/cgroup/blkio";
const MEMORY = "/sys/fs/cgroup/memory";

/** The whole-disk major:minor behind `dir` (throttling applies to disks, not partitions). */
export function diskOf(dir: string): string {
  const majMin = execFileSync("findmnt", ["-no", "MAJ:MIN", "-T", dir], { encoding: "utf8" }).trim();
  const partition = `/sys/dev/block/${majMin}/partition`;
  if (!existsSync(partition)) return majMin;
  return readFileSync(`/sys/dev/block/${majMin}/../dev`, "utf8").trim();
}

export function blkioThrottle(dir: string, bytesPerSecond: number, o: { memoryBytes?: number } = {}): Throttle {
  if (!existsSync(`${BLKIO}/blkio.throttle.write_bps_device`)) {
    throw new Error(`cgroup v1 blkio throttling is not available (${BLKIO}); I/O-bound tests need it`);
  }
  const device = diskOf(dir);
  const group = `${BLKIO}/pipespan-test-${process.pid}-${Date.now()}`;
  mkdirSync(group);
  writeFileSync(`${group}/blkio.throttle.write_bps_device`, `${device} ${bytesPerSecond}`);
  writeFileSync(`${group}/blkio.throttle.read_bps_device`, `${device} ${bytesPerSecond}`);
  const groups = [group];
  if (o.memoryBytes !== undefined) {
    if (!existsSync(`${MEMORY}/memory.limit_in_bytes`)) {
      throw new Error(`the cgroup v1 memory controller is not available (${MEMORY}); this test needs it`);
    }
    const mem = `${MEMORY}/pipespan-test-${process.pid}-${Date.now()}`;
    mkdirSync(mem);
    writeFileSync(`${mem}/memory.limit_in_bytes`, String(o.memoryBytes));
    groups.push(mem);
  }
  return {
    join: groups.map((g) => `echo $$ > ${g}/cgroup.procs;`).join(" "),
    device,
    remove() {
      for (const g of groups) {
        try {
          rmdirSync(g);
        } catch {
          /* still has members: they end with the test */
        }
      }
    },
  };
}
