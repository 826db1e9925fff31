// Renders packages/semconv/src/generated/*.ts, conventions/README.md and conventions/env-protocol.md from
// conventions/ (the single source of names).
//   npm run generate                 write what changed
//   npm run generate -- --check      exit 1, listing the stale files, when anything is out of date
//   --root DIR                       operate on another checkout (tests use a copy)
import { checkGenerated, describe, REPO_ROOT, writeGenerated } from "./generate-lib.ts";

const args = process.argv.slice(2);
const check = args.includes("--check");
const rootIdx = args.indexOf("--root");
const root = rootIdx >= 0 && args[rootIdx + 1] ? args[rootIdx + 1]! : REPO_ROOT;

try {
  if (check) {
    const result = await checkGenerated(root);
    const problems = describe(result, root);
    if (problems.length > 0) {
      console.error(
        `semconv: generated files are out of date with conventions/:\n${problems.join("\n")}\nRun \`npm run generate\` and commit the result.`,
      );
      process.exit(1);
    }
  } else {
    const result = await writeGenerated(root);
    for (const line of describe(result, root))
      console.log(line.replace("stale:     ", "wrote:     ").replace("unexpected:", "removed:   "));
  }
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
