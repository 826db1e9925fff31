// Reader threads against the single-thread reader: the same run model, the same findings, the same warnings and
// the same one-line errors. Files are cut into ranges of a few hundred bytes here (the real ranges are 1–16 MiB),
// so lines cross range ends in every way: a range that starts mid-line, one that ends on a newline, one that owns
// no line at all, a last line without its newline.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  analyzeRun,
  type LoadRunOptions,
  loadRun,
  OtlpJsonError,
  readOtlpJsonTraces,
  type SpanSink,
  toJsonReport,
} from "@pipespan/findings";
import { afterAll, describe, expect, it } from "vitest";
import { scratchDir } from "../support/cli.ts";
import { foundingStory } from "./support/founding-story.ts";
import { writeRunFolder } from "./support/synthetic.ts";
import { deviceEvent, hostResource, repeat, timelineAttrs } from "./support/timeline.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function dir(): string {
  const d = scratchDir("pipespan-parallel-");
  dirs.push(d);
  return d;
}

/** Reader threads on every file, whatever its size, in ranges of `rangeBytes`. */
const threaded = (rangeBytes: number, threads = 2): LoadRunOptions => ({
  threads,
  parallelMinBytes: 0,
  parallelRangeBytes: rangeBytes,
});
const single: LoadRunOptions = { threads: 0 };

async function expectSameAnalysis(runDir: string, options: LoadRunOptions): Promise<void> {
  const a = await loadRun(runDir, options);
  const b = await loadRun(runDir, single);
  const exact = await loadRun(runDir, { exact: true });
  expect(a.model.processes.length).toBeGreaterThan(0);
  expect(a.model).toEqual(b.model);
  expect(a.model).toEqual(exact.model);
  expect(a.warnings).toEqual(b.warnings);
  expect(a.files).toEqual(b.files);
  const ra = analyzeRun(a.model);
  const rb = analyzeRun(b.model);
  expect(ra.findings.length).toBeGreaterThan(0);
  expect(ra).toEqual(rb);
  expect(JSON.stringify(toJsonReport(ra))).toBe(JSON.stringify(toJsonReport(rb)));
}

/** The founding story with timelines, device series, a measured host and a failed process, 3 spans a line. */
function richRun(d: string): string {
  const story = foundingStory();
  const buckets = [...repeat(20, { cpu: 1.5, io: 0.4, rq: 0.01, sleep: 0.1, active: 2 }), ...repeat(20, { io: 2 })];
  writeRunFolder(d, {
    ...story,
    batch: 3,
    resource: hostResource(16, 64 * 1024 ** 3),
    runAttrs: timelineAttrs(1, buckets),
    runEvents: [deviceEvent({ name: "nvme0n1", interval: 1, readBytes: [1e6, 2e6, 0], writeBytes: [0, 5e5, 1] })],
    tasks: story.tasks.map((t, i) =>
      i === 0
        ? {
            ...t,
            attrs: { ...t.attrs, ...timelineAttrs(0.5, buckets) },
            processes: t.processes.map((p, j) => (j === 0 ? { ...p, failed: true } : p)),
          }
        : t,
    ),
  });
  return join(d, "traces.jsonl");
}

function lines(file: string): string[] {
  return readFileSync(file, "utf8").split("\n").slice(0, -1);
}

