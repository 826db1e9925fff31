// Renders conventions/README.md (the convention, for people) and conventions/env-protocol.md.
import type { Attribute, AttributeUse, Registry, Signal, Span } from "./resolve.ts";

const GENERATED = (src: string) =>
  `<!-- Generated from ${src} by \`npm run generate\`. Edit the YAML, not this file. -->`;

/** Escapes text for a Markdown table cell. */
const cell = (s: string) => s.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
const code = (s: string) => {
  const body = s.replace(/\|/g, "\\|");
  return body.includes("`") ? `\`\` ${body} \`\`` : `\`${body}\``;
};
const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
const table = (head: string[], rows: string[][]) => [row(head), row(head.map(() => "---")), ...rows.map((r) => row(r))];

const LEVEL: Record<string, string> = {
  required: "Required",
  recommended: "Recommended",
  opt_in: "Opt-In",
  conditionally_required: "Conditionally Required",
};
const levelText = (u: AttributeUse) => (u.condition ? `${LEVEL[u.level]}: ${u.condition}` : LEVEL[u.level]!);

const upstreamUrl = (name: string) =>
  `https://opentelemetry.io/docs/specs/semconv/registry/attributes/${name.slice(0, name.indexOf("."))}/`;

const attrName = (a: Attribute) => (a.source === "otel" ? `[${code(a.name)}](${upstreamUrl(a.name)})` : code(a.name));

function typeText(a: Attribute): string {
  return a.type === "enum" ? "enum" : a.type;
}

/** A brief followed by more text: make sure the brief ends a sentence first. */
const sentence = (s: string) => (s === "" || /[.!?:]$/.test(s) ? s : `${s}.`);

function valuesText(a: Attribute, max = 12): string {
  if (a.type !== "enum") return "";
  const vals = a.members.map((m) => code(m.value));
  if (vals.length <= max) return ` Values: ${vals.join(", ")}.`;
  return ` ${vals.length} values, e.g. ${vals.slice(0, 4).join(", ")} (see upstream).`;
}

const examplesText = (a: Attribute) =>
  a.examples
    .slice(0, 4)
    .map((e) => (a.type === "double" && /^-?\d+$/.test(e) ? `${e}.0` : e))
    .map(code)
    .join(", ");

function signalTable(s: Signal): string[] {
  return table(
    ["Attribute", "Type", "Unit", "Requirement level", "Brief", "Examples"],
    s.uses.map((u) => [
      attrName(u.attribute),
      typeText(u.attribute),
      u.attribute.unit ? code(u.attribute.unit) : "",
      cell(levelText(u)),
      cell(sentence(u.attribute.brief) + valuesText(u.attribute, 8)),
      examplesText(u.attribute),
    ]),
  );
}

const anchor = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, "")
    .replace(/ /g, "-");

function usedOn(r: Registry): Map<string, string[]> {
  const m = new Map<string, string[]>();
  const add = (name: string, where: string) => m.set(name, [...(m.get(name) ?? []), where]);
  for (const s of r.spans) for (const u of s.uses) add(u.attribute.name, `${s.key} span`);
  for (const e of r.events) for (const u of e.uses) add(u.attribute.name, `${e.name} event`);
  for (const x of r.resources) for (const u of x.uses) add(u.attribute.name, "resource");
  for (const mt of r.metrics) for (const u of mt.uses) add(u.attribute.name, `${mt.name} metric`);
  return m;
}

function spanTree(r: Registry): string[] {
  const get = (key: string): Span => {
    const s = r.spans.find((x) => x.key === key);
    if (!s) throw new Error(`semconv: README span tree needs span.pipespan.${key}`);
    return s;
  };
  const line = (tree: string, kind: string, name: string, comment = "") =>
    `${tree.padEnd(34)}${kind.padEnd(10)}${name}${comment ? `   ${comment}` : ""}`.trimEnd();
  const span = (tree: string, key: string, comment = "") => {
    const s = get(key);
    return line(`${tree}${s.key}`, s.spanKind.toUpperCase(), `"${s.nameTemplate}"`, comment);
  };
  const stall = r.events[0]?.name ?? "pipespan.stall";
  return [
    "```",
    line("span", "kind", "name"),
    span("", "pipeline_run", "root of the run's trace"),
    span("├── ", "task"),
    span("│   └── ", "process"),
    line("│       ├── process ...", "", "a child process nests under its parent's span"),
    line(`│       └── event ${stall}`, "", "a window in which the process was blocked on I/O"),
    span("└── ", "finding", "zero duration, one per finding"),
    "```",
  ];
}

