// A small client of Jaeger's HTTP query API (the JSON API its UI uses: /api/traces, /api/traces/<id>,
// /api/services), decoding spans into one flat shape the tests compare with pipespan's own OTLP/JSON files.
//
// Jaeger's model, as served: times in microseconds; parent links as `references` (CHILD_OF); attributes as
// `tags` [{key, type, value}] where OTLP ints become int64, doubles float64; span kind as the tag "span.kind"
// and status as "otel.status_code"/"error"; resource attributes on the trace's `processes` entry.

export interface JaegerTag {
  key: string;
  type: string;
  value: string | number | boolean;
}

interface RawSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: { refType: string; traceID: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags?: JaegerTag[];
  logs?: { timestamp: number; fields: JaegerTag[] }[];
  processID: string;
}

interface RawTrace {
  traceID: string;
  spans: RawSpan[];
  processes: Record<string, { serviceName: string; tags?: JaegerTag[] }>;
  warnings?: string[] | null;
}

export interface JaegerSpan {
  traceId: string;
  spanId: string;
  /** '' for the root. */
  parentSpanId: string;
  name: string;
  startUs: number;
  durationUs: number;
  tags: Record<string, string | number | boolean>;
  serviceName: string;
  resource: Record<string, string | number | boolean>;
  events: { name: string; fields: Record<string, string | number | boolean> }[];
}

export interface JaegerTrace {
  traceId: string;
  spans: JaegerSpan[];
  warnings: string[];
}

function tagMap(tags: JaegerTag[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const t of tags ?? []) out[t.key] = t.value;
  return out;
}

function decode(raw: RawTrace): JaegerTrace {
  return {
    traceId: raw.traceID,
    warnings: raw.warnings ?? [],
    spans: raw.spans.map((s) => {
      const proc = raw.processes[s.processID];
      const parent = (s.references ?? []).find((r) => r.refType === "CHILD_OF");
      const fields = (s.logs ?? []).map((l) => tagMap(l.fields));
      return {
        traceId: s.traceID,
        spanId: s.spanID,
        parentSpanId: parent?.spanID ?? "",
        name: s.operationName,
        startUs: s.startTime,
        durationUs: s.duration,
        tags: tagMap(s.tags),
        serviceName: proc?.serviceName ?? "",
        resource: tagMap(proc?.tags),
        events: fields.map((f) => ({ name: String(f["event"] ?? ""), fields: f })),
      };
    }),
  };
}

export class JaegerClient {
  constructor(private readonly base: string) {}

  private async get<T>(path: string): Promise<{ status: number; body: T | undefined }> {
    const res = await fetch(`${this.base}${path}`, { signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    let body: T | undefined;
    try {
      body = JSON.parse(text) as T;
    } catch {
      body = undefined;
    }
    return { status: res.status, body };
  }

  async services(): Promise<string[]> {
    const r = await this.get<{ data: string[] | null }>("/api/services");
    return r.body?.data ?? [];
  }

  /** GET /api/traces/<id>; undefined when Jaeger does not have it (404). */
  async trace(traceId: string): Promise<JaegerTrace | undefined> {
    const r = await this.get<{ data: RawTrace[] | null }>(`/api/traces/${traceId}`);
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw new Error(`Jaeger /api/traces/${traceId} answered ${r.status}`);
    const raw = r.body?.data?.[0];
    return raw ? decode(raw) : undefined;
  }

  /**
   * The search of Jaeger's UI: GET /api/traces?service=..&tags={json}&lookback=..&limit=..; tags match span
   * attributes (any span of the trace). Returns whole traces.
   */
  async search(q: {
    service: string;
    tags?: Record<string, string>;
    operation?: string;
    limit?: number;
  }): Promise<JaegerTrace[]> {
    const p = new URLSearchParams({ service: q.service, lookback: "1h", limit: String(q.limit ?? 20) });
    if (q.tags) p.set("tags", JSON.stringify(q.tags));
    if (q.operation) p.set("operation", q.operation);
    const r = await this.get<{ data: RawTrace[] | null; errors?: unknown }>(`/api/traces?${p}`);
    if (r.status !== 200) throw new Error(`Jaeger /api/traces?${p} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return (r.body?.data ?? []).map(decode);
  }

  /** Polls `probe` until it returns a value (not undefined); fails after timeoutMs with `what`. */
  static async waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const v = await probe();
        if (v !== undefined) return v;
      } catch (err) {
        last = err;
      }
      if (Date.now() > deadline) {
        throw new Error(`waited ${timeoutMs} ms for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
