// The literal guard: no attribute, metric or event name from the registry may appear as a string literal in
// code outside packages/semconv. Use the @pipespan/semconv constants (ATTR_*, METRIC_*, EVENT_*) instead.
// A test file may opt a single line out with a trailing `// semconv-literal-ok` comment.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ATTR_PROCESS_PID, EVENT_PIPESPAN_STALL, METRIC_PROCESS_CPU_TIME } from "@pipespan/semconv";
import { beforeAll, describe, expect, it } from "vitest";
import { loadRegistry, type Registry } from "../../packages/semconv/scripts/resolve.ts";
import {
  collectorConfigNames,
  guardedFiles,
  isTestFile,
  OPT_OUT,
  scanIdentifiers,
  scanRepository,
  scanSource,
} from "./literal-scan.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

let registry: Registry;
let names: Set<string>;
beforeAll(async () => {
  registry = await loadRegistry(root);
  names = new Set([
    ...registry.attributes.map((a) => a.name),
    ...registry.aliases.map((a) => a.name),
    ...registry.metrics.map((m) => m.name),
    ...registry.events.map((e) => e.name),
  ]);
});

describe("literal scanner", () => {
  it("finds names in '…', \"…\" and `…` literals, as object keys too, with their line numbers", () => {
    const src = [
      `const a = '${ATTR_PROCESS_PID}';`,
      `const b = { "${METRIC_PROCESS_CPU_TIME}": 1 };`,
      "",
      `span.addEvent(\`${EVENT_PIPESPAN_STALL}\`);`,
    ].join("\n");
    const hits = scanSource("packages/agent/src/x.ts", src, names);
    expect(hits.map((h) => [h.line, h.literal])).toEqual([
      [1, ATTR_PROCESS_PID],
      [2, METRIC_PROCESS_CPU_TIME],
      [4, EVENT_PIPESPAN_STALL],
    ]);
  });

  it("ignores comments, regular expressions, templates with substitutions and longer strings", () => {
    const src = [
      `// '${ATTR_PROCESS_PID}' in a comment`,
      `/* "${ATTR_PROCESS_PID}" */`,
      `const re = /'${ATTR_PROCESS_PID.replace(".", "\\.")}'/;`,
      `const t = \`${ATTR_PROCESS_PID.split(".")[0]}.\${x}\`;`,
      `const s = "${ATTR_PROCESS_PID} is the pid";`,
      `const j = "${ATTR_PROCESS_PID.toUpperCase()}";`,
    ].join("\n");
    expect(scanSource("packages/agent/src/x.ts", src, names)).toEqual([]);
  });

  it("scans JavaScript files too", () => {
    expect(scanSource("packages/cli/bin/pipespan.mjs", `export const k = "${ATTR_PROCESS_PID}";`, names)).toHaveLength(
      1,
    );
  });

  it(`honours // ${OPT_OUT} in test files only`, () => {
    const line = `const raw = "${ATTR_PROCESS_PID}"; // ${OPT_OUT}`;
    expect(isTestFile("test/e2e/x.test.ts")).toBe(true);
    expect(isTestFile("packages/agent/test/a.test.ts")).toBe(true);
    expect(isTestFile("packages/agent/src/a.ts")).toBe(false);
    expect(scanSource("packages/agent/test/a.test.ts", line, names)).toEqual([]);
    const prod = scanSource("packages/agent/src/a.ts", line, names);
    expect(prod).toHaveLength(1);
    expect(prod[0]!.ignoredOptOut).toBe(true);
  });

  it("covers packages/*/src and bin, examples, test and bench, but not packages/semconv", () => {
    const files = guardedFiles(root);
    expect(files).toContain("test/conventions/literal-guard.test.ts");
    expect(files.some((f) => f.startsWith("packages/semconv/"))).toBe(false);
    expect(files.some((f) => f.includes("/node_modules/") || f.includes("/dist/"))).toBe(false);
  });

  it("walks a real tree: reports file:line in guarded folders and skips semconv, dist and node_modules", () => {
    const tree = mkdtempSync(join(tmpdir(), "pipespan-guard-"));
    try {
      const put = (rel: string, text: string) => {
        mkdirSync(dirname(join(tree, rel)), { recursive: true });
        writeFileSync(join(tree, rel), text);
      };
      const lit = `export const k = "${ATTR_PROCESS_PID}";\n`;
      put("packages/semconv/src/names.ts", lit);
      put("packages/agent/src/deep/b.ts", `\n\n${lit}`);
      put("packages/agent/dist/b.js", lit);
      put("packages/agent/node_modules/m/index.js", lit);
      put("packages/cli/bin/pipespan.mjs", lit);
      put("examples/sdk/run.ts", lit);
      put("bench/overhead.js", lit);
      put("test/e2e/raw.test.ts", `${lit.trimEnd()} // ${OPT_OUT}\n`);
      put("docs/notes.ts", lit);
      const { hits } = scanRepository(tree, names);
      expect(hits.map((h) => `${h.file}:${h.line}`)).toEqual([
        "bench/overhead.js:1",
        "examples/sdk/run.ts:1",
        "packages/agent/src/deep/b.ts:3",
        "packages/cli/bin/pipespan.mjs:1",
      ]);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});

describe("the repository", () => {
  it("has no registry name as a string literal outside packages/semconv", () => {
    expect(names.size).toBeGreaterThan(60);
    const { files, hits } = scanRepository(root, names);
    expect(files).toBeGreaterThan(0);
    const report = hits.map(
      (h) =>
        `${h.file}:${h.line}: "${h.literal}" — use the @pipespan/semconv constant` +
        (h.ignoredOptOut ? ` (// ${OPT_OUT} only counts in test files)` : ""),
    );
    expect(report, `registry names written as literals:\n${report.join("\n")}`).toEqual([]);
  });
});

describe("deprecated upstream names", () => {
  it("appear nowhere in code outside packages/semconv, as a literal or through their deprecated constants", () => {
    expect(registry.aliases.length).toBeGreaterThan(0);
    const literals = new Set(registry.aliases.map((a) => a.name));
    const constants = new Set(registry.aliases.flatMap((a) => [a.constName, ...a.members.map((m) => m.constName)]));
    const hits = guardedFiles(root).flatMap((f) => {
      const text = readFileSync(join(root, f), "utf8");
      return [...scanSource(f, text, literals), ...scanIdentifiers(f, text, constants)];
    });
    const report = hits.map((h) => {
      const alias = registry.aliases.find((a) => a.name === h.literal || a.constName === h.literal);
      return `${h.file}:${h.line}: ${h.literal} is deprecated upstream${alias ? `; use ${alias.replacement.name}` : ""}`;
    });
    expect(report).toEqual([]);
  });
});

describe("collector-config/*.yaml", () => {
  it("names in OTTL statements and span_metrics dimensions are attributes the registry defines", () => {
    const refs = collectorConfigNames(root);
    expect(refs.length).toBeGreaterThan(10);
    const attributes = new Set(registry.attributes.map((a) => a.name));
    const unknown = refs.filter((r) => !attributes.has(r.name)).map((r) => `${r.file}:${r.line}: ${r.name}`);
    expect(unknown).toEqual([]);
  });

  it("the scanner finds OTTL attribute paths, policy keys and dimension names, not other list entries", () => {
    const tree = mkdtempSync(join(tmpdir(), "pipespan-guard-"));
    try {
      mkdirSync(join(tree, "collector-config"));
      writeFileSync(
        join(tree, "collector-config", "x.yaml"),
        [
          "processors:",
          "  filter/a:",
          "    trace_conditions:",
          `      - 'span.attributes["${ATTR_PROCESS_PID}"] != nil' # and attributes["not.this"] in a comment`,
          "connectors:",
          "  span_metrics/b:",
          "    dimensions:",
          "      - name: no.such.attribute",
          "    policies:",
          "      - string_attribute:",
          `          key: ${ATTR_PROCESS_PID}`,
          "    exclude_dimensions: [span.name]",
          "    policies:",
          "      - name: keep-runs",
        ].join("\n"),
      );
      expect(collectorConfigNames(tree).map((r) => `${r.line}:${r.name}`)).toEqual([
        `4:${ATTR_PROCESS_PID}`,
        "8:no.such.attribute",
        `11:${ATTR_PROCESS_PID}`,
      ]);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});
