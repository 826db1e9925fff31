// Fuzzing (fast-check) of every parser and entry point that takes outside input: the OTLP/JSON reader and the
// replay decoder, the rules config, the CLI arguments, the environment protocol (the SDK's and the agent's
// reading of /proc), traceparent, and the files pipespan reads back (run.json, export state). Over 100 000
// cases in all: none may crash (throw anything but the parser's own one-line error), hang or leak a stack trace.
// Then the same inputs through the real `pipespan` command: each error is one line with exit 2.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  contextFromEnv,
  decodeMetricsRequest,
  decodeTraceRequest,
  dropReason,
  OtlpJsonDecodeError,
  parseHealthAddress,
  recoverRun,
  UserError,
} from "@pipespan/agent";
import { FindingsError, loadConfig, OtlpJsonError, parseConfig, parseOtlpJsonTraces, RULES } from "@pipespan/findings";
import { extractEnv, parseTraceparent as sdkParseTraceparent } from "@pipespan/sdk";
import { formatTraceparent, parseTraceparent } from "@pipespan/semconv";
import { CommanderError } from "commander";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  parseCmdline,
  parseEnviron,
  parseIo,
  parseStat,
  parseStatus,
} from "../../packages/agent/src/source/procfs/parse.ts";
import { parseCommandRunHeader } from "../../packages/agent/src/workflow/nextflow/header.ts";
import { parseWeblogEvent, WEBLOG_EVENTS } from "../../packages/agent/src/workflow/nextflow/weblog-schema.ts";
import { WeblogStore } from "../../packages/agent/src/workflow/nextflow/weblog-store.ts";
import { parseWorkDir, workDirInArgv } from "../../packages/agent/src/workflow/nextflow/work-dir.ts";
import { WorkflowReceiver } from "../../packages/agent/src/workflow/receiver.ts";
import {
  parseSnakemakeEvent,
  SNAKEMAKE_EVENTS,
  SNAKEMAKE_SCHEMA,
} from "../../packages/agent/src/workflow/snakemake/events.ts";
import { SnakemakeStore } from "../../packages/agent/src/workflow/snakemake/store.ts";
import { program } from "../../packages/cli/src/main.ts";
import { PIPESPAN_BIN } from "../support/cli.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
/** Cases per property; their sum is the suite's budget (checked below). The seed makes CI runs repeatable. */
const CASES = {
  otlpReader: 20_000,
  decodeTraces: 20_000,
  decodeMetrics: 10_000,
  configDocs: 10_000,
  configFiles: 300,
  argv: 15_000,
  realCommand: 12,
  traceparent: 10_000,
  extractEnv: 10_000,
  procReaders: 10_000,
  smallParsers: 5_000,
  runJson: 300,
  weblog: 5_000,
  snakemake: 5_000,
  nextflowFiles: 5_000,
  receiverHttp: 150,
} as const;
const run = (n: number) => ({ numRuns: n, seed: 4242 });

/** An error that is the parser's own: of the expected class, its message one line of bounded length. */
function ownError(err: unknown, ...classes: (new (...a: never[]) => Error)[]): void {
  if (!classes.some((c) => err instanceof c)) throw err;
  const m = (err as Error).message;
  if (m.includes("\n") || m.length > 2_000) throw new Error(`not one bounded line: ${JSON.stringify(m.slice(0, 300))}`);
}

// ---- OTLP/JSON ----------------------------------------------------------------------------------------------

