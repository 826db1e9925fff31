// An in-process OTLP/gRPC receiver for tests: a real @grpc/grpc-js server on 127.0.0.1 serving the official
// TraceService and MetricsService definitions, collecting every request it receives.
//
// Decoding choices (proto-loader options): field names lowerCamelCase (as in OTLP/JSON); 64-bit integers as
// decimal strings (exact: epoch nanoseconds exceed 2^53), converted to numbers only in the flat helpers where
// they are safe (attribute ints, counts); bytes as Buffers, turned into lowercase hex for ids; enums as numbers;
// `oneofs: true` so an AnyValue says which member is set (an intValue of 0 is still seen).

import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { METRICS_SERVICE_PROTO, OTLP_PROTOS_ROOT, TRACE_SERVICE_PROTO } from "./otlp-protos.js";

export type Signal = "traces" | "metrics";

/** A decoded attribute value. int64 becomes a number when safe, else a bigint. */
export type AttrValue = string | number | bigint | boolean | Buffer | null | AttrValue[] | { [key: string]: AttrValue };

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 INTERNAL, 2 SERVER, 3 CLIENT, 4 PRODUCER, 5 CONSUMER. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, AttrValue>;
  status: { code: number; message: string };
  events: { name: string; timeUnixNano: string; attributes: Record<string, AttrValue> }[];
  resource: Record<string, AttrValue>;
  scope: { name: string; version: string };
}

export interface ReceivedMetricPoint {
  name: string;
  description: string;
  unit: string;
  type: "gauge" | "sum" | "histogram" | "exponentialHistogram" | "summary";
  /** For gauge/sum the number; for histograms the count/sum/min/max/buckets. */
  value:
    | number
    | { count: number; sum?: number; min?: number; max?: number; bucketCounts?: number[]; explicitBounds?: number[] };
  attributes: Record<string, AttrValue>;
  startTimeUnixNano: string;
  timeUnixNano: string;
  /** sum only */
  isMonotonic?: boolean;
  /** 1 DELTA, 2 CUMULATIVE (sum, histograms) */
  aggregationTemporality?: number;
  resource: Record<string, AttrValue>;
  scope: { name: string; version: string };
}

export interface ReceivedCall {
  signal: Signal;
  /** gRPC metadata of the call, lower-case keys, string values (binary -bin values as base64). */
  metadata: Record<string, string[]>;
  /** Path of the RPC, e.g. /opentelemetry.proto.collector.trace.v1.TraceService/Export */
  path: string;
}

// biome-ignore lint/suspicious/noExplicitAny: decoded protobuf messages are plain dynamic objects
type Msg = any;

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: Number,
  defaults: true,
  oneofs: true,
  includeDirs: [OTLP_PROTOS_ROOT],
};

export class OtlpReceiver {
  /** Every ExportTraceServiceRequest received, decoded. */
  readonly traceRequests: Msg[] = [];
  /** Every ExportMetricsServiceRequest received, decoded. */
  readonly metricRequests: Msg[] = [];
  /** The metadata of every call, in arrival order. */
  readonly headers: ReceivedCall[] = [];
  private server: grpc.Server | undefined;
  private port = 0;
  private waiters = new Set<() => void>();
  private failure: { code: grpc.status; details: string } | undefined;