describe("reader threads: the same analysis as one thread", () => {
  it("the threads read the lines and hand process spans over as rows", async () => {
    const d = dir();
    richRun(d);
    const count = async (threads: number) => {
      const seen = { spans: 0, rows: 0 };
      const sink: SpanSink = {
        add: () => {
          seen.spans++;
        },
        addRow: () => {
          seen.rows++;
        },
      };
      await readOtlpJsonTraces(d, { sink, threads, parallelMinBytes: 0, parallelRangeBytes: 800 });
      return seen;
    };
    const one = await count(0);
    const two = await count(2);
    expect(one.rows).toBe(0);
    expect(two.rows).toBeGreaterThan(0);
    expect(two.rows + two.spans).toBe(one.spans);
  });

  it("the founding story, in ranges of 300, 1000 and 4096 bytes, with 1 to 3 threads", async () => {
    const d = dir();
    writeRunFolder(d, { ...foundingStory(), batch: 2 });
    for (const [range, threads] of [
      [300, 2],
      [1000, 3],
      [4096, 1],
    ] as const) {
      await expectSameAnalysis(d, threaded(range, threads));
    }
  });

  it("timelines, device series, a measured host, a failed process", async () => {
    const d = dir();
    richRun(d);
    await expectSameAnalysis(d, threaded(777));
  });

  it("lines the lean reader leaves to the exact path are read there, in their place", async () => {
    const d = dir();
    const file = richRun(d);
    // Enum names and pretty-printing: valid OTLP/JSON the lean reader does not take.
    const all = lines(file).map((l, i) => {
      if (i % 4 !== 1) return l;
      const req = JSON.parse(l);
      for (const rs of req.resourceSpans)
        for (const ss of rs.scopeSpans) for (const s of ss.spans) s.kind = "SPAN_KIND_INTERNAL";
      return i % 8 === 1 ? JSON.stringify(req, null, 0).replace(/,"/g, ', "') : JSON.stringify(req);
    });
    writeFileSync(file, `${all.join("\n")}\n`);
    await expectSameAnalysis(d, threaded(900));
  });

  it("a truncated last line: the same warning, every complete line read", async () => {
    const d = dir();
    const file = richRun(d);
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.slice(0, text.length - 40));
    const a = await loadRun(d, threaded(500));
    const b = await loadRun(d, single);
    expect(a.warnings.some((w) => w.includes("truncated last line"))).toBe(true);
    expect(a.warnings).toEqual(b.warnings);
    expect(a.model).toEqual(b.model);
  });
});

describe("reader threads: bad input gives the single-thread error", () => {
  async function errorOf(runDir: string, options: LoadRunOptions): Promise<OtlpJsonError> {
    const err = await loadRun(runDir, options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OtlpJsonError);
    return err as OtlpJsonError;
  }

  it("a malformed line in the middle: the exact one-line error naming file:line", async () => {
    const d = dir();
    const file = richRun(d);
    const all = lines(file);
    const bad = Math.floor(all.length / 2);
    all[bad] = (all[bad] as string).replace('"spanId":', '"spanId" ');
    writeFileSync(file, `${all.join("\n")}\n`);
    const a = await errorOf(d, threaded(600));
    const b = await errorOf(d, single);
    expect(a.message).toBe(b.message);
    expect(a.message).toContain(`${file}:${bad + 1}`);
    expect(a.message).toMatch(/malformed JSON/);
    expect(a.message.split("\n")).toHaveLength(1);
  });

  it("a line that is JSON but not OTLP: the same zod-described error", async () => {
    const d = dir();
    const file = richRun(d);
    const all = lines(file);
    all[3] = (all[3] as string).replace(/"startTimeUnixNano":"\d+"/, '"startTimeUnixNano":"soon"');
    writeFileSync(file, `${all.join("\n")}\n`);
    const a = await errorOf(d, threaded(450));
    const b = await errorOf(d, single);
    expect(a.message).toBe(b.message);
    expect(a.message).toContain(`${file}:4`);
  });

  it("a line over the size bound: the same too-long error", async () => {
    const d = dir();
    const file = richRun(d);
    const longest = Math.max(...lines(file).map((l) => Buffer.byteLength(l)));
    const a = await errorOf(d, { ...threaded(500), maxLineBytes: longest - 1 });
    const b = await errorOf(d, { ...single, maxLineBytes: longest - 1 });
    expect(a.message).toBe(b.message);
    expect(a.kind).toBe("too-long");
  });
});
