// Prints the span tree of a run folder or traces.jsonl (a development aid).
import { readOtlpJsonTraces } from "../../packages/findings/dist/index.js";

const t = await readOtlpJsonTraces(process.argv[2] ?? ".");
const kids = new Map<string, typeof t.spans>();
for (const s of t.spans) {
  const k = s.parentSpanId ?? "";
  kids.set(k, [...(kids.get(k) ?? []), s]);
}
const ids = new Set(t.spans.map((s) => s.spanId));
const show = (s: (typeof t.spans)[number], depth: number) => {
  const a = s.attributes;
  const pick = Object.entries(a)
    .filter(([k]) => /cpu\.time|disk\.(read|write)_bytes|exit|pid$|observed|unattributed|task\.name/.test(k))
    .map(([k, v]) => `${k.replace(/^.*\.(?=[^.]+\.[^.]+$)/, "")}=${v}`)
    .join(" ");
  console.log(`${"  ".repeat(depth)}${s.name} [${(s.durationNs / 1e9).toFixed(3)}s] ${s.status.code} ${pick}`);
  for (const c of kids.get(s.spanId) ?? []) show(c, depth + 1);
};
for (const s of t.spans) if (!s.parentSpanId || !ids.has(s.parentSpanId)) show(s, 0);
