// Summarises a .cpuprofile: self time per function (top N) and total time per file.
// Usage: node bench/lib/profile-top.mjs FILE.cpuprofile [N=40]
import { readFileSync } from "node:fs";

const [file, n = "40"] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(p.nodes.map((x) => [x.id, x]));
const self = new Map();
const dt = p.timeDeltas;
for (let i = 0; i < p.samples.length; i++) {
  const node = byId.get(p.samples[i]);
  const cf = node.callFrame;
  const key = `${cf.functionName || "(anon)"} ${cf.url.replace(/^.*\/(packages|native|node_modules)\//, "$1/")}:${cf.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
}
// inclusive per function
const parent = new Map();
for (const x of p.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
const incl = new Map();
for (let i = 0; i < p.samples.length; i++) {
  const seen = new Set();
  let id = p.samples[i];
  while (id !== undefined) {
    const cf = byId.get(id).callFrame;
    const key = `${cf.functionName || "(anon)"} ${cf.url.replace(/^.*\/(packages|native|node_modules)\//, "$1/")}:${cf.lineNumber + 1}`;
    if (!seen.has(key)) {
      seen.add(key);
      incl.set(key, (incl.get(key) ?? 0) + (dt[i] ?? 0));
    }
    id = parent.get(id);
  }
}
const total = dt.reduce((a, b) => a + b, 0);
const top = (m) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(n))
    .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(7)} ms  ${k}`)
    .join("\n");
console.log(
  `total ${(total / 1000).toFixed(0)} ms sampled\n--- self ---\n${top(self)}\n--- inclusive ---\n${top(incl)}`,
);
