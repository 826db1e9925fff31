// Where the official OTLP .proto files are: node_modules/otlp-protos is @opentelemetry/otlp-grpc-exporter-base@0.34
// installed only for build/protos (OTLP proto v0.19). Fields added to OTLP after that release (span.flags,
// link.flags, scope attributes) are unknown to these files: protobuf decoders skip them, and our checks list them.
import { fileURLToPath } from "node:url";

export const OTLP_PROTOS_ROOT = fileURLToPath(new URL("../../node_modules/otlp-protos/build/protos/", import.meta.url));
export const TRACE_SERVICE_PROTO = "opentelemetry/proto/collector/trace/v1/trace_service.proto";
export const METRICS_SERVICE_PROTO = "opentelemetry/proto/collector/metrics/v1/metrics_service.proto";
