// Fuzzing the workflow-event inputs (fast-check): the weblog and Snakemake-plugin parsers, the HTTP receiver and
// the run-folder event files. Whatever comes in: no exception, a refusal is a 4xx with a one-line reason, a good
// event is taken (200), and the receiver keeps answering.
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NextflowSource } from "../../src/attribution/nextflow-source.js";
import { EventFiles } from "../../src/workflow/event-files.js";
import { parseWeblogEvent } from "../../src/workflow/nextflow/weblog-schema.js";
import { WeblogStore } from "../../src/workflow/nextflow/weblog-store.js";
import { WorkflowReceiver } from "../../src/workflow/receiver.js";
import { parseSnakemakeEvent, SNAKEMAKE_SCHEMA } from "../../src/workflow/snakemake/events.js";
import { SnakemakeStore } from "../../src/workflow/snakemake/store.js";
import * as P from "./weblog-payloads.js";

const H = `3f${"9a2c1e7b4d0f5a8e6c2b1d9f4e7a3c"}`;
const task: P.TaskSpec = { id: 1, process: "ALIGN", tag: "s1", hash: H };
const GOOD_WEBLOG: object[] = [P.started("r"), ...P.lifecycle("r", task), P.error("r"), P.done("r")];
const smk = (body: object) => ({ schema: SNAKEMAKE_SCHEMA, pid: 4242, start_ticks: 99, time: 1772443872.4, ...body });
const GOOD_SNAKEMAKE: object[] = [
  smk({ event: "plugin_started", argv: ["snakemake"], cwd: "/w" }),
  smk({ event: "workflow_started", workflow_id: "wf", snakefile: "/w/Snakefile", basedir: "/w", cwd: "/w" }),
  smk({
    event: "job_info",
    jobid: 3,
    rule_name: "count",
    wildcards: { sample: "a" },
    threads: 2,
    resources: { mem_mb: 300, tmpdir: "/tmp" },
    shellcmd: "zcat a | wc -c",
    input: ["a"],
    output: ["b"],
    log: [],
    local: false,
  }),
  smk({ event: "job_started", jobs: [3] }),
  smk({ event: "job_finished", jobid: 3 }),
  smk({ event: "job_error", jobid: 3, rule_name: "count" }),
  smk({ event: "plugin_closed", undelivered: 0 }),
];

/** A valid payload with a random part replaced, removed or added: the shapes a broken sender produces. */
function mutated(good: readonly object[]): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.constantFrom(...good), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.jsonValue()), { maxLength: 4 }))
    .map(([base, edits]) => {
      const copy = structuredClone(base) as Record<string, unknown>;
      for (const [i, j, value] of edits) {
        // Walk to a random nested object, then set, delete or replace one of its keys.
        let node: Record<string, unknown> = copy;
        for (let depth = 0; depth < i % 3; depth++) {
          const objs = Object.values(node).filter((v) => typeof v === "object" && v !== null) as Record<
            string,
            unknown
          >[];
          if (objs.length === 0) break;
          node = objs[(i + depth) % objs.length]!;
        }
        const keys = Object.keys(node);
        const key = keys.length > 0 && j % 4 !== 0 ? keys[j % keys.length]! : `k${j % 7}`;
        if (j % 5 === 0) delete node[key];
        else node[key] = value;
      }
      return copy;
    });
}

const anyBody: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue(), mutated(GOOD_WEBLOG), mutated(GOOD_SNAKEMAKE));

function oneLineReason(r: { ok: true } | { ok: false; reason: string }): boolean {
  return r.ok || (r.reason.length > 0 && r.reason.length < 1000 && !r.reason.includes("\n"));
}

describe("parsers under fuzzing", () => {
  it("the weblog parser never throws; an accepted event always applies (20 000 cases)", () => {
    const store = new WeblogStore();
    const src = new NextflowSource({ weblog: store, readHeader: () => undefined });
    fc.assert(
      fc.property(anyBody, (body) => {
        const r = parseWeblogEvent(body);
        expect(oneLineReason(r)).toBe(true);
        if (r.ok) store.apply(r.event);
      }),
      { numRuns: 20_000 },
    );
    expect(() => src.runAttributes()).not.toThrow();
    for (const e of GOOD_WEBLOG) expect(parseWeblogEvent(e).ok).toBe(true);
  });

  it("the Snakemake-event parser never throws; an accepted event always applies (20 000 cases)", () => {
    const store = new SnakemakeStore();
    fc.assert(
      fc.property(anyBody, (body) => {
        const r = parseSnakemakeEvent(body);
        expect(oneLineReason(r)).toBe(true);
        if (r.ok) store.apply(r.event);
      }),
      { numRuns: 20_000 },
    );
    for (const e of GOOD_SNAKEMAKE) expect(parseSnakemakeEvent(e).ok).toBe(true);
  });
});

