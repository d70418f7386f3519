/**
 * `xhs worker` exits as `xhs crawl` does when a run fails for the key: a 401 is exit 3 (auth), and the worker
 * stops taking runs (its key would fail the next one too). `xhs crawl --enqueue-only`'s hint names the actual
 * database, its password hidden. Runs when XHS_TEST_DATABASE_URL is set (CI sets it).
 */
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exit-codes.js";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import { freshPostgresDatabase, hasPostgres } from "../support/services.js";
import { runCli } from "./helpers.js";

const noteId = (n: number) => `bb${String(n).padStart(22, "0")}`;
const KEY = "worker-exit-test-key";

/** TikHub's answer to a wrong key (its body echoes the key). */
const refused = async (): Promise<Response> =>
  new Response(JSON.stringify({ detail: { code: 401, message: `Invalid token: ${KEY}` } }), {
    status: 401,
    headers: { "content-type": "application/json" },
  });

describe("xhs worker --help", () => {
  it("lists the worker's exit codes", async () => {
    const help = await runCli(["worker", "--help"]);
    expect(help.stdout).toMatch(/Exit codes: 0 .*2 bad option or database, 3 auth,\s+4 payment, 130 interrupted/s);
  });
});

describe.skipIf(!hasPostgres())("xhs worker with a refused key", () => {
  it("fails the run for auth and exits 3, leaving the next run to the others; the hint names the database", async () => {
    const database = await freshPostgresDatabase("worker_exit");
    // The same database with a password (the test server trusts local connections, so any password does).
    const withPassword = new URL(database.url);
    withPassword.password = "s3cret-pw";
    const url = withPassword.toString();
    const noCall = async (): Promise<Response> => {
      throw new Error("--enqueue-only pays nothing");
    };
    const env = { TIKHUB_API_KEY: KEY };
    try {
      const runIds: string[] = [];
      for (const n of [1, 2]) {
        const queued = await runCli(["crawl", "--note", noteId(n), "--db", url, "--enqueue-only"], {
          env,
          fetch: noCall,
        });
        expect(queued.code, queued.stderr).toBe(0);
        runIds.push(queued.stdout.trim());
        expect(queued.stderr).toContain(`start workers with: xhs worker --db ${url.replace("s3cret-pw", "***")}\n`);
        expect(queued.stderr).not.toContain("s3cret-pw");
      }
      const worker = await runCli(["worker", "--db", url, "--until-idle", "--poll", "50"], { env, fetch: refused });
      expect(worker.code, worker.stderr).toBe(EXIT.auth);
      expect(worker.stderr).toMatch(/: failed \(auth\)/);
      expect(worker.stderr).not.toContain(KEY);
      const store = await openPostgresStore(database.url);
      try {
        const runs = await Promise.all(runIds.map((id) => store.getRun(id)));
        // The oldest run first: it failed for the key; the worker stopped before taking the other.
        expect(runs.map((r) => r?.status)).toEqual(["failed", "running"]);
      } finally {
        await store.close();
      }
    } finally {
      await database.drop();
    }
  }, 60_000);
});
