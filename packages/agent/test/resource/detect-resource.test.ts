import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ATTR_TELEMETRY_SDK_LANGUAGE } from "@opentelemetry/semantic-conventions";
import {
  ATTR_CLOUD_PLATFORM,
  ATTR_CLOUD_PROVIDER,
  ATTR_CLOUD_REGION,
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
import { describe, expect, it } from "vitest";
import { detectResource, detectResourceAttributes, otelArch } from "../../src/resource/index.js";
import { parseResourceAttributesEnv } from "../../src/resource/resource-attributes-env.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const agentVersion = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;
const MACHINE_KEYS = [ATTR_HOST_TYPE, ATTR_HOST_ID, ATTR_CLOUD_PROVIDER, ATTR_CLOUD_PLATFORM];

function osRelease(text: string): string {
  const dir = mkdtempSync(join(os.tmpdir(), "pipespan-osrel-"));
  const path = join(dir, "os-release");
  writeFileSync(path, text);
  return path;
}

describe("detectResourceAttributes", () => {
  it("records the measured host's logical CPUs and memory, as the kernel reports them", () => {
    const { attributes } = detectResourceAttributes({ env: {}, sysfsRoot: fixture("sysfs-non-ec2") });
    // truth: the processors listed in /proc/cpuinfo (the online ones) and MemTotal in /proc/meminfo (kB)
    const processors = (readFileSync("/proc/cpuinfo", "utf8").match(/^processor\s*:/gm) ?? []).length;
    const memTotalKb = Number(/^MemTotal:\s+(\d+) kB$/m.exec(readFileSync("/proc/meminfo", "utf8"))?.[1]);
    expect(attributes[ATTR_PIPESPAN_HOST_CPU_LOGICAL_COUNT]).toBe(processors);
    expect(attributes[ATTR_PIPESPAN_HOST_MEMORY_TOTAL]).toBe(memTotalKb * 1024);
  });

  it("reads instance type and id from an EC2 Nitro DMI table", () => {
    const { attributes, warnings } = detectResourceAttributes({ env: {}, sysfsRoot: fixture("sysfs-ec2-nitro") });
    expect(warnings).toEqual([]);
    expect(attributes[ATTR_HOST_TYPE]).toBe("m6i.large");
    expect(attributes[ATTR_HOST_ID]).toBe("i-0123456789abcdef0");
    expect(attributes[ATTR_CLOUD_PROVIDER]).toBe("aws");
    expect(attributes[ATTR_CLOUD_PLATFORM]).toBe("aws_ec2");
  });

  it("fills service, host and OS attributes from this machine", () => {
    const osReleasePath = osRelease('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n');
    const { attributes } = detectResourceAttributes({ env: {}, sysfsRoot: fixture("sysfs-non-ec2"), osReleasePath });
    expect(attributes[ATTR_SERVICE_NAME]).toBe("pipespan");
    expect(attributes[ATTR_SERVICE_VERSION]).toBe(agentVersion);
    expect(attributes[ATTR_HOST_NAME]).toBe(os.hostname());
    expect(attributes[ATTR_HOST_ARCH]).toBe(otelArch(os.arch()));
    if (os.arch() === "x64") expect(attributes[ATTR_HOST_ARCH]).toBe("amd64");
    if (os.arch() === "arm64") expect(attributes[ATTR_HOST_ARCH]).toBe("arm64");
    expect(attributes[ATTR_OS_TYPE]).toBe("linux");
    expect(attributes[ATTR_OS_VERSION]).toBe(os.release());
    expect(attributes[ATTR_OS_DESCRIPTION]).toBe(`Debian GNU/Linux 12 (bookworm) (Linux ${os.release()})`);
  });

  it("falls back to the kernel for os.description without a usable os-release", () => {
    const { attributes } = detectResourceAttributes({
      env: {},
      sysfsRoot: fixture("sysfs-non-ec2"),
      osReleasePath: "/nonexistent/os-release",
    });
    expect(attributes[ATTR_OS_DESCRIPTION]).toBe(`Linux ${os.release()}`);
  });

  it("sets no machine attributes off EC2", () => {
    for (const root of ["sysfs-non-ec2", "sysfs-lookalike"]) {
      const { attributes, warnings } = detectResourceAttributes({ env: {}, sysfsRoot: fixture(root) });
      for (const key of MACHINE_KEYS) expect(attributes[key], `${root} ${key}`).toBeUndefined();
      expect(warnings).toEqual([]);
    }
  });

  it("survives a missing sysfs (containers, this VM) without attributes or warnings", () => {
    const { attributes, warnings } = detectResourceAttributes({ env: {}, sysfsRoot: "/nonexistent/sys" });
    for (const key of MACHINE_KEYS) expect(attributes[key]).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it("ignores garbage DMI values on EC2 and says so", () => {
    const { attributes, warnings } = detectResourceAttributes({ env: {}, sysfsRoot: fixture("sysfs-ec2-garbage") });
    expect(attributes[ATTR_CLOUD_PROVIDER]).toBe("aws");
    expect(attributes[ATTR_HOST_TYPE]).toBeUndefined();
    expect(attributes[ATTR_HOST_ID]).toBeUndefined();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/product_name .* is not an EC2 instance type; ignored/);
    expect(warnings[1]).toMatch(/board_asset_tag "i-NOTHEX!!" is not an EC2 instance id; ignored/);
    // control bytes from the file never reach the message
    expect([...warnings.join("")].every((c) => c >= " " && c <= "~")).toBe(true);
  });

  it("recognises Xen-based EC2 without inventing an instance type", () => {
    const { attributes } = detectResourceAttributes({ env: {}, sysfsRoot: fixture("sysfs-ec2-xen") });
    expect(attributes[ATTR_CLOUD_PROVIDER]).toBe("aws");
    expect(attributes[ATTR_CLOUD_PLATFORM]).toBe("aws_ec2");
    expect(attributes[ATTR_HOST_TYPE]).toBeUndefined();
  });

  it("lets OTEL_RESOURCE_ATTRIBUTES win, percent-decoded, and keeps DMI for the rest", () => {
    const env = {
      OTEL_RESOURCE_ATTRIBUTES: ` ${ATTR_HOST_TYPE}=r7a.12xlarge , ${ATTR_CLOUD_REGION}=us-east-1,x.team=gen%2Comics%3Dlab `,
    };
    const { attributes, warnings } = detectResourceAttributes({ env, sysfsRoot: fixture("sysfs-ec2-nitro") });
    expect(warnings).toEqual([]);
    expect(attributes[ATTR_HOST_TYPE]).toBe("r7a.12xlarge");
    expect(attributes[ATTR_CLOUD_REGION]).toBe("us-east-1");
    expect(attributes["x.team"]).toBe("gen,omics=lab");
    expect(attributes[ATTR_HOST_ID]).toBe("i-0123456789abcdef0");
  });

  it("gives host.type from the environment on a machine we cannot identify", () => {
    const env = { OTEL_RESOURCE_ATTRIBUTES: `${ATTR_HOST_TYPE}=c7i.4xlarge,${ATTR_CLOUD_PROVIDER}=aws` };
    const { attributes } = detectResourceAttributes({ env, sysfsRoot: "/nonexistent/sys" });
    expect(attributes[ATTR_HOST_TYPE]).toBe("c7i.4xlarge");
    expect(attributes[ATTR_CLOUD_PROVIDER]).toBe("aws");
  });

  it("orders service.name: OTEL_SERVICE_NAME > OTEL_RESOURCE_ATTRIBUTES > option > default", () => {
    const base = { sysfsRoot: "/nonexistent/sys" };
    expect(detectResourceAttributes({ ...base, env: {} }).attributes[ATTR_SERVICE_NAME]).toBe("pipespan");
    expect(detectResourceAttributes({ ...base, env: {}, serviceName: "mine" }).attributes[ATTR_SERVICE_NAME]).toBe(
      "mine",
    );
    const withAttrs = { OTEL_RESOURCE_ATTRIBUTES: `${ATTR_SERVICE_NAME}=from-attrs` };
    expect(
      detectResourceAttributes({ ...base, env: withAttrs, serviceName: "mine" }).attributes[ATTR_SERVICE_NAME],
    ).toBe("from-attrs");
    expect(
      detectResourceAttributes({ ...base, env: { ...withAttrs, OTEL_SERVICE_NAME: "from-env" }, serviceName: "mine" })
        .attributes[ATTR_SERVICE_NAME],
    ).toBe("from-env");
  });

  it("discards a malformed OTEL_RESOURCE_ATTRIBUTES entirely, with one warning", () => {
    for (const raw of ["a=b,broken,c=d", "a=%ZZ", "=novalue", "a=b=c"]) {
      const { attributes, warnings } = detectResourceAttributes({
        env: { OTEL_RESOURCE_ATTRIBUTES: raw },
        sysfsRoot: fixture("sysfs-ec2-nitro"),
      });
      expect(warnings, raw).toHaveLength(1);
      expect(warnings[0]).toMatch(/^pipespan: OTEL_RESOURCE_ATTRIBUTES ignored: /);
      expect(attributes.a, raw).toBeUndefined();
      expect(attributes[ATTR_HOST_TYPE]).toBe("m6i.large");
    }
  });
});

describe("parseResourceAttributesEnv", () => {
  it("accepts empty values and skips empty entries", () => {
    expect(parseResourceAttributesEnv("a=,, b = 2 ,")).toEqual({ ok: true, attributes: { a: "", b: "2" } });
    expect(parseResourceAttributesEnv(undefined)).toEqual({ ok: true, attributes: {} });
  });

  it("bounds key and value length", () => {
    const r = parseResourceAttributesEnv(`k=${"v".repeat(256)}`);
    expect(r.ok).toBe(false);
  });
});

describe("detectResource", () => {
  it("returns an OTel Resource over the SDK defaults and reports warnings", () => {
    const warnings: string[] = [];
    const resource = detectResource({
      env: { OTEL_SERVICE_NAME: "svc" },
      sysfsRoot: fixture("sysfs-ec2-garbage"),
      onWarning: (w) => warnings.push(w),
    });
    expect(resource.attributes[ATTR_SERVICE_NAME]).toBe("svc");
    expect(resource.attributes[ATTR_TELEMETRY_SDK_LANGUAGE]).toBe("nodejs");
    expect(resource.attributes[ATTR_CLOUD_PROVIDER]).toBe("aws");
    expect(resource.asyncAttributesPending ?? false).toBe(false);
    expect(warnings).toHaveLength(2);
  });
});
