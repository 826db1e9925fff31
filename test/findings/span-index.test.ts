// The process span-id index answers as a Map<string, number> would: the last index set for an id, -1 for one never
// set, across the table's growth and with ids that share their hash slot.
import { describe, expect, it } from "vitest";
import { SpanIndex } from "../../packages/findings/src/model/span-index.ts";

describe("SpanIndex", () => {
  it("matches a Map on 40,000 ids with repeats, through growth from the smallest table", () => {
    const ids: string[] = [];
    const index = new SpanIndex((i) => ids[i] as string, 1);
    const truth = new Map<string, number>();
    for (let i = 0; i < 40_000; i++) {
      // every 5th id repeats an earlier one: the later process wins, as with Map.set
      const id = i % 5 === 4 ? (ids[i - 3] as string) : (i * 2654435761).toString(16).padStart(16, "0");
      ids.push(id);
      index.set(id, i);
      truth.set(id, i);
    }
    expect(index.size).toBe(truth.size);
    for (const [id, i] of truth) expect(index.get(id)).toBe(i);
    expect(index.get("ffffffffffffffff0")).toBe(-1);
    expect(index.get("")).toBe(-1);
  });
});
