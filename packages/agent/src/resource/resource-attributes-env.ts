// OTEL_RESOURCE_ATTRIBUTES, parsed per the OTel SDK environment-variable spec (sdk-environment-variables.md,
// resource-sdk.md "Specifying resource information via an environment variable"):
//   key1=value1,key2=value2 — the ',' and '=' characters in keys and values MUST be percent-encoded, other
//   characters MAY be; keys and values are trimmed; on any error the entire value SHOULD be discarded.
// We parse it ourselves (rather than through resourceAttributesEnvDetector) because the environment is a parameter
// here, not process.env.

/** Bounds on untrusted input: the whole variable and each key/value (255 is what the OTel JS SDK enforces too). */
const MAX_VARIABLE_LENGTH = 64 * 1024;
const MAX_PART_LENGTH = 255;

export type ParsedResourceAttributes =
  | { ok: true; attributes: Record<string, string> }
  | { ok: false; error: string; attributes: Record<string, string> };

export function parseResourceAttributesEnv(raw: string | undefined): ParsedResourceAttributes {
  if (raw === undefined || raw.trim() === "") return { ok: true, attributes: {} };
  if (raw.length > MAX_VARIABLE_LENGTH) {
    return discard(`is ${raw.length} characters long (limit ${MAX_VARIABLE_LENGTH})`);
  }
  const attributes: Record<string, string> = {};
  for (const entry of raw.split(",")) {
    if (entry.trim() === "") continue;
    const parts = entry.split("=");
    if (parts.length !== 2) {
      return discard(
        `entry "${clip(entry)}" is not key=value (',' and '=' inside keys or values must be percent-encoded)`,
      );
    }
    const rawKey = parts[0]!.trim();
    const rawValue = parts[1]!.trim();
    if (rawKey === "") return discard(`entry "${clip(entry)}" has an empty key`);
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(rawKey);
      value = decodeURIComponent(rawValue);
    } catch {
      return discard(`entry "${clip(entry)}" has an invalid percent-encoding`);
    }
    if (key.length > MAX_PART_LENGTH || value.length > MAX_PART_LENGTH) {
      return discard(`entry for "${clip(key)}" exceeds ${MAX_PART_LENGTH} characters`);
    }
    attributes[key] = value;
  }
  return { ok: true, attributes };
}

function discard(why: string): ParsedResourceAttributes {
  return { ok: false, error: `pipespan: OTEL_RESOURCE_ATTRIBUTES ignored: ${why}`, attributes: {} };
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}
