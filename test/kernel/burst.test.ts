// A burst of short processes that ends with the run: whatever the kernel reported before the root exited is
// recorded, even when user space had fallen behind and the ring buffer still held thousands of records at the
// end (one drain hands over at most 4096 of them).
import { readFileSync, rmSync } from "node:fs";
import { readOtlpJsonTraces } from "@pipespan/findings";
import { ATTR_PROCESS_EXECUTABLE_NAME, ATTR_PROCESS_PID } from "@pipespan/semconv";
import { afterAll, describe, expect, it } from "vitest";
import { runPipespan, tmpOutDir } from "../support/cli.js";

const N = 3000;
const out = tmpOutDir();
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("eBPF source: a burst that ends the run", () => {
  it(`records all ${N} processes of a burst started in the background, 8 at a time, just before the root exits`, async () => {
    // xargs -P 8 keeps 8 `true`s in flight: the burst is as fast as the machine forks.
    const script = `seq ${N} | xargs -P 8 -n 1 /bin/true`;
    const r = await runPipespan(
      [
        "run",
        "--source",
        "ebpf",
        "--run-id",
        "burst",
        "--out",
        out,
        "--no-findings",
        "--no-report",
        "--",
        "bash",
        "-c",
        script,
      ],
      { timeoutMs: 240_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(readFileSync(`${out}/burst/run.json`, "utf8"));
    expect(run.lostEvents).toBe(0);
    const spans = (await readOtlpJsonTraces(`${out}/burst`)).spans;
    const trues = spans.filter(
      (s) => s.attributes[ATTR_PROCESS_PID] !== undefined && s.attributes[ATTR_PROCESS_EXECUTABLE_NAME] === "true",
    );
    expect(trues).toHaveLength(N);
  }, 300_000);
});
