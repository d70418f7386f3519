import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: keep the pool small so spawned simulators and CLIs are not starved.
    maxWorkers: 2,
    // Say once when ../shared/reference, or the Postgres and Redis URLs, are absent and what skips because of it.
    globalSetup: ["test/support/reference-notice.ts", "test/support/services-notice.ts"],
  },
});
