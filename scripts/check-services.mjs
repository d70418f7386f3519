// CI's guard: the Postgres and Redis the service suites use must answer, or CI fails here instead of
// letting those suites skip. Reads the same variables the tests read.
import { Redis } from "ioredis";
import pg from "pg";

const postgresUrl = process.env.XHS_TEST_DATABASE_URL;
const redisUrl = process.env.XHS_TEST_REDIS_URL;
const failures = [];

if (!postgresUrl) failures.push("XHS_TEST_DATABASE_URL is not set");
else {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const { rows } = await client.query("SHOW server_version");
    console.log(`Postgres ${rows[0].server_version} answers at ${new URL(postgresUrl).host}`);
  } catch (error) {
    failures.push(`Postgres at ${postgresUrl} does not answer: ${error.message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

if (!redisUrl) failures.push("XHS_TEST_REDIS_URL is not set");
else {
  const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0 });
  redis.on("error", () => {});
  try {
    await redis.connect();
    console.log(`Redis answers ${await redis.ping()} at ${new URL(redisUrl).host}`);
  } catch (error) {
    failures.push(`Redis at ${redisUrl} does not answer: ${error.message}`);
  } finally {
    redis.disconnect();
  }
}

if (failures.length > 0) {
  for (const failure of failures) console.error(failure);
  process.exit(1);
}