  /** Binds 127.0.0.1 on a free port. */
  async start(): Promise<{ endpoint: string; port: number }> {
    const pkgDef = protoLoader.loadSync([TRACE_SERVICE_PROTO, METRICS_SERVICE_PROTO], LOADER_OPTIONS);
    const loaded = grpc.loadPackageDefinition(pkgDef) as Msg;
    const collector = loaded.opentelemetry.proto.collector;
    const server = new grpc.Server();
    server.addService(collector.trace.v1.TraceService.service, {
      Export: (call: grpc.ServerUnaryCall<Msg, Msg>, callback: grpc.sendUnaryData<Msg>) =>
        this.handle("traces", call, callback),
    });
    server.addService(collector.metrics.v1.MetricsService.service, {
      Export: (call: grpc.ServerUnaryCall<Msg, Msg>, callback: grpc.sendUnaryData<Msg>) =>
        this.handle("metrics", call, callback),
    });
    this.port = await new Promise<number>((resolve, reject) => {
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      );
    });
    this.server = server;
    return { endpoint: `http://127.0.0.1:${this.port}`, port: this.port };
  }

  /** Make every following call fail with this status (undefined: succeed again). */
  respondWith(failure: { code: grpc.status; details: string } | undefined): void {
    this.failure = failure;
  }

  private handle(signal: Signal, call: grpc.ServerUnaryCall<Msg, Msg>, callback: grpc.sendUnaryData<Msg>): void {
    const metadata: Record<string, string[]> = {};
    for (const [key, values] of Object.entries(call.metadata.getMap())) {
      const all = call.metadata.get(key);
      metadata[key] = (all.length > 0 ? all : [values]).map((v) =>
        Buffer.isBuffer(v) ? v.toString("base64") : String(v),
      );
    }
    this.headers.push({ signal, metadata, path: call.getPath() });
    if (this.failure) {
      callback({ code: this.failure.code, details: this.failure.details });
    } else {
      (signal === "traces" ? this.traceRequests : this.metricRequests).push(call.request);
      callback(null, {});
    }
    for (const wake of [...this.waiters]) wake();
  }

  /** All spans received so far, flattened. */
  spans(): ReceivedSpan[] {
    const out: ReceivedSpan[] = [];
    for (const req of this.traceRequests) {
      for (const rs of req.resourceSpans ?? []) {
        const resource = attributesOf(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) {
          const scope = { name: ss.scope?.name ?? "", version: ss.scope?.version ?? "" };
          for (const s of ss.spans ?? []) {
            out.push({
              traceId: hex(s.traceId),
              spanId: hex(s.spanId),
              parentSpanId: hex(s.parentSpanId),
              name: s.name,
              kind: s.kind,
              startTimeUnixNano: s.startTimeUnixNano,
              endTimeUnixNano: s.endTimeUnixNano,
              attributes: attributesOf(s.attributes),
              status: { code: s.status?.code ?? 0, message: s.status?.message ?? "" },
              events: (s.events ?? []).map((e: Msg) => ({
                name: e.name,
                timeUnixNano: e.timeUnixNano,
                attributes: attributesOf(e.attributes),
              })),
              resource,
              scope,
            });
          }
        }
      }
    }
    return out;
  }

  /** All metric data points received so far, flattened. */
  metrics(): ReceivedMetricPoint[] {
    const out: ReceivedMetricPoint[] = [];
    for (const req of this.metricRequests) {
      for (const rm of req.resourceMetrics ?? []) {
        const resource = attributesOf(rm.resource?.attributes);
        for (const sm of rm.scopeMetrics ?? []) {
          const scope = { name: sm.scope?.name ?? "", version: sm.scope?.version ?? "" };
          for (const m of sm.metrics ?? []) {
            const type = m.data as ReceivedMetricPoint["type"];
            const body = m[type] ?? {};
            for (const dp of body.dataPoints ?? []) {
              let value: ReceivedMetricPoint["value"];
              if (type === "gauge" || type === "sum") {
                value = dp.value === "asInt" ? Number(dp.asInt) : Number(dp.asDouble);
              } else {
                value = {
                  count: Number(dp.count),
                  sum: dp.sum ?? undefined,
                  min: dp.min ?? undefined,
                  max: dp.max ?? undefined,
                  bucketCounts: dp.bucketCounts?.map(Number),
                  explicitBounds: dp.explicitBounds,
                };
              }
              out.push({
                name: m.name,
                description: m.description,
                unit: m.unit,
                type,
                value,
                attributes: attributesOf(dp.attributes),
                startTimeUnixNano: dp.startTimeUnixNano,
                timeUnixNano: dp.timeUnixNano,
                isMonotonic: type === "sum" ? body.isMonotonic : undefined,
                aggregationTemporality: type === "gauge" ? undefined : body.aggregationTemporality,
                resource,
                scope,
              });
            }
          }
        }
      }
    }
    return out;
  }

  /** Values of one metadata key across all calls (e.g. headerValues("x-test")). */
  headerValues(key: string): string[] {
    return this.headers.flatMap((h) => h.metadata[key.toLowerCase()] ?? []);
  }

  /** Resolves once `predicate` holds (checked now and after each call); rejects after timeoutMs. */
  waitFor(predicate: (r: OtlpReceiver) => boolean, timeoutMs: number): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        let ok = false;
        try {
          ok = predicate(this);
        } catch (err) {
          done();
          reject(err);
          return;
        }
        if (ok) {
          done();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `OtlpReceiver.waitFor: condition not met within ${timeoutMs} ms ` +
              `(received ${this.traceRequests.length} trace and ${this.metricRequests.length} metric requests)`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  /** Stops the server: graceful first, forced after 2 s. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 2_000);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }
}

function hex(b: Buffer | Uint8Array | undefined | null): string {
  return b && b.length > 0 ? Buffer.from(b).toString("hex") : "";
}

function attributesOf(kvs: Msg[] | undefined): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const kv of kvs ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

function anyValue(v: Msg): AttrValue {
  if (!v?.value) return null;
  switch (v.value) {
    case "stringValue":
      return v.stringValue;
    case "boolValue":
      return v.boolValue;
    case "intValue": {
      const n = Number(v.intValue);
      return Number.isSafeInteger(n) ? n : BigInt(v.intValue);
    }
    case "doubleValue":
      return v.doubleValue;
    case "bytesValue":
      return Buffer.from(v.bytesValue);
    case "arrayValue":
      return (v.arrayValue?.values ?? []).map(anyValue);
    case "kvlistValue":
      return attributesOf(v.kvlistValue?.values);
    default:
      return null;
  }
}
