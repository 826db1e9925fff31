// Where the OTLP .proto definitions the tests decode with are: test/support/otlp-proto/, the current OTLP wire
// format (opentelemetry-proto 1.x) under its official package names, so gRPC paths and type names match real peers.
import { fileURLToPath } from "node:url";

export const OTLP_PROTOS_ROOT = fileURLToPath(new URL("./otlp-proto/", import.meta.url));
export const TRACE_SERVICE_PROTO = "trace_service.proto";
export const METRICS_SERVICE_PROTO = "metrics_service.proto";
