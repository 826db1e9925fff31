import {
  ATTR_HOST_TYPE,
  ATTR_PIPESPAN_BLOCK_READ_BYTES,
  ATTR_PIPESPAN_BLOCK_WRITE_BYTES,
  ATTR_PIPESPAN_DISK_READ_BYTES,
  ATTR_PIPESPAN_DISK_WRITE_BYTES,
} from "@pipespan/semconv";
import { duration, mbps, pct, round } from "../format.js";
import { integralOf, peakOf, secondsAtOrAbove } from "../model/profile.js";
import { atCapThresholds } from "./at-cap.js";
import { defineRule, type RuleContext } from "./types.js";
import { clear, finding, insufficient, tooShortVerdict } from "./verdicts.js";

export const diskAtCap = defineRule({
  id: "disk-at-cap",
  description: "Storage throughput of the whole instance ran near its EBS baseline for much of the run.",
  needs: `${ATTR_PIPESPAN_BLOCK_READ_BYTES}/${ATTR_PIPESPAN_BLOCK_WRITE_BYTES} (eBPF) or ${ATTR_PIPESPAN_DISK_READ_BYTES}/${ATTR_PIPESPAN_DISK_WRITE_BYTES}, and the instance type`,
  thresholds: atCapThresholds,
  evaluate(ctx, th) {
    const run = ctx.run;
    if (ctx.tooShort) return [tooShortVerdict(ctx, "disk-at-cap")];
    const inst = ctx.instance;
    const missingBytes = run.coverage.block === 0 && run.coverage.disk === 0;
    if (missingBytes) {
      return [
        insufficient(
          "disk-at-cap",
          {},
          `needs storage byte counts (${ATTR_PIPESPAN_BLOCK_READ_BYTES} from the eBPF source, or ${ATTR_PIPESPAN_DISK_READ_BYTES})`,
          [ATTR_PIPESPAN_BLOCK_READ_BYTES, ATTR_PIPESPAN_DISK_READ_BYTES],
          run.wallS,
        ),
      ];
    }
    if (!inst) {
      return [
        insufficient(
          "disk-at-cap",
          {},
          `needs the instance type for its EBS baseline (${ATTR_HOST_TYPE} on the resource or --instance); ${ctx.instanceMissing ?? "not known"}`,
          [ATTR_HOST_TYPE],
          run.wallS,
        ),
      ];
    }
    if (inst.ebsBaselineBps === undefined) {
      return [
        insufficient(
          "disk-at-cap",
          {},
          `${inst.type}'s EBS baseline is not published (the catalog has only an "up to ${inst.ebsBurstMbps ?? "?"} Mbit/s" burst figure)`,
          ["ebs_baseline_mbps"],
          run.wallS,
          { instance_type: inst.type },
        ),
      ];
    }
    const p = ctx.profile;
    const cap = inst.ebsBaselineBps;
    const atCap = secondsAtOrAbove(p, p.storageBps, th.atCapFraction * cap);
    const share = run.wallS > 0 ? atCap / run.wallS : 0;
    const peak = peakOf(p, p.storageBps);
    const total = integralOf(p, p.storageBps);
    const top = busiestTasks(ctx, th.atCapFraction * cap);
    const evidence = {
      instance_type: inst.type,
      ebs_baseline_mbit_s: inst.ebsBaselineMbps ?? null,
      ebs_baseline_mb_s: round(cap / 1e6, 2),
      peak_mb_s: round(peak / 1e6, 2),
      avg_mb_s: round(run.wallS > 0 ? total / run.wallS / 1e6 : 0, 2),
      seconds_at_cap: round(atCap, 1),
      share_of_wall_at_cap: round(share),
      bytes_from: run.coverage.block > 0 ? "block" : "io_accounting",
      local_nvme_gb: inst.localNvmeGb ?? null,
      tasks_at_cap: top.map((t) => t.name).join(", ") || null,
      threshold_at_cap_fraction: th.atCapFraction,
      threshold_min_share_of_wall: th.minShareOfWall,
    };
    if (share < th.minShareOfWall) {
      return [
        clear(
          "disk-at-cap",
          {},
          `at the EBS cap for ${pct(share)} of the run (peak ${mbps(peak)} of ${mbps(cap)})`,
          evidence,
          run.wallS,
        ),
      ];
    }
    const mostly = top.length > 0 ? `, mostly ${top.map((t) => t.name).join(" and ")}` : "";
    return [
      finding(
        "disk-at-cap",
        top.length === 1 && top[0] ? { task: top[0].name, taskKey: top[0].key } : {},
        share >= th.criticalShareOfWall ? "critical" : "warning",
        `storage ran at ≥ ${pct(th.atCapFraction)} of ${inst.type}'s EBS baseline (${mbps(cap)} = ` +
          `${inst.ebsBaselineMbps} Mbit/s) for ${duration(atCap)} (${pct(share)} of the run)${mostly}`,
        evidence,
        "The instance's EBS bandwidth is the limit: a type with a higher EBS baseline (or local NVMe for scratch " +
          "data) shortens the I/O part; check the volumes' own throughput limits too. See the recommendations.",
        run.wallS,
      ),
    ];
  },
});

/** Tasks running while storage was at the cap, by their own bytes moved in that time (at most two). */
function busiestTasks(ctx: RuleContext, threshold: number): { name: string; key: string }[] {
  const p = ctx.profile;
  const scored: { name: string; key: string; bytes: number }[] = [];
  for (const t of ctx.run.tasks) {
    if (t.wholeRun || t.wallS <= 0) continue;
    const s = t.m.blockReadBytes !== undefined || t.m.blockWriteBytes !== undefined;
    const bytes = s
      ? (t.m.blockReadBytes ?? 0) + (t.m.blockWriteBytes ?? 0)
      : (t.m.diskReadBytes ?? 0) + (t.m.diskWriteBytes ?? 0);
    const atCap = secondsAtOrAbove(p, p.storageBps, threshold, t.startS, t.endS);
    if (atCap > 0 && bytes > 0) scored.push({ name: t.name, key: t.key, bytes: (bytes / t.wallS) * atCap });
  }
  scored.sort((a, b) => b.bytes - a.bytes);
  const total = scored.reduce((s, t) => s + t.bytes, 0);
  const out: { name: string; key: string }[] = [];
  let covered = 0;
  for (const t of scored) {
    if (out.length >= 2 || covered >= 0.8 * total) break;
    out.push({ name: t.name, key: t.key });
    covered += t.bytes;
  }
  return out;
}
