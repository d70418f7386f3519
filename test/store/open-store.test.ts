/**
 * `openStore` picks the backend by the target, and the CLI's `--db` (or XHS_DATABASE_URL) goes through it: a bad
 * URL or an unreachable Postgres is exit 2 before any call is paid, the password never shown.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exit-codes.js";
import { StoreOpenError } from "../../src/store/errors.js";
import { openStore, sqlitePathOf } from "../../src/store/open-store.js";
import { runCli, TEST_KEY } from "../cli/helpers.js";
import { note } from "./fixtures.js";

describe("openStore", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "xhs-open-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("opens a path or a file: URL as SQLite, and refuses other schemes", async () => {
    for (const target of [join(dir, "a.db"), `file://${join(dir, "b.db")}`, `file:${join(dir, "c.db")}`]) {
      const store = await openStore(target);
      expect(store.dialect).toBe("sqlite");
      await store.upsertNotes([note("n1")]);
      await store.close();
    }
    expect(sqlitePathOf("postgresql://db.example/xhs")).toBeNull();
    expect(() => sqlitePathOf("mysql://ann:pw@db.example/xhs")).toThrow(StoreOpenError);
    expect(() => sqlitePathOf("mysql://ann:pw@db.example/xhs")).not.toThrow(/pw/);
    await expect(openStore("postgres://ann:pw@127.0.0.1:1/xhs", { connectTimeoutMs: 2000 })).rejects.toThrow(
      /Cannot connect to Postgres at postgres:\/\/ann:\*\*\*@127\.0\.0\.1:1\/xhs/,
    );
  });

  it("the CLI refuses an unreachable --db or XHS_DATABASE_URL with exit 2 before paying anything", async () => {
    let calls = 0;
    const fetch = (async () => {
      calls += 1;
      throw new Error("no call may be made");
    }) as typeof globalThis.fetch;
    const env = { TIKHUB_API_KEY: TEST_KEY, XHS_DATABASE_URL: "postgres://ann:s3cret-pw@127.0.0.1:1/xhs" };
    for (const argv of [
      ["crawl", "--keyword", "露营", "--limit", "5"],
      ["export", "notes", "--format", "jsonl"],
      ["runs", "list"],
      ["crawl", "--keyword", "露营", "--db", "postgres://ann:s3cret-pw@[oops/xhs"],
    ]) {
      const result = await runCli(argv, { env, fetch, cwd: dir });
      expect(result.code, argv.join(" ")).toBe(EXIT.usage);
      expect(result.stderr).toMatch(/Postgres/);
      expect(result.stderr).not.toContain("s3cret-pw");
    }
    expect(calls).toBe(0);
  });
});