const hex = (n: number) => fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: n, maxLength: n });
const anyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    fc.record({ stringValue: fc.string() }),
    fc.record({ intValue: fc.oneof(fc.integer(), fc.string(), fc.bigInt().map(String)) }),
    fc.record({ doubleValue: fc.oneof(fc.double(), fc.constantFrom("NaN", "Infinity", "x")) }),
    fc.record({ boolValue: fc.oneof(fc.boolean(), fc.string()) }),
    fc.record({ bytesValue: fc.oneof(fc.base64String(), fc.string()) }),
    fc.record({ arrayValue: fc.record({ values: fc.array(tie("v"), { maxLength: 3 }) }) }),
    fc.record({
      kvlistValue: fc.record({ values: fc.array(fc.record({ key: fc.string(), value: tie("v") }), { maxLength: 3 }) }),
    }),
    fc.jsonValue(),
  ),
})).v;
const attrs = fc.array(fc.record({ key: fc.oneof(fc.string(), fc.constant(undefined)), value: anyValue }), {
  maxLength: 4,
});
const time = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String), fc.integer(), fc.string(), fc.constant(null));
const span = fc.record(
  {
    traceId: fc.oneof(hex(32), fc.string()),
    spanId: fc.oneof(hex(16), fc.string()),
    parentSpanId: fc.oneof(hex(16), fc.constant(""), fc.string()),
    name: fc.oneof(fc.string(), fc.integer()),
    kind: fc.oneof(fc.integer({ min: -1, max: 7 }), fc.string()),
    startTimeUnixNano: time,
    endTimeUnixNano: time,
    attributes: attrs,
    status: fc.oneof(
      fc.record({ code: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.string()), message: fc.string() }),
      fc.jsonValue(),
    ),
    events: fc.array(fc.record({ name: fc.string(), timeUnixNano: time, attributes: attrs }), { maxLength: 2 }),
    links: fc.array(fc.record({ traceId: hex(32), spanId: fc.oneof(hex(16), fc.string()), attributes: attrs }), {
      maxLength: 2,
    }),
    flags: fc.oneof(fc.integer(), fc.string()),
  },
  { requiredKeys: [] },
);
const traceRequest = fc.oneof(
  fc.record({
    resourceSpans: fc.array(
      fc.record(
        {
          resource: fc.oneof(fc.record({ attributes: attrs }), fc.jsonValue()),
          scopeSpans: fc.array(
            fc.record(
              {
                scope: fc.oneof(fc.record({ name: fc.string(), version: fc.string() }), fc.jsonValue()),
                spans: fc.array(span, { maxLength: 3 }),
              },
              { requiredKeys: [] },
            ),
            { maxLength: 2 },
          ),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 2 },
    ),
  }),
  fc.jsonValue(),
  fc.record({ resourceSpans: fc.jsonValue() }),
);
const number = fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(null));
const point = fc.record(
  {
    attributes: attrs,
    startTimeUnixNano: time,
    timeUnixNano: time,
    asDouble: number,
    asInt: fc.oneof(fc.integer(), fc.string()),
    count: fc.oneof(fc.integer(), fc.string()),
    sum: number,
    bucketCounts: fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 4 }),
    explicitBounds: fc.array(number, { maxLength: 4 }),
    scale: fc.integer(),
    positive: fc.record({ offset: fc.integer(), bucketCounts: fc.array(fc.integer(), { maxLength: 3 }) }),
  },
  { requiredKeys: [] },
);
const metric = fc.record(
  {
    name: fc.oneof(fc.string(), fc.constant("")),
    unit: fc.string(),
    sum: fc.record(
      {
        dataPoints: fc.array(point, { maxLength: 2 }),
        aggregationTemporality: fc.oneof(fc.integer(), fc.string()),
        isMonotonic: fc.jsonValue(),
      },
      { requiredKeys: [] },
    ),
    gauge: fc.record({ dataPoints: fc.array(point, { maxLength: 2 }) }),
    histogram: fc.record({ dataPoints: fc.array(point, { maxLength: 2 }) }),
    exponentialHistogram: fc.record({ dataPoints: fc.array(point, { maxLength: 2 }) }),
    summary: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
const metricsRequest = fc.oneof(
  fc.record({
    resourceMetrics: fc.array(
      fc.record(
        {
          resource: fc.record({ attributes: attrs }),
          scopeMetrics: fc.array(fc.record({ metrics: fc.array(metric, { maxLength: 3 }) }), { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 2 },
    ),
  }),
  fc.jsonValue(),
);

describe("OTLP/JSON", () => {
  it("the findings reader: spans or one OtlpJsonError line (20 000 cases)", () => {
    fc.assert(
      fc.property(traceRequest, (req) => {
        try {
          const spans = parseOtlpJsonTraces(req);
          for (const s of spans) expect(typeof s.spanId).toBe("string");
        } catch (err) {
          ownError(err, OtlpJsonError);
        }
      }),
      run(CASES.otlpReader),
    );
  });

  it("the replay decoder (traces): spans or one OtlpJsonDecodeError line (20 000 cases)", () => {
    fc.assert(
      fc.property(traceRequest, (req) => {
        try {
          decodeTraceRequest(req);
        } catch (err) {
          ownError(err, OtlpJsonDecodeError);
        }
      }),
      run(CASES.decodeTraces),
    );
  });

  it("the replay decoder (metrics): resource metrics or one OtlpJsonDecodeError line (10 000 cases)", () => {
    fc.assert(
      fc.property(metricsRequest, (req) => {
        try {
          decodeMetricsRequest(req);
        } catch (err) {
          ownError(err, OtlpJsonDecodeError);
        }
      }),
      run(CASES.decodeMetrics),
    );
  });
});

// ---- rules config ---------------------------------------------------------------------------------------------

const ruleIds = RULES.map((r) => r.id);
const configDoc = fc.oneof(
  fc.record(
    {
      rules: fc.oneof(
        fc.dictionary(
          fc.oneof(fc.constantFrom(...ruleIds), fc.string()),
          fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
        ),
        fc.jsonValue(),
      ),
      cost: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
);

describe("rules config", () => {
  it("documents: a config or one FindingsError line (10 000 cases)", () => {
    fc.assert(
      fc.property(configDoc, (doc) => {
        try {
          parseConfig(doc);
        } catch (err) {
          ownError(err, FindingsError);
        }
      }),
      run(CASES.configDocs),
    );
  });

  it("YAML text, as loadConfig reads it: a config or one FindingsError line (300 files)", async () => {
    const d = mkdtempSync(join(tmpdir(), "pipespan-fuzz-cfg-"));
    dirs.push(d);
    const text = fc.oneof(
      fc.string(),
      configDoc.map((doc) => `${JSON.stringify(doc)}\n`),
      fc.constantFrom("a: &x [*x]", "rules:\n  io-bound: {ioWaitShare: 2}", "\t\t:", "- - -"),
    );
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        const f = join(d, "c.yaml");
        writeFileSync(f, t);
        try {
          await loadConfig(f);
        } catch (err) {
          ownError(err, FindingsError);
        }
      }),
      run(CASES.configFiles),
    );
  });
});

// ---- CLI arguments --------------------------------------------------------------------------------------------

const word = fc.oneof(
  fc.constantFrom(
    "run",
    "task",
    "analyze",
    "agent",
    "export",
    "--",
    "--help",
    "-h",
    "--out",
    "--interval",
    "--kill-after",
    "--max-processes",
    "--max-threads",
    "--ring-buffer",
    "--health",
    "--max-queue",
    "--duration",
    "--source",
    "--run-id",
    "--instance",
    "--config",
    "--format",
    "--json",
    "--all",
    "--stall",
    "--attempt",
    "-q",
    "-o",
    "-V",
    "off",
    "0",
    "-1",
    "1e99",
    "NaN",
    "16",
    "4M",
    "127.0.0.1:0",
  ),
  fc.string({ maxLength: 12 }),
);

describe("CLI arguments", () => {
  it("parsing any argv: runs the (stubbed) command or fails with one pipespan line (15 000 cases)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 8 }), async (argv) => {
        const p = program();
        let out = "";
        const write = (s: string) => {
          out += s;
        };
        const capture = { writeOut: write, writeErr: write };
        p.configureOutput({ ...capture, outputError: (s, write) => write(`pipespan: ${s.replace(/\n/g, " ")}\n`) });
        for (const sub of p.commands) {
          sub.action(() => undefined);
          sub.configureOutput({
            ...capture,
            outputError: (s, write) => write(`pipespan ${sub.name()}: ${s.replace(/\n/g, " ")}\n`),
          });
        }
        try {
          await p.parseAsync(argv, { from: "user" });
        } catch (err) {
          if (err instanceof CommanderError) {
            // No command at all shows the help (as git does); everything else that fails is one line.
            if (err.exitCode !== 0 && err.code !== "commander.help") {
              const lines = out.trim().split("\n");
              expect(lines.length, out).toBe(1);
              expect(lines[0]).toMatch(/^pipespan/);
            }
            return;
          }
          ownError(err, UserError);
        }
      }),
      run(CASES.argv),
    );
  });

  it("the real command with garbage: exit 2, one line, never 'internal error' (12 runs)", { timeout: 180_000 }, () => {
    const d = mkdtempSync(join(tmpdir(), "pipespan-fuzz-cli-"));
    dirs.push(d);
    fc.assert(
      fc.property(
        fc.constantFrom("analyze", "export", "agent"),
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 200 }),
          traceRequest.map((r) => JSON.stringify(r)),
        ),
        fc.array(word, { maxLength: 3 }),
        (cmd, content, extra) => {
          const f = join(d, "input.json");
          writeFileSync(f, content);
          // Options that would run something for real are not given: only input and parsing are fuzzed here.
          const args =
            cmd === "agent"
              ? ["agent", "--duration", content.slice(0, 20)]
              : [cmd, ...extra.filter((w) => !["run", "task", "agent", "--help", "-h", "-V"].includes(w)), f];
          const r = spawnSync(process.execPath, [PIPESPAN_BIN, ...args], {
            encoding: "utf8",
            env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9", NO_COLOR: "1" },
            timeout: 30_000,
          });
          if (r.status === 0) return; // a well-formed input (or a request with nothing wrong in it)
          expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
          expect([2, 75], `${args.join(" ")}: ${r.stderr}`).toContain(r.status);
          expect(
            r.stderr
              .trim()
              .split("\n")
              .filter((l) => !/^pipespan: exporting/.test(l)).length,
            r.stderr,
          ).toBeLessThanOrEqual(2);
        },
      ),
      run(CASES.realCommand),
    );
  });
});

