import { ATTR_PIPESPAN_DEVICE_TIMELINE_READ_BYTES, EVENT_PIPESPAN_DEVICE_IO } from "@pipespan/semconv";
import { z } from "zod";
import { duration, mbps, pct, round } from "../format.js";
import { classifyPlateau } from "../model/plateau.js";
import { defineRule, type Verdict } from "./types.js";
import { clear, finding, insufficient } from "./verdicts.js";

export const storagePlateau = defineRule({
  id: "storage-plateau",
  description:
    "A device's throughput or request rate sat flat at its own maximum for much of the run while tasks waited on storage: a storage limit, found without knowing the cap.",
  needs: `${EVENT_PIPESPAN_DEVICE_IO} events on the run span (${ATTR_PIPESPAN_DEVICE_TIMELINE_READ_BYTES}, …; eBPF source)`,
  thresholds: z.object({}),
  evaluate(ctx) {
    const run = ctx.run;
    if (run.devices.length === 0) {
      return [
        insufficient(
          "storage-plateau",
          {},
          `needs per-device storage series (${EVENT_PIPESPAN_DEVICE_IO} events on the run span), which the eBPF source records`,
          [EVENT_PIPESPAN_DEVICE_IO],
          run.wallS,
        ),
      ];
    }
    if (ctx.tooShort) {
      return [
        insufficient(
          "storage-plateau",
          {},
          `the run is too short to judge (${duration(run.wallS)} < ${ctx.options.minRunSeconds} s)`,
          [],
          run.wallS,
        ),
      ];
    }
    const out: Verdict[] = [];
    for (const p of ctx.plateaus) {
      const limit = classifyPlateau(p, ctx.measured.type);
      const rate =
        p.kind === "throughput"
          ? `${mbps(p.bytesPerS)}${p.opsPerS > 0 ? ` (${p.opsPerS.toFixed(0)} IOPS, ${(p.requestBytes / 1024).toFixed(0)} KiB per request)` : ""}`
          : `${p.opsPerS.toFixed(0)} IOPS (${mbps(p.bytesPerS)}, ${(p.requestBytes / 1024).toFixed(0)} KiB per request)`;
      const evidence = {
        device: p.device,
        kind: p.kind,
        direction: p.direction,
        plateau_bytes_per_s: round(p.bytesPerS, 0),
        plateau_mb_s: round(p.bytesPerS / 1e6, 2),
        plateau_iops: round(p.opsPerS, 1),
        request_bytes: round(p.requestBytes, 0),
        seconds_at_plateau: round(p.seconds, 1),
        share_of_run: round(p.share),
        first_s: round(p.firstS, 1),
        last_s: round(p.lastS, 1),
        io_wait_share: p.ioWaitShare !== undefined ? round(p.ioWaitShare) : null,
        device_busy_share: p.busyShare !== undefined ? round(p.busyShare) : null,
        limit: limit.where,
        instance_type: limit.instanceType ?? null,
        instance_cap: limit.instanceCap ?? null,
      };
      out.push(
        finding(
          "storage-plateau",
          {},
          p.share >= 0.5 ? "critical" : "warning",
          `${p.device} sat flat at ${rate} for ${duration(p.seconds)} (${pct(p.share)} of the run) while tasks ` +
            `waited on storage${p.ioWaitShare !== undefined ? ` (${pct(p.ioWaitShare)} of that time)` : ""}: ${limit.why}`,
          evidence,
          limit.where === "instance"
            ? "The instance's EBS bandwidth is the limit: a type with a higher EBS baseline, or instance-store NVMe for scratch data, lifts it (see the storage options and recommendations)."
            : `Lift ${p.device}'s ${p.kind === "throughput" ? "throughput" : "IOPS"} limit: provision more on the volume (gp3, io2) or put scratch data on instance store; the storage options list each with its estimated runtime.`,
          p.lastS,
        ),
      );
    }
    if (out.length === 0) {
      out.push(
        clear(
          "storage-plateau",
          {},
          `no device sat flat at its maximum for ≥ ${pct(ctx.options.plateauMinShare)} of the run while tasks waited on storage (${run.devices.map((d) => d.name).join(", ")})`,
          { devices: run.devices.map((d) => d.name).join(",") },
          run.wallS,
        ),
      );
    }
    return out;
  },
});
