// The sources read a process's environment through one allow-list: pipespan's own keys plus, by name, the keys
// workflow managers set for their tasks (NXF_TASK_WORKDIR). Nothing else of an environment is ever kept.
import { ENV_NXF_TASK_WORKDIR, ENV_PIPESPAN_TASK_NAME, ENV_PROTOCOL_KEYS, WORKFLOW_ENV_KEYS } from "@pipespan/semconv";
import { describe, expect, it } from "vitest";
import { OWN_ENV_KEYS, READ_ENV_KEYS } from "../../src/run/own-env.js";
import { traced } from "../procfs/trace.js";

describe("the environment keys pipespan reads", () => {
  it("are its own keys and the workflow managers' named keys, nothing more", () => {
    expect(READ_ENV_KEYS).toEqual([...ENV_PROTOCOL_KEYS, ...WORKFLOW_ENV_KEYS]);
    expect(WORKFLOW_ENV_KEYS).toEqual([ENV_NXF_TASK_WORKDIR]);
    // The command's own keys (stripped of stale values by `pipespan run`) do not include foreign ones.
    expect(OWN_ENV_KEYS).not.toContain(ENV_NXF_TASK_WORKDIR);
  });

  it("keeps NXF_TASK_WORKDIR of a real process and drops the rest of its environment", async () => {
    const env = {
      PATH: process.env["PATH"],
      [ENV_NXF_TASK_WORKDIR]: "/mnt/work/3f/9a2c1e7b4d0f5a8e6c2b1d9f4e7a3c",
      [ENV_PIPESPAN_TASK_NAME]: "x",
      NXF_DEBUG: "2",
      AWS_SECRET_ACCESS_KEY: "z",
      HOME: "/root",
    };
    const t = await traced("bash", ["-c", "sleep 0.5; true"], { env, source: { envKeys: READ_ENV_KEYS } });
    for (const p of t.procs.values()) {
      for (const e of [p.start, ...p.execs])
        expect(e.env).toEqual({
          [ENV_NXF_TASK_WORKDIR]: "/mnt/work/3f/9a2c1e7b4d0f5a8e6c2b1d9f4e7a3c",
          [ENV_PIPESPAN_TASK_NAME]: "x",
        });
    }
  });
});