// ---- environment protocol, traceparent, /proc ----------------------------------------------------------------

const traceparentish = fc.oneof(
  fc.string(),
  fc
    .tuple(
      fc.oneof(hex(2), fc.string({ maxLength: 3 })),
      fc.oneof(hex(32), fc.string()),
      fc.oneof(hex(16), fc.string()),
      fc.oneof(hex(2), fc.string({ maxLength: 3 })),
      fc.string({ maxLength: 5 }),
    )
    .map((p) => p.join("-")),
  fc.string({ minLength: 500, maxLength: 700 }),
);

describe("environment protocol and traceparent", () => {
  it("traceparent (agent and SDK): a valid context or none, never a throw; formats back identically (10 000 cases)", () => {
    fc.assert(
      fc.property(traceparentish, fc.option(fc.string()), (tp, ts) => {
        const a = contextFromEnv(tp, ts ?? undefined);
        const s = sdkParseTraceparent(tp);
        // One parser: the agent accepts exactly what the SDK accepts, with the same ids.
        expect(s).toEqual(parseTraceparent(tp));
        if (!s.ok) {
          expect(a).toBeUndefined();
          expect(s.reason).not.toContain("\n");
          return;
        }
        expect(a).toMatchObject({ traceId: s.traceId, spanId: s.spanId, traceFlags: s.traceFlags });
        expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
        const trimmed = tp.trim();
        if (trimmed.startsWith("00-") && (s.traceFlags === 0 || s.traceFlags === 1)) {
          expect(formatTraceparent(s)).toBe(trimmed);
        }
      }),
      run(CASES.traceparent),
    );
  });

  it("the SDK's extractEnv on any environment: never throws, issues are one line each (10 000 cases)", () => {
    const env = fc.dictionary(
      fc.oneof(
        fc.constantFrom(
          "TRACEPARENT",
          "TRACESTATE",
          "PIPESPAN_TASK_NAME",
          "PIPESPAN_TASK_RUN_ID",
          "PIPESPAN_TASK_ATTEMPT",
          "PIPESPAN_RUN_ID",
          "PIPESPAN_PIPELINE_NAME",
          "BAGGAGE",
        ),
        fc.string(),
      ),
      fc.oneof(fc.string(), traceparentish),
    );
    fc.assert(
      fc.property(env, (e) => {
        const x = extractEnv(e);
        for (const issue of x.issues) expect(issue).not.toContain("\n");
      }),
      run(CASES.extractEnv),
    );
  });

  it("/proc readers (environ, cmdline, stat, status, io) on any bytes: never throw, stay bounded (10 000 cases)", () => {
    const keys = new Set(["PIPESPAN_TASK_NAME", "TRACEPARENT"]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.string({ maxLength: 300 }), (bytes, text) => {
        const buf = Buffer.from(bytes);
        const env = parseEnviron(Buffer.concat([buf, Buffer.from("\0PIPESPAN_TASK_NAME=x\0")]), keys, 64);
        for (const [k, v] of Object.entries(env)) {
          expect(keys.has(k)).toBe(true);
          expect(v.length).toBeLessThanOrEqual(64);
        }
        expect(parseCmdline(buf, 8, 32).length).toBeLessThanOrEqual(8);
        parseStat(text);
        parseStatus(text);
        parseIo(text);
      }),
      run(CASES.procReaders),
    );
  });

  it("small parsers of pipespan's own: --health addresses and drop reasons (5 000 cases)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (t) => {
        try {
          const a = parseHealthAddress(t);
          expect(a.port).toBeGreaterThanOrEqual(0);
          expect(a.port).toBeLessThanOrEqual(65535);
        } catch (err) {
          ownError(err, UserError);
        }
        expect(typeof dropReason(t)).toBe("string");
      }),
      run(CASES.smallParsers),
    );
  });
});

