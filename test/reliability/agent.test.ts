// The long-running agent: its memory follows the live processes (ended ones are forgotten once their spans are
// out), /healthz and /metrics answer on loopback, and its own metrics go over OTLP with the rest. Known truth:
// a task that starts exactly 202 processes (bash, the seq of its command substitution, 200 /bin/true).
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import {
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_PROCESS_PID,
  METRIC_PIPESPAN_AGENT_MEMORY_RSS,
  METRIC_PIPESPAN_AGENT_PROCESSES,
  METRIC_PIPESPAN_SOURCE_EVENTS,
} from "@pipespan/semconv";
import { afterAll, describe, expect, it } from "vitest";
import { tmpOutDir } from "../support/cli.js";
import { OtlpReceiver } from "../support/otlp-receiver.js";
import { health, metricsText, newTraceparent, startAgent } from "./support/agent.js";

const dirs: string[] = [];
const receiver = new OtlpReceiver();
afterAll(async () => {
  await receiver.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("pipespan agent, long-running", () => {
  it("forgets ended processes, reports itself on /healthz and /metrics and over OTLP", async () => {
    const { endpoint } = await receiver.start();
    const out = tmpOutDir();
    dirs.push(out);
    const agent = await startAgent({
      out,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_METRIC_EXPORT_INTERVAL: "1000" },
    });
    try {
      expect(agent.url, agent.stderr()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const before = await health(agent.url);
      expect(before.status).toMatch(/^(ok|degraded)$/);
      const task = `agent-soak-${process.pid}`;
      const tp = newTraceparent();
      const r = spawnSync("bash", ["-c", "for i in $(seq 200); do /bin/true; done"], {
        env: { ...process.env, PIPESPAN_TASK_NAME: task, TRACEPARENT: tp.traceparent },
      });
      expect(r.status).toBe(0);
      // Every process of the task reaches the backend, under the task span made elsewhere.
      await receiver.waitFor(
        (rc) => rc.spans().filter((s) => s.attributes[ATTR_CICD_PIPELINE_TASK_NAME] === task).length >= 202,
        30_000,
      );
      const ours = receiver.spans().filter((s) => s.attributes[ATTR_CICD_PIPELINE_TASK_NAME] === task);
      expect(ours).toHaveLength(202);
      expect(ours.every((s) => s.attributes[ATTR_PROCESS_PID] !== undefined && s.traceId === tp.traceId)).toBe(true);
      // Ended processes are forgotten at the next sweep (every 5 s): what it holds is back near where it was
      // (other pipelines traced on this shared machine come and go meanwhile: a margin of 50).
      let after = await health(agent.url);
      const deadline = Date.now() + 20_000;
      while (
        ((after.processesForgotten as number) < 202 ||
          (after.processesHeld as number) > (before.processesHeld as number) + 50) &&
        Date.now() < deadline
      ) {
        await new Promise((res) => setTimeout(res, 250));
        after = await health(agent.url);
      }
      expect(after.processesForgotten as number).toBeGreaterThanOrEqual(202);
      expect(after.processesHeld as number).toBeLessThanOrEqual((before.processesHeld as number) + 50);
      expect(after.processesRecorded as number).toBeGreaterThanOrEqual(202);
      // Nothing lost but, possibly, host processes gone before their task keys could be read (counted).
      expect(Object.keys(after.drops as object).filter((k) => k !== "env_unreadable")).toEqual([]);
      expect((after.export as { failing: boolean }).failing).toBe(false);
      expect(after.rssBytes as number).toBeGreaterThan(10 * 1024 * 1024);

      // Processes that exec into a task's environment and end at once: each is recorded, or counted as one whose
      // task keys could not be read — never lost silently.
      const quick = `agent-quick-${process.pid}`;
      const envLostBefore = ((after.drops as Record<string, number>)["env_unreadable"] ?? 0) as number;
      for (let i = 0; i < 20; i++) {
        spawnSync("/bin/true", [], { env: { ...process.env, PIPESPAN_TASK_NAME: quick, TRACEPARENT: tp.traceparent } });
      }
      await new Promise((res) => setTimeout(res, 2_000));
      const h2 = await health(agent.url);
      const envLost = (((h2.drops as Record<string, number>)["env_unreadable"] ?? 0) as number) - envLostBefore;
      const quickSeen = receiver.spans().filter((s) => s.attributes[ATTR_CICD_PIPELINE_TASK_NAME] === quick).length;
      expect(quickSeen + envLost, `recorded ${quickSeen}, counted ${envLost}`).toBeGreaterThanOrEqual(20);

      // /metrics: the same instruments in the Prometheus text format.
      const text = await metricsText(agent.url);
      for (const name of [
        METRIC_PIPESPAN_AGENT_MEMORY_RSS,
        METRIC_PIPESPAN_SOURCE_EVENTS,
        METRIC_PIPESPAN_AGENT_PROCESSES,
      ]) {
        expect(text, name).toMatch(new RegExp(`^${name.replace(/\./g, "_")}\\w*(\\{[^}]*\\})? \\d`, "m"));
      }
      expect(text).toMatch(/pipespan_source_dropped\w*\{[^}]*pipespan_drop_reason="ring_buffer_full"[^}]*\} 0/);
      expect(text).toMatch(/pipespan_export_queue_limit\w*(\{[^}]*\})? 1073741824/);

      // Over OTLP too.
      await receiver.waitFor((rc) => rc.metrics().some((m) => m.name === METRIC_PIPESPAN_AGENT_MEMORY_RSS), 15_000);
      const rss = receiver.metrics().filter((m) => m.name === METRIC_PIPESPAN_AGENT_MEMORY_RSS);
      expect(Number(rss.at(-1)?.value)).toBeGreaterThan(10 * 1024 * 1024);
    } finally {
      const code = await agent.stop();
      expect(code, agent.stderr()).toBe(0);
    }
    expect(agent.stderr()).toMatch(/pipespan agent: SIGTERM: stopping/);
    expect(agent.stderr()).toMatch(/pipespan agent: recorded \d+ processes, 0 events lost/);
  });
});
