// Cgroup v1 limits for a test workload: a blkio group that limits read and write throughput on the disk behind a
// folder (so a workload is truly I/O-bound on a fast virtual disk), and a memory group whose limit keeps the page
// cache from absorbing the data. Commands join with the `join` shell prefix (`echo $$ > …/cgroup.procs;`).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";

export interface Throttle {
  /** Shell prefix that moves the current shell into the group(s): `echo $$ > …/cgroup.procs;` */
  readonly join: string;
  /** major:minor of the limited disk. */
  readonly device: string;
  remove(): void;
}

const BLKIO = "/sys/fs/cgroup/blkio";
const MEMORY = "/sys/fs/cgroup/memory";
const CPU = "/sys/fs/cgroup/cpu";

/** The whole-disk major:minor behind `dir` (throttling applies to disks, not partitions). */
export function diskOf(dir: string): string {
  const majMin = execFileSync("findmnt", ["-no", "MAJ:MIN", "-T", dir], { encoding: "utf8" }).trim();
  const partition = `/sys/dev/block/${majMin}/partition`;
  if (!existsSync(partition)) return majMin;
  return readFileSync(`/sys/dev/block/${majMin}/../dev`, "utf8").trim();
}

/** The kernel name of a major:minor ("vda"). */
export function deviceName(majMin: string): string {
  return readFileSync(`/sys/dev/block/${majMin}/uevent`, "utf8").match(/^DEVNAME=(.+)$/m)?.[1] ?? majMin;
}

export interface Limits {
  /** blkio throttle.read_bps_device on the disk behind the folder. */
  readonly readBps?: number;
  /** blkio throttle.write_bps_device on the disk behind the folder. */
  readonly writeBps?: number;
  /** memory.limit_in_bytes of a memory group (page cache included). */
  readonly memoryBytes?: number;
  /**
   * cpu.shares of a cpu group (1024 is the default weight). The development machine is shared: a heavily weighted
   * group keeps a CPU-bound workload from being starved by other work (groups compete by weight).
   */
  readonly cpuShares?: number;
}

let groups = 0;

/** Creates the groups `limits` asks for; `remove()` deletes them (once their members are gone). */
export function cgroupLimits(dir: string, limits: Limits): Throttle {
  const device = diskOf(dir);
  const name = `pipespan-test-${process.pid}-${Date.now()}-${groups++}`;
  const made: string[] = [];
  let join = "";
  if (limits.readBps !== undefined || limits.writeBps !== undefined) {
    if (!existsSync(`${BLKIO}/blkio.throttle.write_bps_device`)) {
      throw new Error(`cgroup v1 blkio throttling is not available (${BLKIO}); I/O-bound tests need it`);
    }
    const g = `${BLKIO}/${name}`;
    mkdirSync(g);
    made.push(g);
    if (limits.writeBps !== undefined)
      writeFileSync(`${g}/blkio.throttle.write_bps_device`, `${device} ${limits.writeBps}`);
    if (limits.readBps !== undefined)
      writeFileSync(`${g}/blkio.throttle.read_bps_device`, `${device} ${limits.readBps}`);
    join += `echo $$ > ${g}/cgroup.procs;`;
  }
  if (limits.cpuShares !== undefined) {
    if (!existsSync(`${CPU}/cpu.shares`)) {
      throw new Error(`the cgroup v1 cpu controller is not available (${CPU}); CPU-bound tests need it`);
    }
    const g = `${CPU}/${name}`;
    mkdirSync(g);
    made.push(g);
    writeFileSync(`${g}/cpu.shares`, String(limits.cpuShares));
    join += ` echo $$ > ${g}/cgroup.procs;`;
  }
  if (limits.memoryBytes !== undefined) {
    if (!existsSync(`${MEMORY}/memory.limit_in_bytes`)) {
      throw new Error(`the cgroup v1 memory controller is not available (${MEMORY}); I/O-bound tests need it`);
    }
    const g = `${MEMORY}/${name}`;
    mkdirSync(g);
    made.push(g);
    writeFileSync(`${g}/memory.limit_in_bytes`, String(limits.memoryBytes));
    join += ` echo $$ > ${g}/cgroup.procs;`;
  }
  return {
    join,
    device,
    remove() {
      for (const g of made) {
        try {
          rmdirSync(g);
        } catch {
          /* still has members: they end with the test */
        }
      }
    },
  };
}

export function blkioThrottle(dir: string, bytesPerSecond: number): Throttle {
  return cgroupLimits(dir, { readBps: bytesPerSecond, writeBps: bytesPerSecond });
}

export interface LoopDevice {
  /** /dev/loopN */
  readonly path: string;
  /** The kernel name ("loop0"). */
  readonly name: string;
  remove(): void;
}

/**
 * A loop device over a new file of `bytes` at `file`, doing direct I/O on it. The loop driver writes through to
 * the file on behalf of the cgroup of whoever wrote to the device, so a blkio limit on the file's disk holds a
 * writer of the loop device too, while the writer's own bios go to the loop device in its own context.
 */
export function loopDevice(file: string, bytes: number): LoopDevice {
  execFileSync("truncate", ["-s", String(bytes), file]);
  let path: string;
  try {
    path = execFileSync("losetup", ["--find", "--show", "--direct-io=on", file], { encoding: "utf8" }).trim();
  } catch (err) {
    throw new Error(`no loop device could be set up over ${file} (losetup, util-linux; needs root): ${String(err)}`);
  }
  return {
    path,
    name: path.replace(/^\/dev\//, ""),
    remove: () => execFileSync("losetup", ["-d", path]),
  };
}

/** Writes back and evicts a file's pages from the page cache, so the next read of it goes to the disk. */
export function evictFromCache(path: string): void {
  execFileSync("sync", [path]);
  execFileSync("dd", [`if=${path}`, "iflag=nocache", "count=0", "status=none"]);
}