export function renderReadme(r: Registry): string {
  const L: string[] = [GENERATED("conventions/model/*.yaml and conventions/upstream-metrics.yaml"), ""];
  const dep = r.manifest.dependencies?.[0];
  L.push(
    `# pipespan semantic conventions ${r.manifest.semconv_version ?? ""}`.trim(),
    "",
    `${r.manifest.description ?? ""}`.trim(),
    "",
    "pipespan traces a pipeline run from the kernel up: a `pipeline_run` span for the run, a `task` span per",
    "step, a `process` span per process, with what the kernel measured (CPU, waiting on disk, waiting for a CPU,",
    "memory, I/O) as span attributes, plus metrics keyed by task and findings as spans on the run's trace. This",
    "page is the contract between pipespan and whatever reads its telemetry: a backend query, a dashboard, the",
    "findings engine, or your own tooling.",
    "",
    "## How the names relate to upstream OpenTelemetry",
    "",
    "- **Upstream names first.** Wherever the OpenTelemetry semantic conventions already have a name (CI/CD",
    "  `cicd.*`, `process.*`, `host.*`, `cloud.*`, `os.*`, `service.*`, `error.type`, the `process.*` metrics and",
    "  their `cpu.mode` / `disk.io.direction` / `network.io.direction` dimensions), pipespan uses it exactly, with",
    "  its upstream type and meaning. The registry references such names with `ref:` and never redefines them.",
    `- **Checked against upstream.** The registry depends on the OTel registry${dep ? ` (\`${dep.registry_path}\`)` : ""};`,
    "  the tests check every referenced name, enum value and metric against",
    `  \`@opentelemetry/semantic-conventions\` ${r.upstreamVersion} (its incubating entry point).`,
    "- **Own names under `pipespan.`** only for what upstream does not cover: time off the CPU by cause (I/O wait",
    "  vs. sleep), run-queue delay, block-layer I/O, I/O accounting totals on spans, OOM kills, the stall event,",
    "  findings, and pipespan's own health metrics.",
    "- **Weaver syntax.** `model/*.yaml` and `registry_manifest.yaml` use OTel Weaver's `groups:` format, so the",
    "  registry can be checked and rendered with Weaver; units of attributes are given as",
    "  `annotations.pipespan.unit` (UCUM, as OTel metrics use) and span names as `annotations.pipespan.span_name`.",
    "- **Code uses constants.** `@pipespan/semconv` is generated from this folder: `ATTR_*`, `METRIC_*`, `EVENT_*`,",
    "  `ENV_*` and `*_VALUE_*` constants (name upper-cased, non-alphanumerics as `_`: `cicd.pipeline.task.name` →",
    "  `ATTR_CICD_PIPELINE_TASK_NAME`), zod schemas of each span's attributes, `UNITS` and `METRICS`. A test fails",
    "  when a name from this registry appears as a string literal anywhere else in the code.",
    "",
    "## The span tree",
    "",
    "One trace per pipeline run:",
    "",
    ...spanTree(r),
    "",
    "Measurements on `process` spans are the process's own totals; on `task` and `pipeline_run` spans they are",
    "sums over the processes below (peak RSS is the maximum). Metrics carry task-level attributes, never a pid,",
    "to keep cardinality bounded; `cicd.pipeline.run.id` on metrics is opt-in.",
    "",
    "## Stability",
    "",
    "Every pipespan group and attribute is `development`: names may still change before pipespan 1.0, and a",
    "change is made here first (the generated constants and this page follow). Upstream names keep their",
    "upstream stability, shown in the [upstream attributes](#upstream-attributes) table as the OTel JS package",
    "labels them (the CI/CD conventions are a release candidate upstream; the package marks them experimental).",
    "",
    "## Contents",
    "",
  );
  const toc: [string, string][] = [
    ...r.spans.map((s): [string, string] => [`Span: ${s.key}`, `span-${s.key}`]),
    ...r.events.map((e): [string, string] => [`Event: ${e.name}`, `event-${e.name}`]),
    ["Resource", "resource"],
    ["Metrics", "metrics"],
    ["Attribute registry", "attribute-registry"],
    ["Upstream attributes", "upstream-attributes"],
    ["Environment protocol", "environment-protocol"],
  ];
  for (const [t, a] of toc) L.push(`- [${t}](#${anchor(a)})`);
  L.push("");

  for (const s of r.spans) {
    L.push(`## Span: ${s.key}`, "");
    L.push(`\`${s.id}\` · span kind \`${s.spanKind.toUpperCase()}\` · name \`${s.nameTemplate}\` · ${s.stability}`, "");
    L.push(s.brief, "");
    if (s.note) L.push(s.note, "");
    L.push(...signalTable(s), "");
  }
  for (const e of r.events) {
    L.push(`## Event: ${e.name}`, "");
    L.push(`\`${e.id}\` · span event on the \`process\` span · ${e.stability}`, "");
    L.push(e.brief, "");
    if (e.note) L.push(e.note, "");
    L.push(...signalTable(e), "");
  }
  for (const x of r.resources) {
    L.push("## Resource", "");
    L.push(`\`${x.id}\` · ${x.stability}`, "");
    L.push(x.brief, "");
    if (x.note) L.push(x.note, "");
    L.push(...signalTable(x), "");
  }

  L.push("## Metrics", "");
  L.push(
    "Upstream metrics are emitted exactly as OTel defines them; pipespan's own fill the gaps. Required attributes",
    "are always set; opt-in ones only when configured.",
    "",
  );
  L.push(
    ...table(
      ["Metric", "Instrument", "Unit", "Attributes", "Brief"],
      r.metrics.map((m) => [
        m.source === "otel" ? `${code(m.name)} (OTel)` : code(m.name),
        m.instrument,
        code(m.unit),
        m.uses
          .map((u) =>
            u.level === "required" ? code(u.attribute.name) : `${code(u.attribute.name)} (${LEVEL[u.level]})`,
          )
          .join(", "),
        cell(m.note ? `${sentence(m.brief)} ${m.note}` : m.brief),
      ]),
    ),
    "",
  );

  const used = usedOn(r);
  const usedText = (a: Attribute) => cell((used.get(a.name) ?? []).join(", "));
  L.push("## Attribute registry", "");
  L.push("pipespan's own attributes, by group. Where each is used, and how strongly, is in the tables above.", "");
  for (const g of r.attributeGroups) {
    L.push(`### ${g.displayName}`, "");
    L.push(`\`${g.id}\`: ${g.brief}`, "");
    L.push(
      ...table(
        ["Attribute", "Type", "Unit", "Brief", "Examples", "Used on"],
        g.attributes.map((a) => [
          code(a.name),
          typeText(a),
          a.unit ? code(a.unit) : "",
          cell(a.note ? `${sentence(a.brief)} ${a.note}` : a.brief),
          examplesText(a),
          usedText(a),
        ]),
      ),
      "",
    );
    for (const a of g.attributes.filter((x) => x.type === "enum")) {
      L.push(`${code(a.name)} values:`, "");
      L.push(
        ...table(
          ["Value", "Brief"],
          a.members.map((m) => [code(m.value), cell(m.brief)]),
        ),
        "",
      );
    }
  }

  L.push("## Upstream attributes", "");
  L.push(
    "OTel attributes pipespan references, with the type pipespan validates them as. Each name links to its",
    "upstream definition.",
    "",
  );
  L.push(
    ...table(
      ["Attribute", "Type", "Brief", "Examples", "Upstream stability", "Used on"],
      r.upstream.map((a) => [
        attrName(a),
        typeText(a),
        cell(sentence(a.brief) + valuesText(a)),
        examplesText(a),
        a.stability,
        usedText(a),
      ]),
    ),
    "",
  );

  L.push("## Environment protocol", "");
  L.push(
    "A bash or Python pipeline marks its tasks by setting `PIPESPAN_*` variables (and `TRACEPARENT` where a task",
    "span already exists) before starting a task's command; every descendant inherits them. See",
    "[env-protocol.md](env-protocol.md).",
    "",
  );
  return L.join("\n");
}

