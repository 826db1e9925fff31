// EC2 instance identity from the firmware's DMI tables, as Linux exposes them in sysfs — no network, no IMDS.
//
// On Nitro-based instances (every current generation) the DMI system information is filled by AWS:
//   /sys/devices/virtual/dmi/id/sys_vendor      "Amazon EC2"
//   /sys/devices/virtual/dmi/id/product_name    the instance type, e.g. "m6i.large"
//   /sys/devices/virtual/dmi/id/board_asset_tag the instance id, e.g. "i-0123456789abcdef0"
// (all three are world-readable, unlike product_uuid/product_serial which are root-only.)
// Older Xen-based instances report sys_vendor "Xen" / product_name "HVM domU"; there /sys/hypervisor/uuid starts
// with "ec2", which tells us it is EC2 but not the instance type or id.
// Everything read here is untrusted: reads are bounded and values must match the expected shapes, or are ignored.

import { closeSync, openSync, readSync } from "node:fs";
import { join } from "node:path";

const MAX_READ = 256;

/** Instance types: family[-variant].size, e.g. m6i.large, c6gn.16xlarge, u-6tb1.metal, m7i-flex.large. */
export const EC2_INSTANCE_TYPE_PATTERN = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
/** Instance ids: "i-" and 8 (old) or 17 (current) hex digits. */
export const EC2_INSTANCE_ID_PATTERN = /^i-[0-9a-f]{8,17}$/;
const MAX_INSTANCE_TYPE_LENGTH = 64;

export interface Ec2Identity {
  /** True when the firmware says this is an EC2 instance. */
  isEc2: boolean;
  instanceType?: string;
  instanceId?: string;
  /** One line per value that was present but rejected (for the caller to report). */
  rejected: string[];
}

export function readEc2Identity(sysfsRoot: string): Ec2Identity {
  const dmi = join(sysfsRoot, "devices", "virtual", "dmi", "id");
  const rejected: string[] = [];
  const sysVendor = readSmall(join(dmi, "sys_vendor"));
  const nitro = sysVendor === "Amazon EC2";
  const xenUuid = readSmall(join(sysfsRoot, "hypervisor", "uuid"));
  const xen = xenUuid !== undefined && /^ec2[0-9a-f-]{29,33}$/i.test(xenUuid);
  if (!nitro) return { isEc2: xen, rejected };

  const identity: Ec2Identity = { isEc2: true, rejected };
  const productName = readSmall(join(dmi, "product_name"));
  if (productName !== undefined) {
    if (productName.length <= MAX_INSTANCE_TYPE_LENGTH && EC2_INSTANCE_TYPE_PATTERN.test(productName)) {
      identity.instanceType = productName;
    } else {
      rejected.push(`DMI product_name ${describeValue(productName)} is not an EC2 instance type`);
    }
  }
  const assetTag = readSmall(join(dmi, "board_asset_tag"));
  if (assetTag !== undefined) {
    if (EC2_INSTANCE_ID_PATTERN.test(assetTag)) identity.instanceId = assetTag;
    else rejected.push(`DMI board_asset_tag ${describeValue(assetTag)} is not an EC2 instance id`);
  }
  return identity;
}

/** The file's first MAX_READ bytes, trimmed; undefined when missing, unreadable or empty. */
function readSmall(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(MAX_READ);
    const n = readSync(fd, buf, 0, MAX_READ, null);
    const text = buf.subarray(0, n).toString("utf8").trim();
    return text === "" ? undefined : text;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function describeValue(v: string): string {
  const printable = v.replace(/[^\x20-\x7e]/g, "?");
  return JSON.stringify(printable.length > 40 ? `${printable.slice(0, 39)}…` : printable);
}
