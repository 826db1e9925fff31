// The e2e suite: real Collector + real Jaeger, started by scripts/backends/e2e.sh (`npm run test:e2e`).
// Kept apart from vitest.config.ts so `npm test` stays quick; run without the backends it fails (never skips)
// and says how to start them (test/e2e/global-setup.ts).
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
    },
  },
  test: {
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts", "test/e2e/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 240_000,
    // One Collector and one Jaeger serve every file, and the pipelines under test time real processes: in turn.
    fileParallelism: false,
  },
});
