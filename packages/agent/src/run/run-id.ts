import { randomBytes } from "node:crypto";
import { UserError } from "./errors.js";

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A sortable, readable run id: `20261126T002300Z-3f9a1c`. */
export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${stamp}-${randomBytes(3).toString("hex")}`;
}

/** Run ids become folder names: allow only a safe alphabet. */
export function checkRunId(id: string): string {
  if (!SAFE.test(id)) {
    throw new UserError(
      `invalid run id ${JSON.stringify(id)}: use 1-128 of A-Z a-z 0-9 . _ - (not starting with . _ -)`,
    );
  }
  return id;
}
