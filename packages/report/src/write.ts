// Writing a report file: built next to its final name and renamed, so a reader never sees half a file.
import { rename, writeFile } from "node:fs/promises";
import { ReportError } from "./errors.js";

export async function writeReportFile(path: string, html: string): Promise<number> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, html);
    await rename(tmp, path);
  } catch (err) {
    throw new ReportError(`cannot write the report to ${path}: ${(err as Error).message}`);
  }
  return Buffer.byteLength(html);
}
