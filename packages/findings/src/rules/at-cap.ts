// What the "at the instance's cap" rules (disk-at-cap, network-at-cap) share: their thresholds.
import { z } from "zod";

export const atCapThresholds = z.object({
  /** Throughput at or above this share of the instance's baseline counts as "at the cap". */
  atCapFraction: z.number().gt(0).max(2).default(0.8),
  /** Flag the run when it was at the cap for at least this share of its wall time… */
  minShareOfWall: z.number().gt(0).max(1).default(0.25),
  /** …and call it critical from this share on. */
  criticalShareOfWall: z.number().gt(0).max(1).default(0.5),
});
