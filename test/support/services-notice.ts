/**
 * Vitest global setup: says once, before any test runs, when the suites that need Postgres or Redis will skip
 * because their URL is not set (CI sets both; see the README's Development section). Also drops the test
 * databases a killed run left behind.
 */
import { dropStaleDatabases, hasPostgres, hasRedis } from "./services.js";

export default async function setup(): Promise<void> {
  await dropStaleDatabases();
  const missing: string[] = [];
  if (!hasPostgres()) missing.push("XHS_TEST_DATABASE_URL (Postgres)");
  if (!hasRedis()) missing.push("XHS_TEST_REDIS_URL (Redis)");
  if (missing.length === 0) return;
  process.stderr.write(
    `\n${missing.join(" and ")} not set: the suites that need ${missing.length === 1 ? "it" : "them"} skip. ` +
      "Set e.g. XHS_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test and " +
      "XHS_TEST_REDIS_URL=redis://127.0.0.1:6379 to run them (.ci/run does).\n\n",
  );
}
