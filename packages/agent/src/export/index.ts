export * from "./counting-exporter.js";
export * from "./export-failure.js";
export * from "./jsonl-appender.js";
export * from "./otlp-grpc.js";
export * from "./otlp-json-file.js";
