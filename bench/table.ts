// `npm run bench`: the table of every benchmark's latest figures, from the result files under bench/results/
// (format: bench/lib/results.ts). It runs nothing: each figure names the command that measured it.
import { loadResults } from "./lib/results.ts";

const { results, errors } = loadResults();
if (results.length === 0) {
  console.log("no benchmark results yet under bench/results/ — run the benchmarks listed in BENCHMARKS.md");
}
for (const r of results) {
  console.log(`\n${r.bench} — ${r.command}`);
  console.log(`  ${r.machine}; ${r.at}`);
  for (const f of r.figures) {
    const verdict = f.ok === undefined ? "" : f.ok ? " — met" : " — NOT MET";
    console.log(`  • ${f.what}`);
    console.log(`      measured ${f.measured}${f.goal ? `   goal ${f.goal}` : ""}${verdict}`);
    if (f.peer) console.log(`      peer, same run: ${f.peer}`);
    if (f.load) console.log(`      load average (1 min) while measured: ${f.load}`);
  }
}
for (const e of errors) console.log(`unreadable result file ${e}`);
