// Small hand-written lookups over the generated metadata.
import { ATTRIBUTES, type AttributeDefinition, METRICS, type MetricDefinition, UNITS } from "./generated/metadata.js";

/** The UCUM unit of an attribute (annotations.pipespan.unit in conventions/), or undefined when it has none. */
export function attributeUnit(name: string): string | undefined {
  return Object.hasOwn(UNITS, name) ? UNITS[name] : undefined;
}

/** The registry definition of an attribute (own or referenced upstream), or undefined for unknown names. */
export function attributeDefinition(name: string): AttributeDefinition | undefined {
  return Object.hasOwn(ATTRIBUTES, name) ? ATTRIBUTES[name] : undefined;
}

/** The definition of a metric pipespan emits, or undefined for unknown names. */
export function metricDefinition(name: string): MetricDefinition | undefined {
  return Object.hasOwn(METRICS, name) ? (METRICS as Readonly<Record<string, MetricDefinition>>)[name] : undefined;
}
