// Where time went, one colour each (also in style.css as --cpu, --io, --rq, --other).
export const COLORS = {
  cpu: "#3b7dd8",
  io: "#e4572e",
  rq: "#f3a712",
  other: "#c9ced6",
  unmeasured: "#e8ebef",
  failed: "#b3261e",
} as const;

export const PART_LABELS = ["on CPU", "I/O wait", "run-queue wait", "sleep / other"] as const;
