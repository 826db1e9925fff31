// Summarises a .heapprofile (sampled allocations): bytes allocated per function, self and inclusive (top N).
// Usage: node bench/lib/heap-top.mjs FILE.heapprofile [N=40]
import { readFileSync } from "node:fs";

const [file, n = "40"] = process.argv.slice(2);
const { head } = JSON.parse(readFileSync(file, "utf8"));
const self = new Map();
const incl = new Map();
const keyOf = (cf) =>
  `${cf.functionName || "(anon)"} ${cf.url.replace(/^.*\/(packages|native|node_modules)\//, "$1/")}:${cf.lineNumber + 1}`;
let total = 0;
function walk(node, stack) {
  const key = keyOf(node.callFrame);
  const bytes = node.selfSize;
  total += bytes;
  self.set(key, (self.get(key) ?? 0) + bytes);
  const here = stack.includes(key) ? stack : [...stack, key];
  for (const k of here) incl.set(k, (incl.get(k) ?? 0) + bytes);
  for (const c of node.children) walk(c, here);
}
walk(head, []);
const top = (m) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(n))
    .map(
      ([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${(v / 2 ** 20).toFixed(0).padStart(6)} MiB  ${k}`,
    )
    .join("\n");
console.log(
  `total ${(total / 2 ** 20).toFixed(0)} MiB sampled\n--- self ---\n${top(self)}\n--- inclusive ---\n${top(incl)}`,
);
