import { ATTR_PIPESPAN_CPU_TIME, ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME } from "@pipespan/semconv";
import { z } from "zod";
import { round } from "../format.js";
import { primaryVerdicts } from "./primary.js";
import { defineRule, taskSubject, type Verdict } from "./types.js";
import { insufficient, sourceNote } from "./verdicts.js";

export const ioBound = defineRule({
  id: "io-bound",
  description: "Storage I/O (io_schedule) held the task while its CPUs sat idle.",
  needs: `${ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME} (eBPF source), ${ATTR_PIPESPAN_CPU_TIME}`,
  thresholds: z.object({}),
  evaluate(ctx) {
    const out: Verdict[] = primaryVerdicts(ctx, "io-bound");
    // Tasks the model cannot judge (no off-CPU times: the procfs source) say so, once per task.
    for (const t of ctx.judged()) {
      if (ctx.limits(t)) continue;
      const cpuUtil = t.m.cpuS !== undefined && t.wallS > 0 ? t.m.cpuS / t.wallS : undefined;
      out.push(
        insufficient(
          "io-bound",
          taskSubject(t),
          `needs off-CPU I/O-wait time (${ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME}), which the eBPF source measures; ` +
            `${sourceNote(ctx)}, which sees CPU time only, so the wall time not spent on a CPU cannot be ` +
            "told apart (I/O wait, sleep, waiting for a CPU)",
          [ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME],
          t.endS,
          { wall_s: round(t.wallS), cpu_cores: cpuUtil !== undefined ? round(cpuUtil) : null },
        ),
      );
    }
    return out;
  },
});
