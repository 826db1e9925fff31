export * from "./counting-exporter.js";
export * from "./export-failure.js";
export * from "./export-state.js";
export * from "./jsonl-appender.js";
export * from "./otlp-grpc.js";
export * from "./otlp-json-decode.js";
export * from "./otlp-json-file.js";
export * from "./shipper.js";
