// Tests that spawn the `pipespan` command run the built code: make sure it is current (incremental, fast).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = fileURLToPath(new URL("..", import.meta.url));
  execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, "-b", "tsconfig.build.json"], {
    cwd: root,
    stdio: "inherit",
  });
  // The report page's script (incremental: a no-op when current).
  execFileSync(process.execPath, [`${root}packages/report/scripts/bundle-client.ts`], { cwd: root, stdio: "inherit" });
  // The command line's bundle, which bin/pipespan.js loads (incremental too).
  execFileSync(process.execPath, [`${root}packages/cli/scripts/bundle.ts`], { cwd: root, stdio: "inherit" });
}
