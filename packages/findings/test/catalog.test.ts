import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FindingsError, loadCatalog, parseCatalog, parseCsv, requireInstanceType } from "../src/index.js";

const CSV = readFileSync(new URL("../data/ec2-instances.csv", import.meta.url), "utf8");
const HEADER = CSV.split("\n")[0] as string;
// The data file's rows end in CRLF: a row is taken without its CR, so that text appended to it stays on its line.
const rowOf = (type: string) => (CSV.split("\n").find((l) => l.startsWith(`${type},`)) as string).replace(/\r$/, "");

describe("instance catalog", () => {
  it("ships all 221 rows and its provenance file as package data", () => {
    const c = loadCatalog();
    expect(c.types).toHaveLength(221);
    expect(readFileSync(new URL("../data/ec2-instances.SOURCE.md", import.meta.url), "utf8")).toMatch(/megabits/);
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(pkg.files).toContain("data");
  });

  it("converts EBS megabits/s and network gigabits/s to bytes/s (r6i.16xlarge: 20000 Mbit/s = 2500 MB/s)", () => {
    const t = requireInstanceType(loadCatalog(), "r6i.16xlarge");
    expect(t.vcpu).toBe(64);
    expect(t.memoryGib).toBe(512);
    expect(t.memoryBytes).toBe(512 * 1024 ** 3);
    expect(t.ebsBaselineMbps).toBe(20000);
    expect(t.ebsBaselineBps).toBe(2.5e9); // 20000 × 10^6 bits / 8
    expect(t.networkBaselineGbps).toBe(25);
    expect(t.networkBaselineBps).toBe(3.125e9);
    expect(t.pricePerHourUsd).toBe(4.032);
    // The MB/s column of the same row agrees: 2500.
    expect(rowOf("r6i.16xlarge").split(",")[17]).toBe("2500");
  });

  it("keeps an unpublished EBS baseline unknown instead of using the burst figure", () => {
    const t = requireInstanceType(loadCatalog(), "r7a.large");
    expect(t.ebsBaselineMbps).toBeUndefined();
    expect(t.ebsBaselineBps).toBeUndefined();
    expect(t.ebsBurstMbps).toBe(10000);
  });

  it("rejects a row whose MB/s column disagrees with Mbit/s ÷ 8 (a unit slip)", () => {
    const bad = rowOf("r6i.16xlarge").replace(",2500,2500,", ",20000,2500,");
    expect(() => parseCatalog(`${HEADER}\n${bad}\n`)).toThrow(/disagrees with ebs_baseline_mbps/);
  });

  it("rejects ragged rows, non-numbers, duplicates and missing columns with the line", () => {
    const row = rowOf("r6i.large");
    expect(() => parseCatalog(`${HEADER}\n${row},extra\n`)).toThrow(/line 2: 26 fields, the header has 25/);
    expect(() => parseCatalog(`${HEADER}\n${row.replace(",2,16,", ",two,16,")}\n`)).toThrow(/:2: vcpu is not/);
    expect(() => parseCatalog(`${HEADER}\n${row}\n${row}\n`)).toThrow(/appears twice/);
    expect(() => parseCatalog("instance_type,family\nr6i.large,r6i\n")).toThrow(/missing column/);
    expect(() => parseCatalog(HEADER)).toThrow(FindingsError);
  });

  it("names close matches for an unknown type", () => {
    const err = (() => {
      try {
        requireInstanceType(loadCatalog(), "r6i.17xlarge");
      } catch (e) {
        return e as FindingsError;
      }
    })();
    expect(err?.kind).toBe("unknown-instance");
    expect(err?.message).toMatch(/unknown instance type "r6i.17xlarge".*did you mean r6i\./);
  });
});

describe("strict CSV reader", () => {
  it("reads quoted fields with commas and doubled quotes", () => {
    const t = parseCsv('a,b,c\n1,"x, y","say ""hi"""\n');
    expect(t.rows[0]?.fields).toEqual(["1", "x, y", 'say "hi"']);
  });
  it("rejects stray and unterminated quotes", () => {
    expect(() => parseCsv('a,b\n1,x"y\n')).toThrow(/stray quote/);
    expect(() => parseCsv('a,b\n1,"xy\n')).toThrow(/unterminated/);
    expect(() => parseCsv('a,b\n1,"x"y\n')).toThrow(/after a quoted field/);
  });
});
