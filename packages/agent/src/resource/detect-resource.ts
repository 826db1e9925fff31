// The OTel Resource pipespan's spans and metrics carry: who made them (service.*), on what host and OS, and — for
// the cost findings — which EC2 instance type. Local facts only: no network calls, ever (no IMDS).

import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import * as os from "node:os";
import { defaultResource, type Resource, resourceFromAttributes } from "@opentelemetry/resources";
import {
  ATTR_CLOUD_PLATFORM,
  ATTR_CLOUD_PROVIDER,
  ATTR_HOST_ARCH,
  ATTR_HOST_ID,
  ATTR_HOST_NAME,
  ATTR_HOST_TYPE,
  ATTR_OS_DESCRIPTION,
  ATTR_OS_TYPE,
  ATTR_OS_VERSION,
  ATTR_PIPESPAN_HOST_CPU_LOGICAL_COUNT,
  ATTR_PIPESPAN_HOST_MEMORY_TOTAL,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from "@pipespan/semconv";
import { readEc2Identity } from "./ec2-dmi.js";
import { parseResourceAttributesEnv } from "./resource-attributes-env.js";

export const DEFAULT_SERVICE_NAME = "pipespan";
// Values from the OTel semantic conventions (cloud.provider, cloud.platform, host.arch, os.type enums).
const CLOUD_PROVIDER_AWS = "aws";
const CLOUD_PLATFORM_AWS_EC2 = "aws_ec2";
const OS_TYPE_LINUX = "linux";

export interface DetectResourceOptions {
  /** Environment to read OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Root of sysfs, for the DMI entries (default "/sys"; tests point it at fixtures). */
  sysfsRoot?: string;
  /** os-release(5) file for os.description (default "/etc/os-release"). */
  osReleasePath?: string;
  /** The program's own service.name; OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override it. */
  serviceName?: string;
  /** service.version; default: this package's version. */
  serviceVersion?: string;
}

export interface DetectedResourceAttributes {
  attributes: Record<string, string | number>;
  /** Problems with the inputs (one line each), e.g. a malformed OTEL_RESOURCE_ATTRIBUTES or garbage DMI values. */
  warnings: string[];
}

/**
 * Precedence, lowest to highest, per attribute:
 *   built-in defaults (service.name "pipespan" or options.serviceName, service.version, host.*, os.*)
 *   < EC2 DMI (host.type, host.id, cloud.provider, cloud.platform)
 *   < OTEL_RESOURCE_ATTRIBUTES (any attribute, e.g. host.type for a machine we cannot identify ourselves)
 *   < OTEL_SERVICE_NAME (service.name only).
 * host.id is set only from EC2 (the instance id, as the OTel host conventions ask for cloud hosts) or from
 * OTEL_RESOURCE_ATTRIBUTES; /etc/machine-id is deliberately not exported (machine-id(5) asks to treat it as
 * confidential).
 */
export function detectResourceAttributes(options: DetectResourceOptions = {}): DetectedResourceAttributes {
  const env = options.env ?? process.env;
  const warnings: string[] = [];
  const attributes: Record<string, string | number> = {
    [ATTR_SERVICE_NAME]: options.serviceName ?? DEFAULT_SERVICE_NAME,
    [ATTR_SERVICE_VERSION]: options.serviceVersion ?? ownVersion(),
    [ATTR_HOST_NAME]: os.hostname(),
    [ATTR_HOST_ARCH]: otelArch(os.arch()),
    [ATTR_OS_TYPE]: otelOsType(os.platform()),
    [ATTR_OS_VERSION]: os.release(),
    ...measuredHost(),
  };
  const description = osDescription(options.osReleasePath ?? "/etc/os-release");
  if (description !== undefined) attributes[ATTR_OS_DESCRIPTION] = description;

  const ec2 = readEc2Identity(options.sysfsRoot ?? "/sys");
  warnings.push(...ec2.rejected.map((r) => `pipespan: ${r}; ignored`));
  if (ec2.isEc2) {
    attributes[ATTR_CLOUD_PROVIDER] = CLOUD_PROVIDER_AWS;
    attributes[ATTR_CLOUD_PLATFORM] = CLOUD_PLATFORM_AWS_EC2;
    if (ec2.instanceType !== undefined) attributes[ATTR_HOST_TYPE] = ec2.instanceType;
    if (ec2.instanceId !== undefined) attributes[ATTR_HOST_ID] = ec2.instanceId;
  }

  const fromEnv = parseResourceAttributesEnv(env.OTEL_RESOURCE_ATTRIBUTES);
  if (!fromEnv.ok) warnings.push(fromEnv.error);
  Object.assign(attributes, fromEnv.attributes);

  const serviceName = env.OTEL_SERVICE_NAME?.trim();
  if (serviceName) attributes[ATTR_SERVICE_NAME] = serviceName;
  return { attributes, warnings };
}

/**
 * detectResourceAttributes as an OTel Resource, merged over the SDK's default resource (telemetry.sdk.*).
 * Warnings go to `onWarning` (default: dropped).
 */
export function detectResource(options: DetectResourceOptions & { onWarning?: (line: string) => void } = {}): Resource {
  const { attributes, warnings } = detectResourceAttributes(options);
  for (const w of warnings) options.onWarning?.(w);
  return defaultResource().merge(resourceFromAttributes(attributes));
}

/**
 * The size of the machine that is measured — what the spans' CPU and memory figures must be read against
 * (a cost projection compares it with the instance type named on the command line). Logical CPUs are the
 * online ones (not this process's affinity mask); memory is MemTotal.
 */
function measuredHost(): Record<string, number> {
  const out: Record<string, number> = {};
  const cpus = os.cpus().length;
  if (cpus > 0) out[ATTR_PIPESPAN_HOST_CPU_LOGICAL_COUNT] = cpus;
  const memory = os.totalmem();
  if (memory > 0) out[ATTR_PIPESPAN_HOST_MEMORY_TOTAL] = memory;
  return out;
}

/** Node's os.arch() → the OTel host.arch value. */
export function otelArch(nodeArch: string): string {
  switch (nodeArch) {
    case "x64":
      return "amd64";
    case "ia32":
      return "x86";
    case "arm":
      return "arm32";
    case "ppc":
      return "ppc32";
    default:
      return nodeArch; // arm64, ppc64, s390x already match
  }
}

function otelOsType(platform: string): string {
  switch (platform) {
    case "linux":
      return OS_TYPE_LINUX;
    case "win32":
      return "windows";
    case "sunos":
      return "solaris";
    default:
      return platform;
  }
}

/** PRETTY_NAME from os-release plus the kernel, e.g. "Debian GNU/Linux 12 (bookworm) (Linux 6.1.0-18-amd64)". */
function osDescription(osReleasePath: string): string | undefined {
  const kernel = `${os.type()} ${os.release()}`;
  const text = readBounded(osReleasePath, 16 * 1024);
  if (text === undefined) return kernel;
  const m = /^PRETTY_NAME=(.*)$/m.exec(text);
  if (!m) return kernel;
  let pretty = m[1]!.trim();
  // os-release values may be quoted with " or ' (shell-like); unquote and cap the length.
  if (/^(["']).*\1$/.test(pretty)) pretty = pretty.slice(1, -1);
  pretty = pretty
    .replace(/[^\x20-\x7e]/g, "")
    .slice(0, 120)
    .trim();
  return pretty === "" ? kernel : `${pretty} (${kernel})`;
}

function readBounded(path: string, max: number): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(max);
    const n = readSync(fd, buf, 0, max, null);
    return buf.subarray(0, n).toString("utf8");
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

let cachedVersion: string | undefined;
/** This package's version: package.json sits two levels above both src/resource/ and dist/resource/. */
function ownVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    cachedVersion = typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    cachedVersion = "unknown";
  }
  return cachedVersion;
}
