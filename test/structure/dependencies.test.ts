// The dependency shape a maintainer expects: one OpenTelemetry release train, no aliased packages, every
// runtime dependency used by the package that declares it, the kernel addon optional.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

interface Manifest {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const readJson = <T>(p: string): T => JSON.parse(readFileSync(join(root, p), "utf8")) as T;
const workspaces = readJson<{ workspaces: string[] }>("package.json").workspaces;
const manifests = workspaces.map((w) => ({ dir: w, m: readJson<Manifest>(`${w}/package.json`) }));

/** Package names the code under `dir`'s shipped folders imports (bare specifiers: scope/name or name). */
function importedPackages(dir: string, subdirs: readonly string[] = ["src", "lib", "bin"]): Set<string> {
  const out = new Set<string>();
  const walk = (d: string) => {
    for (const e of readdirSync(join(root, d), { withFileTypes: true })) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|js|mjs)$/.test(e.name)) {
        const text = readFileSync(join(root, p), "utf8");
        for (const m of text.matchAll(/(?:from |import\()["']([^"'.][^"']*)["']/g)) {
          const spec = m[1] as string;
          if (spec.startsWith("node:")) continue;
          const parts = spec.split("/");
          out.add(spec.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] as string));
        }
      }
    }
  };
  for (const sub of subdirs) {
    try {
      walk(dir === "." ? sub : `${dir}/${sub}`);
    } catch {
      /* the workspace has no such folder */
    }
  }
  return out;
}

describe("dependencies", () => {
  it("one version of each @opentelemetry package in the lockfile (one release train)", () => {
    const lock = readJson<{ packages: Record<string, { version?: string; link?: boolean }> }>("package-lock.json");
    const versions = new Map<string, Set<string>>();
    for (const [path, entry] of Object.entries(lock.packages)) {
      const m = /node_modules\/(@opentelemetry\/[^/]+)$/.exec(path);
      if (!m || !entry.version) continue;
      const name = m[1] as string;
      if (!versions.has(name)) versions.set(name, new Set());
      versions.get(name)?.add(entry.version);
    }
    expect(versions.size).toBeGreaterThan(5);
    const multiple = [...versions].filter(([, v]) => v.size > 1).map(([n, v]) => `${n}: ${[...v].join(", ")}`);
    expect(multiple).toEqual([]);
  });

  it("no dependency is an npm: alias", () => {
    const all = [readJson<Manifest>("package.json"), ...manifests.map((x) => x.m)];
    const aliased = all.flatMap((m) =>
      Object.entries({ ...m.dependencies, ...m.devDependencies, ...m.optionalDependencies })
        .filter(([, v]) => v.startsWith("npm:"))
        .map(([k, v]) => `${m.name}: ${k} -> ${v}`),
    );
    expect(aliased).toEqual([]);
  });

  it("every runtime dependency of a workspace is imported by its shipped code", () => {
    const unused: string[] = [];
    for (const { dir, m } of manifests) {
      const used = importedPackages(dir);
      for (const dep of Object.keys(m.dependencies ?? {})) {
        // node-addon-api is used by the C++ addon (binding.gyp), not by JS imports.
        if (dep === "node-addon-api") continue;
        if (!used.has(dep)) unused.push(`${m.name}: ${dep}`);
      }
    }
    expect(unused).toEqual([]);
  });

  it("every package a workspace's shipped code imports is declared", () => {
    const undeclared: string[] = [];
    for (const { dir, m } of manifests) {
      const declared = new Set([
        m.name,
        ...Object.keys(m.dependencies ?? {}),
        ...Object.keys(m.optionalDependencies ?? {}),
      ]);
      for (const p of importedPackages(dir)) if (!declared.has(p)) undeclared.push(`${m.name}: ${p}`);
    }
    expect(undeclared).toEqual([]);
  });

  it("every package the repository's tests, benches and examples import is declared at the root or is a workspace", () => {
    const rootManifest = readJson<Manifest>("package.json");
    const declared = new Set([
      ...Object.keys(rootManifest.dependencies ?? {}),
      ...Object.keys(rootManifest.devDependencies ?? {}),
      ...manifests.map((x) => x.m.name),
    ]);
    const used = importedPackages(".", ["test", "bench", "examples"]);
    for (const { dir } of manifests) for (const p of importedPackages(dir, ["test"])) used.add(p);
    expect([...used].filter((p) => !declared.has(p)).sort()).toEqual([]);
  });

  it("the kernel addon is an optional dependency of the agent, never a hard one", () => {
    const agent = manifests.find((x) => x.m.name === "@pipespan/agent")?.m;
    expect(agent?.dependencies?.["@pipespan/native"]).toBeUndefined();
    expect(agent?.optionalDependencies?.["@pipespan/native"]).toBeDefined();
  });
});