interface Answer {
  status: number;
  body: string;
}

function post(url: string, path: string, method: string, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method, agent: keepAlive, headers: { "content-type": "application/json" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });

describe("the HTTP receiver under fuzzing", () => {
  const weblog = new WeblogStore();
  const snakemake = new SnakemakeStore();
  const receiver = new WorkflowReceiver({ port: 0, weblog, snakemake, maxBodyBytes: 256 * 1024 });
  let url = "";
  beforeAll(async () => {
    url = (await receiver.start()).url;
  });
  afterAll(async () => {
    keepAlive.destroy();
    await receiver.stop();
  });

  it("answers 200 or a 4xx with a reason to 3000 random requests, and still takes good events after", async () => {
    const bodies = fc.oneof(
      anyBody.map((v) => Buffer.from(JSON.stringify(v) ?? "null")),
      fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
      fc.string({ maxLength: 300 }).map((s) => Buffer.from(s)),
      fc.constant(Buffer.alloc(300 * 1024, 0x5b)),
    );
    const paths = fc.constantFrom("/", "/nextflow", "/snakemake", "/weblog", "/nope", "/snakemake?x=1", "//");
    const methods = fc.constantFrom("POST", "POST", "POST", "PUT", "GET");
    const samples = fc.sample(fc.tuple(bodies, paths, methods), { numRuns: 3000, seed: 4390 });
    const statuses = new Map<number, number>();
    let posts = 0;
    for (const [body, path, method] of samples) {
      const a = await post(url, path, method, method === "GET" ? Buffer.alloc(0) : body);
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      if (a.status === 200) continue;
      expect([400, 404, 405, 413, 422], `${method} ${path} -> ${a.status} ${a.body}`).toContain(a.status);
      const reason = (JSON.parse(a.body) as { error?: string }).error;
      expect(reason && reason.length > 0 && !reason.includes("\n")).toBe(true);
      if (method === "POST" && ["/", "/nextflow", "/weblog", "/snakemake", "/snakemake?x=1"].includes(path)) posts++;
    }
    // Refusals of every kind happened, and good events among the random ones were taken.
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([200, 400, 404, 405, 413, 422]));
    const stats = receiver.stats();
    expect(stats.refused).toBeGreaterThanOrEqual(posts);
    for (const e of GOOD_WEBLOG)
      expect((await post(url, "/nextflow", "POST", Buffer.from(JSON.stringify(e)))).status).toBe(200);
    for (const e of GOOD_SNAKEMAKE)
      expect((await post(url, "/snakemake", "POST", Buffer.from(JSON.stringify(e)))).status).toBe(200);
    expect(weblog.task(H)?.status).toBe("COMPLETED");
    expect(snakemake.workflowOf(4242)?.jobs.at(-1)?.rule).toBe("count");
  });
});

describe("run-folder event files under fuzzing", () => {
  const dir = mkdtempSync(join(tmpdir(), "pipespan-events-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("skips bad lines (counted, reported once) and takes the good ones, however the file is cut", () => {
    const store = new SnakemakeStore();
    const warnings: string[] = [];
    const files = new EventFiles({
      dir,
      match: /^snakemake-\d+\.jsonl$/,
      onLine: (v) => {
        const r = parseSnakemakeEvent(v);
        if (!r.ok) return r.reason;
        store.apply(r.event);
        return undefined;
      },
      onWarning: (l) => warnings.push(l),
    });
    const file = join(dir, "snakemake-4242.jsonl");
    const lines = fc.sample(
      fc.oneof(
        anyBody.map((v) => JSON.stringify(v) ?? "null"),
        fc.string({ maxLength: 200 }).map((s) => s.replace(/\n/g, " ")),
      ),
      { numRuns: 2000, seed: 12 },
    );
    const decode = (l: string): unknown => {
      try {
        return JSON.parse(l);
      } catch {
        return undefined;
      }
    };
    let good = 0;
    let nonBlank = 0;
    let text = "";
    for (const l of [...lines, ...GOOD_SNAKEMAKE.map((e) => JSON.stringify(e))]) {
      if (l.trim() !== "") nonBlank++;
      if (parseSnakemakeEvent(decode(l)).ok) good++;
      text += `${l}\n`;
    }
    // Written in uneven pieces, read in between: a line cut in two is taken whole once its end arrives.
    for (let i = 0; i < text.length; i += 777) {
      appendFileSync(file, text.slice(i, i + 777));
      files.poll();
    }
    files.close();
    expect(files.accepted).toBe(good);
    // Blank lines are no events; every other line is taken or refused.
    expect(files.accepted + files.refused).toBe(nonBlank);
    expect(warnings).toHaveLength(1);
    expect(store.workflowOf(4242)?.closed).toBe(true);
  });
});
