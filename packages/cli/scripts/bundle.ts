// Bundles the command line (dist/main.js and everything it imports, the workspace packages and their
// dependencies) into dist/bundle/: one module per command and a few shared chunks, loaded by bin/pipespan.js.
// Starting pipespan from ~600 separate ES modules spends most of its start-up resolving and compiling them
// (0.45 s of CPU for `pipespan run -- true` against 0.2 s bundled), which every traced run and every command pays.
//
// What stays outside: the kernel addon (@pipespan/native, a compiled .node file found at run time) and the
// packages loaded by path on first use (the gRPC exporters, see agent/src/lazy-module.ts). Code that finds files
// next to itself (catalog CSVs, the report's client assets, the analyzer's reader-thread script, package.json)
// does so from import.meta.url: in each bundled module that is rewritten to the URL of the module's own file in
// the build, relative to the bundle, so those files are found where they are, wherever the tree is installed.
// Run by `npm run build` after tsc, and by the tests' global set-up. Incremental: does nothing when the bundle is
// newer than every module of the build (PIPESPAN_REBUNDLE=1 forces it).
import { readdirSync, rmSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const cli = fileURLToPath(new URL("..", import.meta.url));
const outdir = join(cli, "dist", "bundle");

/** Packages required by path when first used (loadEsm) or found at run time: never copied into the bundle. */
const EXTERNAL = [
  "@pipespan/native",
  "@opentelemetry/exporter-trace-otlp-grpc",
  "@opentelemetry/exporter-metrics-otlp-grpc",
  "@grpc/grpc-js",
];

/** import.meta.url of a module of the build → the URL of that module's file, computed from the bundle's. */
const ownUrl: Plugin = {
  name: "own-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]dist[\\/].*\.js$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      if (!source.includes("import.meta.url")) return undefined;
      const rel = relative(outdir, args.path).split(sep).join("/");
      const url = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
      return { contents: source.replaceAll("import.meta.url", url), loader: "js", resolveDir: dirname(args.path) };
    });
  },
};

/** The newest modification time of the build's modules (every package's dist/, the bundle left out). */
function newestBuilt(): number {
  const packages = join(cli, "..");
  let t = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (p !== outdir) walk(p);
      } else if (e.name.endsWith(".js")) t = Math.max(t, statSync(p).mtimeMs);
    }
  };
  for (const pkg of readdirSync(packages)) {
    const dist = join(packages, pkg, "dist");
    try {
      walk(dist);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  return t;
}

function upToDate(): boolean {
  if (process.env["PIPESPAN_REBUNDLE"] !== undefined) return false;
  try {
    return statSync(join(outdir, "main.js")).mtimeMs >= newestBuilt();
  } catch {
    return false;
  }
}

if (!upToDate()) await bundle();

async function bundle(): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: [join(cli, "dist", "main.js")],
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    external: EXTERNAL,
    plugins: [ownUrl],
    // Bundled CommonJS packages (commander among them) call require() for Node's builtins.
    banner: {
      js: 'import { createRequire as __pipespanRequire } from "node:module";\nconst require = __pipespanRequire(import.meta.url);',
    },
    chunkNames: "chunk-[hash]",
    legalComments: "linked",
    logLevel: "warning",
  });
}
