// The page's script and style sheet, built by scripts/bundle-client.ts into dist/client/ (the charting library
// bundled in). Read once per process. From src/html/ (tests) and dist/html/ (built) alike, the package root is
// two folders up.
import { readFileSync } from "node:fs";
import { ReportError } from "../errors.js";

const ROOT = new URL("../../", import.meta.url);
export const CLIENT_SCRIPT = new URL("dist/client/report.js", ROOT);
export const CLIENT_STYLE = new URL("dist/client/report.css", ROOT);

let cached: { script: string; style: string } | undefined;

export function clientAssets(): { script: string; style: string } {
  if (cached) return cached;
  try {
    cached = { script: readFileSync(CLIENT_SCRIPT, "utf8"), style: readFileSync(CLIENT_STYLE, "utf8") };
  } catch (err) {
    throw new ReportError(
      `the report page's script is missing (${CLIENT_SCRIPT.pathname}: ${(err as Error).message}); build it with npm run build`,
    );
  }
  return cached;
}
