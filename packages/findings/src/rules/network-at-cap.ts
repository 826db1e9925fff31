import { ATTR_HOST_TYPE, ATTR_PIPESPAN_NETWORK_RX_BYTES, ATTR_PIPESPAN_NETWORK_TX_BYTES } from "@pipespan/semconv";
import { duration, mbps, pct, round } from "../format.js";
import { maxSeries, peakOf, secondsAtOrAbove } from "../model/profile.js";
import { atCapThresholds } from "./at-cap.js";
import { defineRule } from "./types.js";
import { clear, finding, insufficient, sourceNote, tooShortVerdict } from "./verdicts.js";

export const networkAtCap = defineRule({
  id: "network-at-cap",
  description: "Network throughput of the whole instance ran near its baseline bandwidth for much of the run.",
  needs: `${ATTR_PIPESPAN_NETWORK_TX_BYTES}/${ATTR_PIPESPAN_NETWORK_RX_BYTES} (eBPF source), and the instance type`,
  thresholds: atCapThresholds,
  evaluate(ctx, th) {
    const run = ctx.run;
    if (ctx.tooShort) return [tooShortVerdict(ctx, "network-at-cap")];
    const inst = ctx.instance;
    if (run.coverage.network === 0) {
      return [
        insufficient(
          "network-at-cap",
          {},
          `needs socket byte counts (${ATTR_PIPESPAN_NETWORK_TX_BYTES}, ${ATTR_PIPESPAN_NETWORK_RX_BYTES}), which the eBPF source measures; ${sourceNote(ctx)}`,
          [ATTR_PIPESPAN_NETWORK_TX_BYTES, ATTR_PIPESPAN_NETWORK_RX_BYTES],
          run.wallS,
        ),
      ];
    }
    if (!inst || inst.networkBaselineBps === undefined) {
      return [
        insufficient(
          "network-at-cap",
          {},
          inst
            ? `${inst.type} has no published network baseline`
            : `needs the instance type for its network baseline (${ATTR_HOST_TYPE} or --instance); ${ctx.instanceMissing ?? "not known"}`,
          [ATTR_HOST_TYPE],
          run.wallS,
        ),
      ];
    }
    // EC2 bandwidth figures apply to each direction separately (in and out each get the full figure).
    const p = ctx.profile;
    const busier = maxSeries(p.netTxBps, p.netRxBps);
    const cap = inst.networkBaselineBps;
    const atCap = secondsAtOrAbove(p, busier, th.atCapFraction * cap);
    const share = run.wallS > 0 ? atCap / run.wallS : 0;
    const peak = peakOf(p, busier);
    const evidence = {
      instance_type: inst.type,
      network_baseline_gbit_s: inst.networkBaselineGbps ?? null,
      network_baseline_mb_s: round(cap / 1e6, 2),
      peak_mb_s: round(peak / 1e6, 2),
      seconds_at_cap: round(atCap, 1),
      share_of_wall_at_cap: round(share),
      tx_bytes: run.m.netTxBytes ?? null,
      rx_bytes: run.m.netRxBytes ?? null,
      threshold_at_cap_fraction: th.atCapFraction,
      threshold_min_share_of_wall: th.minShareOfWall,
    };
    if (share < th.minShareOfWall) {
      return [
        clear(
          "network-at-cap",
          {},
          `at the network cap for ${pct(share)} of the run (peak ${mbps(peak)})`,
          evidence,
          run.wallS,
        ),
      ];
    }
    return [
      finding(
        "network-at-cap",
        {},
        share >= th.criticalShareOfWall ? "critical" : "warning",
        `network ran at ≥ ${pct(th.atCapFraction)} of ${inst.type}'s baseline (${inst.networkBaselineGbps} Gbit/s) ` +
          `for ${duration(atCap)} (${pct(share)} of the run)`,
        evidence,
        "The instance's network bandwidth is the limit: a type with a higher network baseline (the *n types) " +
          "helps; so does moving less data (compression, keeping data in-region). See the recommendations.",
        run.wallS,
      ),
    ];
  },
});
