import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      "@pipespan/semconv": pkg("semconv"),
      "@pipespan/sdk": pkg("sdk"),
      "@pipespan/agent": pkg("agent"),
      "@pipespan/findings": pkg("findings"),
      "@pipespan/report": pkg("report"),
    },
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["test/e2e/**", "**/node_modules/**"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Measurement tests burn CPU and time real processes: keep files from competing for the 2 cores.
    fileParallelism: false,
  },
});