export function renderEnvProtocol(r: Registry): string {
  const e = r.env;
  const L: string[] = [GENERATED("conventions/env-protocol.yaml"), ""];
  L.push(`# ${e.title ?? "The pipespan environment protocol"}`, "");
  if (e.intro) L.push(e.intro.trim(), "");
  L.push("## Variables", "");
  L.push(
    ...table(
      ["Variable", "Set it", "Becomes", "Brief", "Example"],
      e.variables.map((v) => [
        code(v.name),
        cell(v.required ?? ""),
        v.attribute ? code(v.attribute) : "",
        cell(v.brief),
        (v.examples ?? []).slice(0, 1).map(code).join(", "),
      ]),
    ),
    "",
  );
  if (e.foreign_variables?.length) {
    L.push("## Workflow-manager variables", "");
    L.push(
      "pipespan also reads these variables, by name, which workflow managers set for their tasks. They are",
      "allow-listed one by one; no other variable of a process is ever read.",
      "",
    );
    L.push(
      ...table(
        ["Variable", "Set by", "Brief"],
        e.foreign_variables.map((v) => [code(v.name), cell(v.set_by), cell(v.brief)]),
      ),
      "",
    );
  }
  if (e.rules?.length) {
    L.push("## Rules", "");
    for (const rule of e.rules) L.push(`### ${rule.title}`, "", rule.text.trim(), "");
  }
  if (e.precedence?.length) {
    L.push("## Precedence", "");
    L.push("pipespan decides which task a process belongs to by the first of these that applies:", "");
    e.precedence.forEach((p, i) => {
      L.push(`${i + 1}. **${p.name}.** ${p.text.trim().replace(/\s+/g, " ")}`);
    });
    L.push("");
  }
  if (e.cli) {
    L.push("## The CLI form", "");
    L.push("```", e.cli.usage, "```", "");
    L.push(e.cli.text.trim(), "");
  }
  for (const ex of e.examples ?? []) {
    L.push(`## Example: ${ex.title}`, "");
    if (ex.intro) L.push(ex.intro.trim(), "");
    L.push(`\`\`\`${ex.language}`, ex.code.replace(/\n+$/, ""), "```", "");
  }
  L.push("See [README.md](README.md) for the attributes these variables become.", "");
  return L.join("\n");
}