// ---- files pipespan reads back --------------------------------------------------------------------------------

describe("files read back from a run folder", () => {
  it("run.json of any shape: recovery says what it is, never throws (300 folders)", async () => {
    const base = mkdtempSync(join(tmpdir(), "pipespan-fuzz-run-"));
    dirs.push(base);
    let i = 0;
    const runJson = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string(),
      fc
        .record(
          {
            status: fc.constantFrom("running", "complete", "incomplete", "x"),
            traceId: fc.oneof(hex(32), fc.string()),
            runSpanId: fc.oneof(hex(16), fc.string()),
            startTimeUnixNano: time,
            heartbeatUnixNano: time,
            writer: fc.record(
              { pid: fc.integer(), startTicks: fc.integer(), host: fc.string(), bootId: fc.string() },
              { requiredKeys: [] },
            ),
            runningTasks: fc.oneof(fc.array(fc.record({ name: fc.string(), sinceUnixNano: time })), fc.jsonValue()),
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(runJson, fc.option(fc.string()), async (rj, journal) => {
        const d = join(base, String(i++));
        const { mkdirSync } = await import("node:fs");
        mkdirSync(d);
        writeFileSync(join(d, "run.json"), rj);
        if (journal !== null) writeFileSync(join(d, "journal.jsonl"), journal);
        const r = await recoverRun(d);
        expect(["not-a-run", "complete", "running", "incomplete", "recovered"]).toContain(r.state);
      }),
      run(CASES.runJson),
    );
  });
});

// ---- workflow-manager payloads (Nextflow weblog, the Snakemake plugin, Nextflow's own files) -------------------

const loose = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue(),
);
const weblogBody = fc.oneof(
  fc.record(
    {
      runName: loose,
      runId: loose,
      event: fc.oneof(fc.constantFrom(...WEBLOG_EVENTS), loose),
      utcTime: fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        loose,
      ),
      trace: fc.oneof(
        fc.record(
          {
            task_id: loose,
            hash: fc.oneof(fc.constantFrom("3f/9a2c1e", "ab/cdef12"), loose),
            name: loose,
            process: loose,
            tag: loose,
            status: fc.oneof(fc.constantFrom("SUBMITTED", "RUNNING", "COMPLETED", "FAILED", "CACHED"), loose),
            exit: loose,
            attempt: loose,
            workdir: fc.oneof(fc.constant("/w/3f/9a2c1e0123456789abcdef0123456789"), loose),
            cpus: loose,
            memory: loose,
            native_id: loose,
            submit: loose,
            start: loose,
            complete: loose,
          },
          { requiredKeys: [] },
        ),
        loose,
      ),
      metadata: fc.oneof(fc.record({ parameters: fc.jsonValue(), workflow: fc.dictionary(fc.string(), loose) }), loose),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
);
const snakemakeBody = fc.oneof(
  fc.record(
    {
      schema: fc.oneof(fc.constant(SNAKEMAKE_SCHEMA), loose),
      event: fc.oneof(fc.constantFrom(...SNAKEMAKE_EVENTS), loose),
      pid: loose,
      workflow_id: loose,
      time: loose,
      jobid: loose,
      rule: loose,
      wildcards: fc.oneof(fc.dictionary(fc.string(), loose), loose),
      shellcmd: loose,
      threads: loose,
      resources: fc.oneof(fc.dictionary(fc.string(), loose), loose),
      done: loose,
      total: loose,
      message: loose,
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
);

describe("workflow-manager payloads", () => {
  it("Nextflow weblog events: an event or a one-line reason, never a throw (5 000 cases)", () => {
    fc.assert(
      fc.property(weblogBody, (body) => {
        const r = parseWeblogEvent(body);
        if (!r.ok) expect(r.reason).not.toContain("\n");
      }),
      run(CASES.weblog),
    );
  });

  it("Snakemake plugin events: an event or a one-line reason, never a throw (5 000 cases)", () => {
    fc.assert(
      fc.property(snakemakeBody, (body) => {
        const r = parseSnakemakeEvent(body);
        if (!r.ok) expect(r.reason).not.toContain("\n");
      }),
      run(CASES.snakemake),
    );
  });

  it("Nextflow's .command.run headers and work-dir paths: never a throw (5 000 cases)", () => {
    const header = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc
        .array(
          fc.oneof(
            fc.string().map((x) => `### name: ${x}`),
            fc.string().map((x) => `# NEXTFLOW TASK: ${x}`),
            fc.string(),
          ),
          { maxLength: 6 },
        )
        .map((l) => l.join("\n")),
    );
    fc.assert(
      fc.property(
        header,
        fc.string({ maxLength: 120 }),
        fc.array(fc.string({ maxLength: 60 }), { maxLength: 4 }),
        (text, path, argv) => {
          parseCommandRunHeader(text);
          parseWorkDir(path);
          parseWorkDir(`/work/${path}`);
          workDirInArgv(argv);
        },
      ),
      run(CASES.nextflowFiles),
    );
  });

  it("the receiver over HTTP: 200 or a 4xx with the reason, every request counted, still serving (150 requests)", async () => {
    const receiver = new WorkflowReceiver({
      host: "127.0.0.1",
      port: 0,
      weblog: new WeblogStore(),
      snakemake: new SnakemakeStore(),
    });
    const { url } = await receiver.start();
    let sent = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("/nextflow", "/snakemake", "/", "/weblog", "/x"),
          fc.oneof(
            weblogBody.map((b) => JSON.stringify(b)),
            snakemakeBody.map((b) => JSON.stringify(b)),
            fc.string({ maxLength: 200 }),
          ),
          async (path, body) => {
            const res = await fetch(`${url}${path}`, {
              method: "POST",
              body,
              headers: { "content-type": "application/json" },
            });
            sent++;
            expect([200, 202, 204, 400, 404, 413, 415, 422]).toContain(res.status);
            const text = await res.text();
            expect(text).not.toMatch(/\n\s+at /);
          },
        ),
        run(CASES.receiverHttp),
      );
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      const st = receiver.stats();
      expect(st.accepted + st.refused).toBeLessThanOrEqual(sent);
      expect(st.accepted + st.refused).toBeGreaterThan(0);
    } finally {
      await receiver.stop();
    }
  });
});

describe("the budget", () => {
  it("is over 100 000 generated cases", () => {
    expect(Object.values(CASES).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(100_000);
  });
});
