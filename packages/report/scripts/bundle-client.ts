// Builds the report page's script and style sheet into dist/client/: client/main.ts with the charting library it
// imports (Apache ECharts, tree-shaken to the charts and components the page uses) as one minified IIFE, with the
// licence notices of every bundled package at its top. `pipespan report` inlines both into each HTML file.
// Incremental: does nothing when the outputs are newer than every input. Run by `npm run build`.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, transform } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const clientDir = join(root, "client");
const outDir = join(root, "dist", "client");
const outJs = join(outDir, "report.js");
const outCss = join(outDir, "report.css");

function newest(paths: string[]): number {
  let t = 0;
  for (const p of paths) {
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(readdirSync(p).map((e) => join(p, e))) : s.mtimeMs);
  }
  return t;
}

function upToDate(): boolean {
  try {
    const out = Math.min(statSync(outJs).mtimeMs, statSync(outCss).mtimeMs);
    const inputs = [clientDir, join(root, "src", "data", "types.ts"), fileURLToPath(import.meta.url)];
    return out >= newest(inputs) && process.env["PIPESPAN_REBUNDLE"] === undefined;
  } catch {
    return false;
  }
}

/** The package folder (node_modules/<name> or node_modules/@scope/name) a bundled input file belongs to. */
function packageDirOf(input: string): string | undefined {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return m?.[1];
}

/** Every bundled package with its version and licence, and its LICENSE and NOTICE texts in full. */
function notices(inputs: string[]): string {
  const dirs = new Set<string>();
  for (const i of inputs) {
    const d = packageDirOf(i);
    if (d) dirs.add(d);
  }
  const seen = new Set<string>();
  const lines = ["Bundled third-party software, with the licence and notice texts of each package:"];
  for (const d of [...dirs].sort()) {
    const pkg = JSON.parse(readFileSync(join(root, d, "package.json"), "utf8")) as {
      name: string;
      version: string;
      license?: string;
    };
    const id = `${pkg.name} ${pkg.version}`;
    if (seen.has(id)) continue;
    seen.add(id);
    lines.push("", `== ${id}, licence ${pkg.license ?? "unknown"}`);
    for (const file of ["LICENSE", "NOTICE"]) {
      try {
        lines.push(
          "",
          ...readFileSync(join(root, d, file), "utf8")
            .trim()
            .split("\n"),
        );
      } catch {
        /* the package has no such file */
      }
    }
  }
  // Nothing in a licence text may end the comment early.
  return `/*!\n${lines.map((l) => ` * ${l.replace(/\*\//g, "* /")}`.trimEnd()).join("\n")}\n */`;
}

async function main(): Promise<void> {
  if (upToDate()) return;
  const started = Date.now();
  const result = await build({
    entryPoints: [join(clientDir, "main.ts")],
    absWorkingDir: root,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    minify: process.env["PIPESPAN_BUNDLE_DEBUG"] === undefined,
    legalComments: "none",
    write: false,
    metafile: true,
    logLevel: "warning",
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
  });
  const js = result.outputFiles?.[0]?.text ?? "";
  const banner = notices(Object.keys(result.metafile?.inputs ?? {}));
  const css = await transform(readFileSync(join(clientDir, "style.css"), "utf8"), { loader: "css", minify: true });
  mkdirSync(dirname(outJs), { recursive: true });
  writeFileSync(outJs, `${banner}\n${js}`);
  writeFileSync(outCss, css.code);
  const kb = (n: number) => `${Math.round(n / 1024)} KiB`;
  console.log(
    `report page: ${kb(Buffer.byteLength(js))} script, ${kb(Buffer.byteLength(css.code))} style (${Date.now() - started} ms)`,
  );
}

main().catch((err: unknown) => {
  console.error(`bundle-client: ${(err as Error).message}`);
  process.exit(1);
});
