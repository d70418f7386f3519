import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: keep the pool small so spawned simulators and CLIs are not starved.
    maxWorkers: 2,
    // Says once when ../shared/reference is absent and which suites skip because of it.
    globalSetup: ["test/support/reference-notice.ts"],
  },
});
