import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import { TracerProvider } from "@opentelemetry/sdk-trace";
import * as agent from "../packages/agent/dist/export/otlp-json-decode.js";
const N = 40000; let got = [];
const tp = new TracerProvider({ spanProcessors: [{ onStart() {}, onEnd(s) { got.push(s); }, forceFlush: async () => {}, shutdown: async () => {} }] });
const tr = tp.getTracer("pipespan");
for (let i = 0; i < N; i++) tr.startSpan("tool", { attributes: { "process.pid": 10000 + i, "process.parent_pid": 9999, "process.executable.name": "tool", "process.exit.code": 0,
 "cicd.pipeline.task.name": `TASK_${i % 200}`, "cicd.pipeline.task.run.id": `TASK_${i % 200}-${Math.floor(i / 50)}`,
 "pipespan.cpu.time": 0.61, "pipespan.cpu.user_time": 0.5, "pipespan.cpu.system_time": 0.11, "pipespan.offcpu.io_wait_time": 0.3,
 "pipespan.offcpu.sleep_time": 0.05, "pipespan.runqueue.delay": 0.02, "pipespan.block.read_bytes": 20000000, "pipespan.block.write_bytes": 5000000,
 "pipespan.memory.peak_rss": 209715200, "pipespan.memory.major_faults": 3 } }).end();
const parsed = []; for (let i = 0; i < N; i += 4096) parsed.push(JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(got.slice(i, i + 4096))).toString()));
for (let r = 0; r < 6; r++) { const t0 = performance.now(); for (const p of parsed) agent.decodeTraceRequest(p); console.log("decode", ((performance.now() - t0) * 1000 / N).toFixed(2), "µs/span"); }
